"""One scenario: actors, mechanisms, events and the horizon, checked as a whole."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from typing import Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from escalation_sim.config.actors import Actor
from escalation_sim.config.base import FrozenModel, PlainName, parameter
from escalation_sim.config.events import EVENT_ROLES, Event
from escalation_sim.config.mechanisms import Mechanisms
from escalation_sim.config.priors import Prior, prior_from, range_problem
from escalation_sim.config.route import Migration


class Scenario(FrozenModel):
    """One scenario: who acts, by which rules, over which days."""

    name: PlainName = Field(description="Scenario name; default output folder.")
    description: str = ""
    start: dt.date = Field(
        dt.date(2021, 8, 12),
        ge=dt.date(1900, 1, 1),
        le=dt.date(2200, 12, 31),
        description="Calendar date of day 0 (1900-01-01 .. 2200-12-31).",
    )
    forecast_from: dt.date | None = Field(
        None,
        description="Day the forecast starts (default: start). The days before it are the "
        "calibration window; outcomes count from it.",
    )
    days: int = parameter(
        180,
        1,
        3650,
        "days",
        "Simulated horizon.",
        "Default: six months, the horizon of the article's warning (to February 2022).",
    )
    actors: list[Actor]
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    events: list[Event] = Field(default_factory=list)
    priors: dict[str, Prior] = Field(
        default_factory=dict,
        description="Priors by parameter path that replace the parameter table's.",
    )

    @model_validator(mode="after")
    def _check_actors_and_events(self) -> Scenario:
        for path, message in scenario_problems(self):
            # The path travels in ctx so that the loader can point at the file line.
            raise PydanticCustomError(
                "scenario_check", "{message}", {"path": path, "message": message}
            )
        return self

    @property
    def end(self) -> dt.date:
        """Last simulated date (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def forecast_date(self) -> dt.date:
        """The day outcomes count from: ``forecast_from``, else ``start``."""
        return self.forecast_from or self.start

    @property
    def forecast_day(self) -> int:
        """Day index of the forecast date (0 when the scenario starts on it)."""
        return self.day_of(self.forecast_date)

    def day_of(self, date: dt.date) -> int:
        """Day index of a calendar date (0 = start)."""
        return (date - self.start).days

    def actors_of(self, role: str) -> list[Any]:
        """Actors with the given role, in file order."""
        return [a for a in self.actors if a.role == role]


def scenario_problems(sc: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-field problems of a scenario as (key path, message) pairs, first one first."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: dict[str, int] = {}
    for i, actor in enumerate(sc.actors):
        if actor.name in seen:
            problems.append((("actors", i, "name"), f"actor name {actor.name!r} is repeated"))
        seen[actor.name] = i
    roles = [a.role for a in sc.actors]
    if roles.count("instigator") != 1:
        problems.append((("actors",), "exactly one actor must have role 'instigator'"))
    if roles.count("frontline") < 1:
        problems.append((("actors",), "at least one actor must have role 'frontline'"))
    if roles.count("patron") > 1:
        problems.append((("actors",), "at most one actor may have role 'patron'"))
    shares = sum(a.migrant_share for a in sc.actors if a.role == "frontline")
    if shares > 1 + 1e-9:
        problems.append(
            (("actors",), f"frontline migrant_share values add up to {shares:g}; at most 1")
        )
    role_of = {a.name: a.role for a in sc.actors}
    last = sc.end
    if sc.forecast_from is not None and not (sc.start <= sc.forecast_from <= last):
        problems.append(
            (("forecast_from",), f"{sc.forecast_from} is outside the horizon {sc.start} .. {last}")
        )
    for i, ev in enumerate(sc.events):
        actor = getattr(ev, "actor", None)
        if actor is not None:
            want = EVENT_ROLES[ev.type]
            if actor not in role_of:
                known = ", ".join(sorted(n for n, r in role_of.items() if r == want)) or "none"
                problems.append(
                    (("events", i, "actor"), f"unknown actor {actor!r}; {want}s here: {known}")
                )
            elif role_of[actor] != want:
                problems.append(
                    (
                        ("events", i, "actor"),
                        f"a {ev.type} needs a {want}, but {actor!r} is a {role_of[actor]}",
                    )
                )
        for key in ("date", "start", "end"):
            when = getattr(ev, key, None)
            if when is not None and not (sc.start <= when <= last):
                problems.append(
                    (
                        ("events", i, key),
                        f"{when} is outside the horizon {sc.start} .. {last}",
                    )
                )
    problems += prior_problems(sc)
    return problems


def prior_problems(sc: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Scenario priors that name no parameter or do not fit its valid range."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    fields = parameter_fields(sc)
    for path, prior in sc.priors.items():
        if path not in fields or path == "days":
            close = difflib.get_close_matches(path, list(fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append((("priors", path), f"{path!r} is not a parameter path{hint}"))
            continue
        info = fields[path]
        if info.annotation is bool:
            problems.append((("priors", path), "a switch (true/false) cannot have a prior"))
            continue
        why = range_problem(prior, info, parameter_value(sc, path), info.annotation is int)
        if why:
            problems.append((("priors", path), why))
    return problems


def parameter_value(sc: Scenario, path: str) -> Any:
    """The scenario's value of a parameter path (see :func:`parameter_fields`)."""
    parts = path.split(".")
    if parts[0] == "actors":
        (actor,) = [a for a in sc.actors if a.name == ".".join(parts[1:-1])]
        return getattr(actor, parts[-1])
    obj: Any = sc
    for part in parts:
        obj = getattr(obj, part)
    return obj


def scenario_priors(sc: Scenario) -> dict[str, Any]:
    """Prior of every prior-carrying parameter path: the scenario's, else the table's.

    Paths in :func:`parameter_fields` order; event parameters are not drawn, nor is a
    parameter whose prior is relative to a scenario value of 0 (a channel the scenario
    switches off for that actor, e.g. the EU's repression_weight: x0.5..x2 of 0 is 0).
    """
    out: dict[str, Any] = {}
    for path, info in parameter_fields(sc).items():
        if path in sc.priors:
            out[path] = sc.priors[path]
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "prior" in extra:
            prior = prior_from(extra["prior"])
            if prior.relative and parameter_value(sc, path) == 0:
                continue
            out[path] = prior
    return out


def parameter_fields(sc: Scenario) -> dict[str, Any]:
    """Every numeric or switch parameter of a scenario by dotted path -> pydantic FieldInfo.

    Paths: ``days``, ``mechanisms.X``, ``mechanisms.migration.X``,
    ``actors.<name>.X``. Sweeps and per-replication overrides use these paths.
    """
    out: dict[str, Any] = {"days": Scenario.model_fields["days"]}

    def numeric(info: Any) -> bool:
        return info.annotation in (int, float, bool)

    for key, info in Mechanisms.model_fields.items():
        if numeric(info):
            out[f"mechanisms.{key}"] = info
    for key, info in Migration.model_fields.items():
        if numeric(info):
            out[f"mechanisms.migration.{key}"] = info
    for actor in sc.actors:
        for key, info in type(actor).model_fields.items():
            if numeric(info):
                out[f"actors.{actor.name}.{key}"] = info
    return out


def content_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario: identical for identical inputs."""
    data = scenario.model_dump(mode="json")
    for key in ("priors", "forecast_from"):  # absent as before they existed: same hash
        if not data.get(key):
            data.pop(key, None)
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
