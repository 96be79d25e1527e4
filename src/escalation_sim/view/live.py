"""The live view's Mesa model: a few hundred replications advancing one day per step.

:class:`LiveModel` is what SolaraViz drives. It builds one
:class:`~escalation_sim.engine.model.EscalationModel` of R replications in lockstep
(numpy arrays, as every run) and steps it one day at a time, keeping the event log of
its first replication. Its keyword arguments are the view's controls: flat parameter
names (``hostile_bias``, ``migration__supply``, ``Lithuania__pushback``) that stand for
the scenario's dotted paths, so SolaraViz can rebuild it on Reset with the sliders'
values. The engine is used as it is; nothing here changes what a run computes.

The numbers the charts show (rung shares per border, quantile bands of the daily
series, the latest log rows) are read here from the engine's own daily summary.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any, NamedTuple

import mesa
import numpy as np

from escalation_sim.config.base import field_bounds
from escalation_sim.config.scenario import Scenario, parameter_fields
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.records import QUANTILES, SERIES_NAMES, DailySummary
from escalation_sim.io.scenario_file import scenario_variant

DEFAULT_REPLICATIONS = 300
MAX_REPLICATIONS = 2000

# One control per mechanism of the model brief (ODD section 1), with its label.
MECHANISM_CONTROLS: tuple[tuple[str, str], ...] = (
    ("benefit_of_doubt", "1 benefit of the doubt"),
    ("nothing_to_lose", "2 nothing to lose"),
    ("retaliation", "3 no hostile act unpunished"),
    ("hostile_bias", "4 hostile interpretation"),
    ("incident_hazard", "5 unintended incidents: hazard"),
    ("sanctions_ratchet", "6 sanctions ratchet"),
    ("war_atmosphere", "7 war atmosphere"),
    ("patron_restraint", "8 patron restraint"),
    ("migration__supply", "9 migration: supply (persons/day)"),
    ("scheduled_events", "10 scheduled events"),
)
# The main parameters of each actor, by role.
ACTOR_CONTROLS: dict[str, tuple[str, ...]] = {
    "instigator": ("restraint", "provocation_rate"),
    "frontline": ("pushback",),
    "sanctioner": ("threshold",),
}


def flat_name(path: str) -> str:
    """Dotted parameter path -> flat keyword, as the view's controls name it.

    ``mechanisms.X`` -> ``X``; ``mechanisms.migration.X`` -> ``migration__X``;
    ``actors.<name>.X`` -> ``<name>__X``.
    """
    parts = path.split(".")
    if parts[0] == "mechanisms":
        return "__".join(parts[1:])
    if parts[0] == "actors":
        return f"{'.'.join(parts[1:-1])}__{parts[-1]}"
    return path


def flat_parameters(sc: Scenario) -> dict[str, str]:
    """Every parameter a run may vary, by flat keyword -> dotted path (``days`` excluded)."""
    return {flat_name(p): p for p in parameter_fields(sc) if p != "days"}


def _slider(info: Any, value: Any, label: str) -> dict[str, Any]:
    """A SolaraViz input for one parameter field, starting at the scenario's value.

    Bounds are the field's; an upper bound far above the value (e.g. supply up to 100,000)
    is shown as four times the value so the slider stays usable.
    """
    if info.annotation is bool:
        return {"type": "Checkbox", "value": bool(value), "label": label}
    lo, hi = field_bounds(info)
    lo = 0 if lo is None else lo
    top = max(4 * float(value), 1.0)
    hi = top if hi is None else min(hi, top) if hi > 10 else hi
    if info.annotation is int:
        return {
            "type": "SliderInt",
            "value": int(value),
            "min": int(lo),
            "max": int(hi),
            "step": 1,
            "label": label,
        }
    return {
        "type": "SliderFloat",
        "value": float(value),
        "min": float(lo),
        "max": float(hi),
        "step": float(10 ** np.floor(np.log10((hi - lo) / 100))),  # a round step, ~1/100
        "label": label,
    }


def controls(sc: Scenario) -> dict[str, dict[str, Any]]:
    """The view's controls: the ten mechanisms, then the main actor parameters."""
    fields = parameter_fields(sc)
    paths = flat_parameters(sc)
    out: dict[str, dict[str, Any]] = {}
    for name, label in MECHANISM_CONTROLS:
        if name == "scheduled_events":
            out[name] = {"type": "Checkbox", "value": bool(sc.events), "label": label}
        else:
            out[name] = _slider(fields[paths[name]], _value(sc, paths[name]), label)
    for role, keys in ACTOR_CONTROLS.items():
        for actor in sc.actors_of(role):
            for key in keys:
                path = f"actors.{actor.name}.{key}"
                label = f"{actor.name}: {key.replace('_', ' ')}"
                out[flat_name(path)] = _slider(fields[path], getattr(actor, key), label)
    return out


