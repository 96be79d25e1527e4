"""The model's shared state, its parameters per replication, and what passes between steps.

Owns the shared arrays of the frontline states and sanctioners, each step's output
(:class:`Today` gathers them), the scenario's events as per-day arrays, the
per-replication parameters with their checks, and :class:`AgentModel`, what the
agents may read of the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel

from escalation_sim.config.base import field_bounds
from escalation_sim.config.events import (
    CrisisMeeting,
    Exercise,
    RoutePressure,
    SanctionsRound,
    SupplyCut,
)
from escalation_sim.config.scenario import Scenario, parameter_fields
from escalation_sim.engine.rules import F32


@dataclass
class InstigatorMoves:
    """What the instigator does at each border today, (F, R) arrays."""

    rung: np.ndarray  # int8: 0 none, 1..cap deliberate observable moves
    provoked: np.ndarray  # bool: a deliberate provocation (observable or covert)
    retaliated: np.ndarray  # bool: the move answers a perceived hostile act
    covert: np.ndarray  # bool: the provocation's author is unobservable
    restrained: np.ndarray  # bool: the patron talked it down to rhetoric
    gesture: np.ndarray  # bool (R,): a conciliatory gesture towards all neighbours


@dataclass
class FrontState:
    """Shared (F, R) state of the frontline states."""

    posture: np.ndarray
    threat: np.ndarray
    pressure: np.ndarray
    stranded: np.ndarray
    unanswered: np.ndarray


@dataclass
class SanctionState:
    """Shared (S, R) state of the sanctioners."""

    level: np.ndarray
    hostility: np.ndarray
    ema: np.ndarray
    pending: np.ndarray
    last_change: np.ndarray
    last_decision: np.ndarray


@dataclass
class SanctionsDue:
    """Step 1's output: packages adopted and eased today."""

    new: np.ndarray  # (S, R) packages adopted
    eased: np.ndarray  # (S, R) packages eased
    new_r: np.ndarray  # (R,) packages adopted, all sanctioners
    eased_r: np.ndarray  # (R,) packages eased, all sanctioners


@dataclass
class MigrationFlow:
    """Step 2's output: today's route, per border (F, R) or per replication (R,)."""

    arrived: np.ndarray  # (F, R) people brought to the line from inside Belarus
    attempts: np.ndarray  # (F, R) crossing attempts, repeats included
    pushed: np.ndarray  # (F, R) attempts turned back (pushbacks)
    entered: np.ndarray  # (F, R) irregular entries (attempts not turned back)
    pb_incident: np.ndarray  # (F, R) bool: force used against migrants at the border
    death: np.ndarray  # (F, R) bool: a humanitarian death at the border
    death_blamed: np.ndarray  # (F, R) bool: ... blamed on the instigator
    returned: np.ndarray  # (R,) people flown home from Belarus today
    flight: np.ndarray  # (R,) bool: a repatriation flight today
    pressed: np.ndarray  # (R,) bool: the sanctioner starts pressing origin states today
    lifted: np.ndarray  # (R,) bool: ... stops pressing them today (crossings fell)
    death_hostility: np.ndarray  # (R,) hostility attributed to the instigator for deaths


@dataclass
class Incidents:
    """Step 4's output: ambiguous incidents, their attribution, the clash hazard and clashes."""

    amb_bg: np.ndarray  # ambiguous incidents not caused by the instigator
    blamed_bg: np.ndarray
    blamed_cov: np.ndarray
    posture_m: np.ndarray  # instigator posture at the line today, exercise included
    posture_f: np.ndarray  # frontline posture at the line today
    hostility: np.ndarray  # mutual perceived threat per border
    p_any: np.ndarray  # (R,) P(a clash somewhere today)
    clash: np.ndarray
    armed: np.ndarray
    conflict: np.ndarray
    clash_rung: np.ndarray  # 4 clash, 5 armed incident, 6 armed conflict, else 0
    blamed_clash: np.ndarray


@dataclass
class FrontlinePerception:
    """Step 5's output: perceived rungs, by the frontline, of the instigator's day."""

    seen_move: np.ndarray
    seen_gesture: np.ndarray
    seen_amb: np.ndarray
    seen_clash_f: np.ndarray


@dataclass
class InstigatorPerception:
    """Step 6's output: perceived rungs, by the instigator, and its counter-sanctions."""

    seen_f: np.ndarray  # of the frontline's moves
    seen_pb: np.ndarray  # of pushback incidents
    seen_clash_m: np.ndarray  # of clashes
    seen_s: np.ndarray  # (1, R) of the day's new packages, the highest
    counter: np.ndarray  # (S, R) counter-sanctions


