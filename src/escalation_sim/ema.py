"""EMA Workbench adapter (the optional extra ``escalation-sim[ema]``).

:func:`model` gives an ``ema_workbench.Model`` whose uncertainties are parameters
of the parameter table over their ranges and whose outcomes are the headline
numbers, so exploratory modelling takes three lines::

    from ema_workbench import perform_experiments
    from escalation_sim import ema

    experiments, outcomes = perform_experiments(ema.model("august_2021"), 50)

Each experiment runs ``replications`` replications from the same master seed:
common random numbers, so differences between experiments come from the
parameters, not from the draws.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from escalation_sim.api import parameters as parameter_table
from escalation_sim.api import simulate
from escalation_sim.config.scenario import Scenario
from escalation_sim.io.flat import resolve_scenario

# The headline outcomes an EMA Model reports (keys of ``Outcomes.headline``).
OUTCOMES = (
    "p_armed_incident",
    "p_nonlethal_clash",
    "p_armed_conflict",
    "max_rung_median",
    "sanctions_packages_mean",
    "arrivals_median",
    "blame_gap",
)


def _ema() -> Any:
    try:
        with warnings.catch_warnings():  # EMA warns about its optional parallel back-ends
            warnings.simplefilter("ignore")
            import ema_workbench
    except ImportError:  # pragma: no cover - the extra is installed with dev
        raise ImportError(
            "escalation_sim.ema needs EMA Workbench: pip install 'escalation-sim[ema]'"
        ) from None
    return ema_workbench


def default_uncertainties(scenario: Scenario) -> list[str]:
    """The mechanisms' real-valued parameters with a closed range (flat names)."""
    table = parameter_table(scenario)
    chosen = table[
        table["path"].str.startswith("mechanisms.")
        & ~table["path"].str.startswith("mechanisms.migration.")
        & (table["type"] == "float")
        & table["low"].notna()
        & table["high"].notna()
    ]
    return list(chosen["name"])


def uncertainties(scenario: Scenario, names: Sequence[str]) -> list[Any]:
    """EMA parameters for flat names, over the parameter table's ranges."""
    ema = _ema()
    table = parameter_table(scenario).set_index("name")
    unknown = [n for n in names if n not in table.index]
    if unknown:
        raise ValueError(f"unknown parameters: {', '.join(unknown)}")
    out = []
    for name in names:
        row = table.loc[name]
        if row["type"] == "bool":
            out.append(ema.BooleanParameter(name))
        elif math.isnan(row["low"]) or math.isnan(row["high"]):
            raise ValueError(f"{name} has an open range; give it a range of your own")
        elif row["type"] == "int":
            out.append(ema.IntegerParameter(name, int(row["low"]), int(row["high"])))
        else:
            out.append(ema.RealParameter(name, float(row["low"]), float(row["high"])))
    return out


def model(
    scenario: Scenario | str | Path = "august_2021",
    *,
    replications: int = 300,
    seed: int = 0,
    parameters: Sequence[str] | None = None,
    name: str = "escalation_sim",
) -> Any:
    """An EMA ``Model`` of a scenario: uncertainties from the table, headline outcomes.

    ``parameters`` are the flat names to vary (default: :func:`default_uncertainties`);
    each experiment is ``simulate(scenario, replications, seed, **values)``.
    """
    ema = _ema()
    sc = resolve_scenario(scenario)

    def run(**values: Any) -> dict[str, float]:
        headline = simulate(sc, replications, seed, **values).headline
        return {k: float(headline[k]) for k in OUTCOMES}

    m = ema.Model(name, function=run)
    m.uncertainties = uncertainties(sc, parameters or default_uncertainties(sc))
    m.outcomes = [ema.ScalarOutcome(k) for k in OUTCOMES]
    return m