def model_params(
    sc: Scenario, replications: int = DEFAULT_REPLICATIONS, seed: int = 0
) -> dict[str, Any]:
    """SolaraViz's ``model_params``: the scenario (fixed), run size and seed, the controls."""
    return {
        "base": sc,
        "replications": {
            "type": "SliderInt",
            "value": replications,
            "min": 50,
            "max": MAX_REPLICATIONS,
            "step": 50,
            "label": "replications",
        },
        "seed": {"type": "SliderInt", "value": seed, "min": 0, "max": 99, "step": 1},
        **controls(sc),
    }


def _value(sc: Scenario, path: str) -> Any:
    """The scenario's value at a dotted parameter path."""
    head, *rest = path.split(".")
    if head == "actors":
        obj: Any = next(a for a in sc.actors if a.name == ".".join(rest[:-1]))
        return getattr(obj, rest[-1])
    obj = sc
    for key in [head, *rest]:
        obj = getattr(obj, key)
    return obj


def variant(base: Scenario, parameters: Mapping[str, Any], scheduled_events: bool) -> Scenario:
    """The scenario with flat-keyword values set (validated), events dropped if switched off."""
    paths = flat_parameters(base)
    unknown = [k for k in parameters if k not in paths]
    if unknown:
        hint = difflib.get_close_matches(unknown[0], list(paths), n=1)
        raise ValueError(
            f"unknown parameter {unknown[0]!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        )
    sc = scenario_variant(base, {paths[k]: v for k, v in changed(base, parameters).items()})
    return sc if scheduled_events else sc.model_copy(update={"events": []})


def changed(base: Scenario, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The flat-keyword values that differ from the scenario's."""
    paths = flat_parameters(base)
    return {k: v for k, v in parameters.items() if v is not None and v != _value(base, paths[k])}


class LogRow(NamedTuple):
    """One move of the watched replication, as the view's event log shows it."""

    date: dt.date
    actor: str
    target: str
    move: str
    rung: int
    perceived_as: str
    reason: str


class LiveModel(mesa.Model):
    """R replications of a scenario, advanced one day per ``step``, for SolaraViz.

    Args:
        base: the scenario the controls start from.
        replications: replications advancing in lockstep.
        seed: master seed of the run (the same seed gives the same days).
        scheduled_events: keep the scenario's scheduled events (mechanism 10).
        scenario: ignored: Mesa's experiment scenario, which SolaraViz passes on Reset
            (this model's scenario is ``base``).
        **parameters: flat parameter keywords (:func:`flat_parameters`) to set.

    """

    def __init__(
        self,
        base: Scenario,
        replications: int = DEFAULT_REPLICATIONS,
        seed: int = 0,
        scheduled_events: bool = True,
        scenario: Any = None,
        **parameters: Any,
    ) -> None:
        del scenario  # Mesa's experiment object, which SolaraViz's Reset passes; not used
        super().__init__(rng=seed)
        if not 1 <= replications <= MAX_REPLICATIONS:
            raise ValueError(f"replications must lie in 1 .. {MAX_REPLICATIONS}")
        self.config = variant(base, parameters, scheduled_events)
        self.changed = changed(base, parameters)  # what the sliders changed, for the page
        if not scheduled_events and base.events:
            self.changed["scheduled_events"] = False
        self.master_seed = seed
        self.engine = EscalationModel(self.config, replications, seed, keep_traces=1)
        self.running = True

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.engine.day

    @property
    def replications(self) -> int:
        """Replications advancing in lockstep."""
        return self.engine.R

    def step(self) -> None:
        """Advance every replication by one day; stop at the horizon."""
        if self.engine.day < self.config.days:
            self.engine.step()
        self.running = self.engine.day < self.config.days

    def dates(self) -> np.ndarray:
        """Calendar dates of the days simulated so far (datetime64[D])."""
        return np.datetime64(self.config.start, "D") + np.arange(self.day)

    def rung_shares(self) -> np.ndarray:
        """(days so far, 1 + borders, 7): share of replications at each rung; row 0 overall."""
        daily = self.engine.daily_by_group[0]
        return daily.rung_counts[: self.day] / self.engine.R

    def bands(self, series: str) -> np.ndarray:
        """(days so far, 5): the series' 5, 25, 50, 75 and 95% quantiles over replications."""
        d, daily = self.day, self.engine.daily_by_group[0]
        so_far = DailySummary(
            daily.start, daily.dyads, daily.rung_counts[:d], daily.hist[:d], daily.sums[:d]
        )
        return so_far.quantiles(QUANTILES)[:, SERIES_NAMES.index(series), :]

    def recent_events(self, n: int = 12) -> list[LogRow]:
        """The watched replication's last ``n`` moves, newest first."""
        start = self.config.start
        return [
            LogRow(start + dt.timedelta(days=int(r[1])), r[2], r[3], r[4], int(r[5]), r[8], r[9])
            for r in reversed(self.engine.log.rows[-n:])
        ]

    @property
    def events_logged(self) -> int:
        """Rows in the watched replication's event log so far."""
        return len(self.engine.log.rows)