@dataclass
class Today:
    """Everything that happened on one day, as (F, R), (S, R) or (R,) arrays.

    The fields of the phases' outputs above, plus the rung per border, the moves and
    the packages in force; the records (step 9) read it.
    """

    rung: np.ndarray  # rung per border
    moves: InstigatorMoves
    rung_f: np.ndarray  # frontline answers
    arrived: np.ndarray  # the route (see MigrationFlow)
    attempts: np.ndarray
    pushed: np.ndarray
    entered: np.ndarray
    pb_incident: np.ndarray
    death: np.ndarray
    death_blamed: np.ndarray
    returned: np.ndarray
    flight: np.ndarray
    pressed: np.ndarray
    lifted: np.ndarray
    death_hostility: np.ndarray
    amb_bg: np.ndarray  # ambiguous incidents not caused by the instigator
    blamed_bg: np.ndarray
    blamed_cov: np.ndarray
    clash: np.ndarray
    armed: np.ndarray
    conflict: np.ndarray
    clash_rung: np.ndarray
    blamed_clash: np.ndarray
    new: np.ndarray  # (S, R) packages adopted
    eased: np.ndarray  # (S, R) packages eased
    new_r: np.ndarray  # (R,) packages adopted, all sanctioners
    eased_r: np.ndarray  # (R,) packages eased, all sanctioners
    level_total: np.ndarray  # (R,) packages in force, all sanctioners
    deploy_m: np.ndarray  # (F, R) bool: the instigator's forces there were not yet militarised
    deploy_f: np.ndarray  # (F, R) bool: the frontline's forces there were not yet militarised
    counter: np.ndarray  # (S, R) counter-sanctions
    p_any: np.ndarray  # (R,) P(a clash somewhere today)
    hostility: np.ndarray  # mutual perceived threat per border
    posture_m: np.ndarray  # instigator posture at the line today, exercise included
    posture_f: np.ndarray  # frontline posture at the line today
    # perceived rungs: frontline of the instigator's move, gesture, ambiguous, clash;
    # the instigator of the frontline's move, pushbacks, clash, sanctions
    seen_move: np.ndarray
    seen_gesture: np.ndarray
    seen_amb: np.ndarray
    seen_clash_f: np.ndarray
    seen_f: np.ndarray
    seen_pb: np.ndarray
    seen_clash_m: np.ndarray
    seen_s: np.ndarray
    # the crisis arc (step 8): talks held, Moscow's mediation, crisis in force, opened, ...
    talks: np.ndarray
    mediated: np.ndarray
    in_crisis: np.ndarray
    opened: np.ndarray
    called: np.ndarray  # another leader's call offering talks
    allied: np.ndarray  # NATO consulted, allies deployed at the border


@dataclass
class Schedule:
    """Scenario events turned into per-day arrays."""

    cut_target: np.ndarray  # (days,) share of the route origin states and carriers cut
    route_pressure: np.ndarray  # (days,) bool: a sanctioner presses them (from a date on)
    exercise_posture: np.ndarray  # (days,) instigator posture added at every border
    exercise_threat: np.ndarray  # (days,) frontline threat added (first day of a window)
    meeting: np.ndarray  # (S, days) bool: a crisis meeting (decision outside the cadence)
    meeting_factor: np.ndarray  # (S, days) threshold multiplier, 1 when no meeting
    rounds: np.ndarray  # (S, days) bool: scheduled sanctions round
    notes: dict[int, list[tuple[str, str]]]  # day -> (actor, what) for the event log


class AgentModel(Protocol):
    """What the agents read of their model, so ``agents`` need not import ``model``.

    :class:`~escalation_sim.engine.model.EscalationModel` provides it; the object
    passed to an agent must also be a ``mesa.Model``, which Mesa registers it with.
    """

    R: int  # replications
    F: int  # frontline states
    mechanisms: SimpleNamespace  # the mechanisms' parameters: scalars or (R,) arrays
    schedule: Schedule
    front: FrontState
    sanc: SanctionState
    sanc_params: dict[str, np.ndarray]  # per-sanctioner parameters, (S, 1) or (S, R)
    # What the agents' ``step`` reads and fills, set by the model for each day's phase:
    day: int
    u: dict[str, np.ndarray]  # today's uniforms by slot
    moves: InstigatorMoves  # the instigator's moves today (its step sets them)
    rung_f: np.ndarray  # (F, R) the frontline answers today (row per frontline step)
    due_today: tuple[np.ndarray, np.ndarray]  # (S, R) packages adopted, eased (row per step)


