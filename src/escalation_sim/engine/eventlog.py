"""The event log's table: which rows a day writes, who to whom, which move, and why.

:data:`EVENT_ROWS` lists every kind of row the model logs for its kept
replications; the model loops over it (``EscalationModel._log_day``). Moves'
rungs and Goldstein scores come from :data:`~escalation_sim.config.ladder.MOVES`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from escalation_sim.config import ladder
from escalation_sim.engine.records import EventLog
from escalation_sim.engine.state import InstigatorMoves, Today


@dataclass(frozen=True)
class LastSeen:
    """What each side last perceived and had not answered, (F, K) over kept replications."""

    instigator: np.ndarray
    frontline: np.ndarray


def _why_instigator(seen: LastSeen, t: Today, i: int, k: int) -> str:
    """Why the instigator made its move at border ``i`` in kept replication ``k``."""
    if t.moves.restrained[i, k]:
        return "patron restraint: downgraded to rhetoric"
    if t.moves.retaliated[i, k]:
        return f"retaliation for perceived rung {seen.instigator[i, k]:.1f}"
    return "provocation (restraint eroded: nothing to lose)"


def _why_frontline(seen: LastSeen, t: Today, i: int, k: int) -> str:
    """Why frontline state ``i`` answered in kept replication ``k``."""
    return f"response to perceived rung {seen.frontline[i, k]:.1f}"


@dataclass(frozen=True)
class LogRow:
    """One kind of event-log row: which replications it marks, who to whom, what and why.

    ``marks``, ``perceived`` and ``blamed`` name fields of :class:`Today` (dotted for
    ``moves``). ``actor`` and ``target`` are formatted with ``{instigator}`` and the
    border's ``{frontline}`` state or the ``{sanctioner}``. ``move`` is a move of
    :data:`~escalation_sim.config.ladder.MOVES` (its rung and Goldstein score come
    from there), or a mapping from the marked rung to the move.
    """

    marks: str
    actor: str
    target: str
    move: str | Mapping[int, str]
    perceived: str | None
    reason: str | Callable[[LastSeen, Today, int, int], str]
    blamed: str | None = None
    # (field, move, other): where the field is false, ``move`` is logged as ``other``
    unless: tuple[str, str, str] | None = None


# A rung-3 move where that side's forces already stand militarised raises posture a step;
# it is not a new deployment.
_REINFORCE = ("troops_to_border", "reinforce_posture")


# In this order, per border and then per sanctioner, after the day's scheduled events.
EVENT_ROWS: dict[str, tuple[LogRow, ...]] = {
    "border": (
        LogRow(
            "moves.rung",
            "{instigator}",
            "{frontline}",
            ladder.INSTIGATOR_MOVE_BY_RUNG,
            "seen_move",
            _why_instigator,
            unless=("deploy_m", *_REINFORCE),
        ),
        LogRow(
            "moves.covert",
            "{instigator}",
            "{frontline}",
            "ambiguous_incident",
            "seen_amb",
            "covert provocation (author unobservable)",
            blamed="blamed_cov",
        ),
        LogRow(
            "amb_bg",
            "unknown",
            "{frontline}",
            "ambiguous_incident",
            "seen_amb",
            "ambiguous incident not caused by the instigator",
            blamed="blamed_bg",
        ),
        LogRow(
            "moves.gesture",
            "{instigator}",
            "{frontline}",
            "conciliatory_gesture",
            "seen_gesture",
            "restraint",
        ),
        LogRow(
            "rung_f",
            "{frontline}",
            "{instigator}",
            ladder.FRONTLINE_MOVE_BY_RUNG,
            "seen_f",
            _why_frontline,
            unless=("deploy_f", *_REINFORCE),
        ),
        LogRow(
            "pb_incident",
            "{frontline}",
            "migrants",
            "force_against_migrants",
            "seen_pb",
            "pushbacks and people stranded at the border",
        ),
        LogRow(
            "clash_rung",
            "border",
            "{instigator}-{frontline}",
            ladder.FORCE_BY_RUNG,
            "seen_clash_f",
            "incident hazard (posture x mutual threat)",
            blamed="blamed_clash",
        ),
        LogRow(
            "mediated",
            "{patron}",
            "{instigator}-{frontline}",
            "mediation",
            None,
            "armed incident: risk of being dragged in (eq. 20c)",
        ),
        LogRow(
            "called",
            "other leaders",
            "{instigator}",
            "leader_call",
            None,
            "crisis after a clash: another state's leader offers talks (7.11)",
        ),
        LogRow(
            "allied",
            "{frontline}",
            "NATO",
            "nato_consultations",
            None,
            "clash at its border: Article 4 consultations (7.11)",
        ),
        LogRow(
            "allied",
            "NATO allies",
            "{instigator}",
            "allied_deployment",
            None,
            "forces sent to the frontline state after consultations (7.11)",
        ),
        LogRow(
            "talks",
            "{frontline}",
            "{instigator}",
            "crisis_talks",
            None,
            "crisis after a clash: talks sought and accepted (7.11)",
        ),
        LogRow(
            "talks",
            "{frontline}",
            "{instigator}",
            "withdraw_forces",
            None,
            "agreed at crisis talks",
        ),
        LogRow(
            "talks",
            "{instigator}",
            "{frontline}",
            "withdraw_forces",
            None,
            "agreed at crisis talks",
        ),
    ),
    "route": (
        LogRow(
            "flight",
            "origin states",
            "{instigator}",
            "repatriation",
            None,
            "a repatriation flight takes people home from Belarus",
        ),
    ),
    "sanctioner": (
        LogRow(
            "new",
            "{sanctioner}",
            "{instigator}",
            "impose_sanctions",
            "seen_s",
            "attributed hostility passed threshold / scheduled round",
        ),
        LogRow(
            "eased",
            "{sanctioner}",
            "{instigator}",
            "ease_sanctions",
            None,
            "hostility subsided (ratchet off)",
        ),
        LogRow(
            "counter",
            "{instigator}",
            "{sanctioner}",
            "counter_sanctions",
            None,
            "retaliation for sanctions",
        ),
    ),
}


def row_of(t: Today, field: str, i: int, n: int) -> np.ndarray:
    """Row ``i`` of a field of the day; a field of one row, or (K,), holds for all ``n``."""
    value = operator.attrgetter(field)(t)
    return np.broadcast_to(value, (n, value.shape[-1]))[i]


def kept_view(t: Today, kept: slice | np.ndarray) -> Today:
    """The day's record restricted to the kept replications (last axis)."""
    moves = InstigatorMoves(**{k: v[..., kept] for k, v in vars(t.moves).items()})
    fields = {k: v[..., kept] for k, v in vars(t).items() if k != "moves"}
    return Today(moves=moves, **fields)


