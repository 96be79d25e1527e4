"""The flat Python API: ``simulate``, ``parameters`` and the Mesa model, in one place.

A thin top layer (beside ``cli``) over ``run`` and ``io``::

    import escalation_sim as es

    out = es.simulate("august_2021", replications=1000, seed=0, hostile_bias=0.8)
    out.p_armed_incident, out.runs

Parameters are flat keywords: ``hostile_bias`` for ``mechanisms.hostile_bias``,
``migration__supply`` for ``mechanisms.migration.supply``, ``Lithuania__pushback``
for ``actors.Lithuania.pushback`` (see :mod:`escalation_sim.io.flat`). ``docs/api.md``
shows it in use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.analysis.summary import headline_numbers
from escalation_sim.config.base import field_bounds
from escalation_sim.config.priors import prior_from
from escalation_sim.config.scenario import Scenario, parameter_fields
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.result import ModelResult
from escalation_sim.io.flat import flat_name, resolve_scenario, shipped_scenarios, with_parameters
from escalation_sim.run.scenario import run_scenario

__all__ = ["EscalationModel", "Outcomes", "parameters", "shipped_scenarios", "simulate"]


@dataclass(frozen=True)
class Outcomes:
    """What ``simulate`` returns: the headline numbers as attributes, the runs as a table.

    Every key of :func:`~escalation_sim.analysis.summary.headline_numbers` is an
    attribute (``p_armed_incident``, ``p_armed_incident_low``, ``max_rung_median``, ...).
    """

    scenario: Scenario
    seed: int
    parameters: dict[str, Any]
    result: ModelResult = field(repr=False)
    headline: dict[str, float] = field(repr=False)

    @property
    def runs(self) -> pd.DataFrame:
        """One row per replication (the columns of ``runs.parquet``)."""
        return self.result.runs

    @property
    def events(self) -> pd.DataFrame:
        """The event log of the kept replications (``keep_traces``)."""
        return self.result.events

    @property
    def replications(self) -> int:
        """Number of replications run."""
        return len(self.result.runs)

    def __getattr__(self, name: str) -> float:
        headline = self.__dict__.get("headline", {})
        if name in headline:
            return headline[name]
        raise AttributeError(f"Outcomes has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.headline})

    def summary(self) -> pd.Series:
        """The headline numbers as a Series (one row per number)."""
        return pd.Series(self.headline, name=self.scenario.name)

    def __repr__(self) -> str:
        p, lo, hi = (self.headline[k] for k in _HEADLINE_P)
        return (
            f"Outcomes({self.scenario.name!r}, {self.replications} replications, seed "
            f"{self.seed}: P(armed incident) {p:.3f} [{lo:.3f}, {hi:.3f}])"
        )


_HEADLINE_P = ("p_armed_incident", "p_armed_incident_low", "p_armed_incident_high")


def simulate(
    scenario: Scenario | str | Path = "august_2021",
    replications: int = 1000,
    seed: int = 0,
    *,
    keep_traces: int = 0,
    **parameters: Any,
) -> Outcomes:
    """Run ``replications`` replications of a scenario with flat keyword parameters.

    ``scenario`` is a shipped scenario's name, a scenario file or a Scenario.
    The same arguments give the same numbers as ``escalation-sim run FILE -n
    replications --seed seed --set PATH=VALUE ...``. Unknown keywords raise
    :class:`~escalation_sim.io.errors.InputError` with a suggestion.
    """
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    if seed < 0:
        raise ValueError(f"seed must not be negative, got {seed}")
    sc = with_parameters(resolve_scenario(scenario), parameters)
    result = run_scenario(sc, replications, seed, keep_traces=keep_traces)
    return Outcomes(sc, seed, dict(parameters), result, headline_numbers(result.runs))


def parameters(scenario: Scenario | str | Path | None = None) -> pd.DataFrame:
    """The parameter table: one row per flat keyword, with the scenario's value.

    Columns: ``name`` (the keyword), ``path`` (for ``--set``), ``value`` (in the
    scenario, default ``august_2021``), ``default`` (the field's), ``low``/``high``
    (its range, NaN where open), ``unit``, ``meaning``, ``prior`` (its family and
    parameters, as ``describe`` shows them; empty when none).
    """
    sc = resolve_scenario(scenario)
    rows = []
    for path, info in parameter_fields(sc).items():
        lo, hi = (0, 1) if info.annotation is bool else field_bounds(info)
        extra = info.json_schema_extra or {}
        prior = prior_from(extra["prior"]) if "prior" in extra else None
        prior = sc.priors.get(path, prior)  # a scenario's own prior replaces the field's
        rows.append(
            {
                "name": flat_name(path),
                "path": path,
                "value": _value(sc, path),
                "default": info.default,
                "low": float("nan") if lo is None else lo,
                "high": float("nan") if hi is None else hi,
                "type": info.annotation.__name__,
                "unit": str(extra.get("unit", "")),
                "meaning": info.description or "",
                "prior": prior.label() if prior is not None else "",
            }
        )
    return pd.DataFrame(rows)


def _value(sc: Scenario, path: str) -> Any:
    """A parameter's value in a scenario, by dotted path (actors by name)."""
    parts = path.split(".")
    if parts[0] == "actors":
        (actor,) = (a for a in sc.actors if a.name == parts[1])
        return getattr(actor, parts[2])
    obj: Any = sc
    for part in parts:
        obj = getattr(obj, part)
    return obj
