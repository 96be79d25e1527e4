"""Flat keyword parameters and shipped scenarios, for the Python API and the Mesa model.

A flat name is a parameter's dotted path (see
:func:`~escalation_sim.config.scenario.parameter_fields`) without its leading
``mechanisms.`` or ``actors.`` and with ``__`` for each remaining dot:

==================================  ===============================
dotted path (``--set``)             flat keyword
==================================  ===============================
``mechanisms.hostile_bias``         ``hostile_bias``
``mechanisms.migration.supply``     ``migration__supply``
``actors.Lithuania.pushback``       ``Lithuania__pushback``
``days``                            ``days``
==================================  ===============================

Dotted paths are accepted as keywords too (``**{"mechanisms.hostile_bias": 0.8}``).
A shipped scenario is named by its file stem in the repository's ``scenarios/`` folder
(or, outside a source checkout, in ``scenarios/`` of the working directory).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from escalation_sim.config.scenario import Scenario, parameter_fields
from escalation_sim.io.errors import InputError, suggest
from escalation_sim.io.scenario_file import load, scenario_variant

SEP = "__"
DEFAULT_SCENARIO = "august_2021"
# The source checkout's scenario folder: src/escalation_sim/io/flat.py -> <repo>/scenarios.
SHIPPED = Path(__file__).resolve().parents[3] / "scenarios"


def flat_name(path: str) -> str:
    """'actors.Lithuania.pushback' -> 'Lithuania__pushback' (the module's convention)."""
    path = path.removeprefix("actors.") if path.startswith("actors.") else path
    return path.removeprefix("mechanisms.").replace(".", SEP)


def flat_names(scenario: Scenario) -> dict[str, str]:
    """Every flat name of a scenario's parameters -> its dotted path."""
    return {flat_name(p): p for p in parameter_fields(scenario)}


def dotted_path(scenario: Scenario, name: str) -> str:
    """The dotted path of a flat name (or of a dotted path); InputError with a suggestion."""
    names = flat_names(scenario)
    if name in names:
        return names[name]
    if name in names.values():
        return name
    hint = suggest(name, list(names)) or suggest(name, list(names.values()))
    raise InputError(
        f"unknown parameter{hint}; escalation_sim.parameters() lists them all",
        "parameters",
        None,
        name,
    )


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in the repository's ``scenarios/`` folder."""
    return sorted(p.stem for p in SHIPPED.glob("*.yaml"))


def resolve_scenario(scenario: Scenario | str | Path | None = None) -> Scenario:
    """A Scenario from itself, a file path, or a shipped name (default ``august_2021``)."""
    if isinstance(scenario, Scenario):
        return scenario
    if scenario is None:
        scenario = DEFAULT_SCENARIO
    path = Path(scenario)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load(path)
    for folder in (SHIPPED, Path.cwd() / "scenarios"):  # the checkout's, then the user's
        if (folder / f"{scenario}.yaml").is_file():
            return load(folder / f"{scenario}.yaml")
    names = shipped_scenarios()
    raise InputError(
        f"no scenario file or shipped scenario of this name{suggest(str(scenario), names)}; "
        f"shipped: {', '.join(names) or 'none found'}",
        "scenario",
        None,
        str(scenario),
    )


def with_parameters(scenario: Scenario, parameters: Mapping[str, Any]) -> Scenario:
    """The scenario with flat keyword parameters set, re-validated (errors name the keyword)."""
    paths = {dotted_path(scenario, name): name for name in parameters}
    values = {path: _plain(parameters[name]) for path, name in paths.items()}
    try:
        return scenario_variant(scenario, values)
    except InputError as exc:
        culprit = next(iter(parameters))
        for path, name in paths.items():  # which keyword: each alone (the file path differs)
            try:
                scenario_variant(scenario, {path: values[path]})
            except InputError:
                culprit = name
                break
        raise InputError(exc.message, "parameters", None, culprit) from None


def _plain(value: Any) -> Any:
    """Numpy scalars (as sweeps and EMA hand them) -> Python numbers, for validation."""
    item = getattr(value, "item", None)
    return item() if callable(item) and getattr(value, "ndim", 1) == 0 else value