def log_day(
    log: EventLog,
    d: int,
    tk: Today,
    kept_labels: np.ndarray,
    seen: LastSeen,
    notes: Sequence[tuple[str, str]],
    names: dict[str, str],
    dyads: Sequence[str],
    sanctioners: Sequence[str],
) -> None:
    """Day ``d``'s rows for the kept replications: scheduled events, then :data:`EVENT_ROWS`.

    ``tk`` is the day's record restricted to the kept replications (:func:`kept_view`).
    """
    for actor, what in notes:
        log.add(kept_labels, d, actor, "all", "scheduled event", 0, 0.0, None, what)
    for i, state in enumerate(dyads):
        for row in EVENT_ROWS["border"]:
            _log_rows(
                log, row, d, tk, kept_labels, seen, i, len(dyads), {**names, "frontline": state}
            )
    for i, state in enumerate(dyads):
        if tk.death[i].any():
            j = np.nonzero(tk.death[i])[0]
            why = [
                "humanitarian death (blamed on " + ("the instigator)" if b else f"{state})")
                for b in tk.death_blamed[i][j]
            ]
            log.add(kept_labels[j], d, "border", state, "humanitarian death", 0, 0.0, None, why)
    for row in EVENT_ROWS["route"]:
        _log_rows(log, row, d, tk, kept_labels, seen, 0, 1, names)
    if sanctioners and tk.pressed.any():
        j = np.nonzero(tk.pressed)[0]
        move = ladder.MOVES["press_origin_states"]
        why = "crossings passed its trigger, or scheduled"
        log.add(
            kept_labels[j],
            d,
            sanctioners[0],
            "origin states",
            "press_origin_states",
            move.rung,
            move.goldstein,
            None,
            why,
        )
    if sanctioners and tk.lifted.any():
        j = np.nonzero(tk.lifted)[0]
        move = ladder.MOVES["lift_route_pressure"]
        why = "crossings fell below press_release of its trigger"
        log.add(
            kept_labels[j],
            d,
            sanctioners[0],
            "origin states",
            "lift_route_pressure",
            move.rung,
            move.goldstein,
            None,
            why,
        )
    for s, sanctioner in enumerate(sanctioners):
        for row in EVENT_ROWS["sanctioner"]:
            where = {**names, "sanctioner": sanctioner}
            _log_rows(log, row, d, tk, kept_labels, seen, s, len(sanctioners), where)


def _log_rows(
    log: EventLog,
    row: LogRow,
    d: int,
    tk: Today,
    kept_labels: np.ndarray,
    seen: LastSeen,
    i: int,
    n: int,
    names: dict[str, str],
) -> None:
    """Rows of one kind at border or sanctioner ``i`` of ``n``: one per replication it marks."""
    marks = row_of(tk, row.marks, i, n)
    j = np.nonzero(marks)[0]
    if j.size == 0:
        return
    if isinstance(row.move, str):
        moves = [row.move] * j.size
    else:  # the move by the rung marked
        moves = [row.move[int(r)] for r in marks[j]]
    if row.unless is not None:
        field, move, other = row.unless
        keep = row_of(tk, field, i, n)[j]
        moves = [other if m == move and not k else m for m, k in zip(moves, keep, strict=True)]
    log.add(
        kept_labels[j],
        d,
        row.actor.format(**names),
        row.target.format(**names),
        moves,
        np.array([ladder.MOVES[m].rung for m in moves]),
        np.array([ladder.MOVES[m].goldstein for m in moves]),
        None if row.perceived is None else row_of(tk, row.perceived, i, n)[j],
        row.reason if isinstance(row.reason, str) else [row.reason(seen, tk, i, k) for k in j],
        blamed=None if row.blamed is None else row_of(tk, row.blamed, i, n)[j],
    )