def build_schedule(sc: Scenario) -> Schedule:
    """Turn a scenario's dated events into per-day arrays."""
    days = sc.days
    sanctioners = [a.name for a in sc.actors_of("sanctioner")]
    cut_target = np.zeros(days, F32)
    route_pressure = np.zeros(days, bool)
    ex_posture = np.zeros(days, F32)
    ex_threat = np.zeros(days, F32)
    meeting = np.zeros((len(sanctioners), days), bool)
    meeting_factor = np.ones((len(sanctioners), days), F32)
    rounds = np.zeros((len(sanctioners), days), bool)
    notes: dict[int, list[tuple[str, str]]] = {}
    for ev in sc.events:
        if isinstance(ev, SupplyCut):
            a = sc.day_of(ev.start)
            b = days if ev.end is None else sc.day_of(ev.end) + 1
            cut_target[a:b] = np.maximum(cut_target[a:b], 1 - ev.factor)
            what = f"origin states and carriers cut the route to {ev.factor:.0%}"
            notes.setdefault(a, []).append(("origin states", what))
        elif isinstance(ev, RoutePressure):
            a = sc.day_of(ev.start)
            route_pressure[a:] = True
            notes.setdefault(a, []).append((ev.actor, "presses origin states and carriers"))
        elif isinstance(ev, Exercise):
            a, b = sc.day_of(ev.start), sc.day_of(ev.end) + 1
            ex_posture[a:b] += ev.posture_boost
            ex_threat[a] += ev.threat_boost
            notes.setdefault(a, []).append((ev.actor, f"exercise {ev.name or ''} starts".strip()))
            if b < days:
                notes.setdefault(b, []).append((ev.actor, "exercise ends"))
        elif isinstance(ev, CrisisMeeting):
            s, d = sanctioners.index(ev.actor), sc.day_of(ev.date)
            meeting[s, d] = True
            meeting_factor[s, d] = min(meeting_factor[s, d], ev.threshold_factor)
            notes.setdefault(d, []).append((ev.actor, "crisis meeting"))
        elif isinstance(ev, SanctionsRound):
            rounds[sanctioners.index(ev.actor), sc.day_of(ev.date)] = True
    return Schedule(
        cut_target, route_pressure, ex_posture, ex_threat, meeting, meeting_factor, rounds, notes
    )


def check_overrides(sc: Scenario, overrides: Mapping[str, Any]) -> None:
    """Per-replication overrides name known parameters, not ``days``, within bounds (ValueError)."""
    known = parameter_fields(sc)
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ValueError(f"unknown parameter path(s): {', '.join(unknown)}")
    if "days" in overrides:
        raise ValueError("days cannot vary between replications of one model")
    for path, values in overrides.items():
        _check_range(path, known[path], values)


def _check_range(path: str, info: Any, values: Any) -> None:
    """Per-replication values obey the same bounds as the scenario file (ValueError)."""
    lo, hi = field_bounds(info)
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"override {path!r}: values must be finite")
    below = lo is not None and bool((arr < lo).any())
    above = hi is not None and bool((arr > hi).any())
    if below or above:
        raise ValueError(
            f"override {path!r}: values must lie in {lo} .. {hi}, got {arr.min()} .. {arr.max()}"
        )


def _per_replication(value: Any, R: int, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.shape[0] != R:
        raise ValueError(f"override {name!r} must have shape ({R},), got {arr.shape}")
    return arr.astype(bool) if arr.dtype == bool else arr.astype(F32)


def _mechanisms(sc: Scenario, overrides: Mapping[str, np.ndarray], R: int) -> SimpleNamespace:
    def ns(obj: Any, prefix: str) -> SimpleNamespace:
        out = {}
        for key in type(obj).model_fields:
            value = getattr(obj, key)
            path = f"{prefix}.{key}"
            if isinstance(value, BaseModel):
                out[key] = ns(value, path)
            elif path in overrides:
                out[key] = _per_replication(overrides[path], R, path)
            elif isinstance(value, (bool, int)):
                out[key] = value
            else:
                out[key] = F32(value)
        return SimpleNamespace(**out)

    return ns(sc.mechanisms, "mechanisms")


def _actor_params(
    actors: list[Any],
    overrides: Mapping[str, np.ndarray],
    R: int,
) -> dict[str, np.ndarray]:
    """Per-actor parameters as (k, 1) arrays, or (k, R) where any actor is overridden."""
    if not actors:
        return {}
    out: dict[str, np.ndarray] = {}
    for key, info in type(actors[0]).model_fields.items():
        if info.annotation not in (int, float):
            continue
        rows = [
            _per_replication(overrides[p], R, p)
            if (p := f"actors.{a.name}.{key}") in overrides
            else np.full(1, getattr(a, key), F32)
            for a in actors
        ]
        width = max(r.shape[0] for r in rows)
        out[key] = np.stack([np.broadcast_to(r, (width,)) for r in rows]).astype(F32)
    return out


def rung_per_border(
    moves: InstigatorMoves,
    rung_f: np.ndarray,
    flow: MigrationFlow,
    inc: Incidents,
    militarised_posture: float | np.ndarray,
) -> np.ndarray:
    """Today's rung at each border (ODD section 2.3), (F, R) int8.

    The highest of the day's moves and incidents (force against migrants is rung 2) and
    the standing rung (3 where either side's posture is militarised). Arrivals alone are
    not a hostile act: a border-day with migrants but no hostile move is not rung 2.
    """
    # Chained int8 maxima: np.maximum.reduce over a list would first stack it as int64.
    out = np.maximum(moves.rung, rung_f).astype(np.int8, copy=False)
    np.maximum(out, inc.clash_rung, out=out, casting="unsafe")
    standing = np.maximum(inc.posture_m, inc.posture_f) >= militarised_posture
    np.maximum(out, standing.view(np.int8) * np.int8(3), out=out)
    two = inc.amb_bg | moves.covert | flow.pb_incident  # ambiguous incident, force: rung 2
    np.maximum(out, two.view(np.int8) * np.int8(2), out=out)
    return out
