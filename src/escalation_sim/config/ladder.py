"""The escalation ladder: the one table of rungs and moves everything else reads.

Rung names, short axis labels and colours, the moves each side can make, their
rung and their Goldstein (1992) score live here and only here; the engine's
event log, the figures, the story timeline and the report all read them, so a
name changed here changes everywhere. Rungs follow the model brief (in the
spirit of the Correlates of War MID hostility levels and Kahn's ladder).
"""

from __future__ import annotations

from typing import NamedTuple


class Rung(NamedTuple):
    """One rung of the ladder."""

    level: int
    name: str  # as the ODD and the story timeline say it
    short: str  # axis tick label
    color: str  # grey, then cool (non-violent coercion) to warm and dark (force)


RUNGS: tuple[Rung, ...] = (
    Rung(0, "calm", "calm", "#D9D9D9"),
    Rung(1, "rhetoric and threats", "rhetoric", "#56B4E9"),
    Rung(2, "hybrid pressure", "hybrid", "#0072B2"),
    Rung(3, "militarised posture", "military", "#E69F00"),
    Rung(4, "non-lethal clash", "clash", "#D55E00"),
    Rung(5, "armed incident", "armed", "#8B1A1A"),
    Rung(6, "armed conflict", "conflict", "#000000"),
)
N_RUNGS = len(RUNGS)
MAX_RUNG = N_RUNGS - 1

# De-escalating rungs below 0 (the crisis arc, ODD 7.11): the more negative, the more a move
# gives up. Another kind of de-escalating move takes one of these rungs (or a new one here).
RUNGS_BELOW_ZERO: tuple[Rung, ...] = (
    Rung(-1, "talks", "talks", "#B8E0B0"),
    Rung(-2, "military de-escalation", "withdraw", "#6FBF73"),
    Rung(-3, "concessions", "concede", "#2E7D32"),
)
MIN_RUNG = RUNGS_BELOW_ZERO[-1].level


def rung_info(level: int) -> Rung:
    """The rung of ``level``, escalating (0..6) or de-escalating (below 0)."""
    if level < 0:
        return RUNGS_BELOW_ZERO[-level - 1]
    return RUNGS[level]


def rung_label(level: int) -> str:
    """``"2 hybrid pressure"``: the level and its name, as legends show it."""
    return f"{level} {rung_info(level).name}"


class Move(NamedTuple):
    """A move: its rung and its Goldstein score as GDELT codes the CAMEO event.

    Cooperative moves score above 0 on Goldstein's scale, conflictual ones below.
    """

    rung: int
    goldstein: float
    cameo: str


MOVES: dict[str, Move] = {
    "conciliatory_gesture": Move(0, 4.0, "03 express intent to cooperate"),
    "ease_sanctions": Move(-3, 7.0, "085 ease economic sanctions, boycott, embargo"),
    "crisis_talks": Move(-1, 7.0, "046 engage in negotiation (crisis meeting, consultations)"),
    "mediation": Move(-1, 5.0, "045 mediate"),
    "leader_call": Move(-1, 1.0, "040 consult (a leader's call offering talks)"),
    "nato_consultations": Move(0, 1.0, "040 consult (allies, Article 4)"),
    "withdraw_forces": Move(-2, 9.0, "087 de-escalate military engagement"),
    "rhetoric": Move(1, -4.4, "130 threaten, not specified below"),
    "denounce_and_call_for_sanctions": Move(1, -2.0, "111 criticize or denounce"),
    "escort_migrants_to_line": Move(2, -5.0, "174 expel or deport individuals"),
    "pushback": Move(2, -5.0, "174 expel or deport individuals"),
    "counter_sanctions": Move(2, -8.0, "163 impose embargo, boycott or sanctions"),
    "national_measures": Move(2, -7.5, "144 obstruct passage, block (fence, transit ban)"),
    "impose_sanctions": Move(2, -8.0, "163 impose embargo, boycott or sanctions"),
    "troops_to_border": Move(3, -7.2, "15 exhibit military posture"),
    "reinforce_posture": Move(3, -7.2, "15 exhibit military posture (forces already there)"),
    "allied_deployment": Move(3, -7.2, "15 exhibit military posture (allied forces sent)"),
    "force_against_migrants": Move(2, -9.0, "175 use tactics of violent repression"),
    "repatriation": Move(-3, 7.0, "084 return, release persons (the route given up)"),
    "press_origin_states": Move(0, 3.0, "02 appeal (to origin states and carriers)"),
    "lift_route_pressure": Move(0, 0.0, "02 appeal withdrawn (crossings fell)"),
    "ambiguous_incident": Move(2, -5.0, "unverified shots, trespass, a death abroad"),
    "nonlethal_clash": Move(4, -9.0, "18 assault (water cannon, warning shots)"),
    "armed_incident": Move(5, -10.0, "19 fight with conventional weapons"),
    "armed_conflict": Move(6, -10.0, "19 fight with conventional weapons, sustained"),
}

# Force at the border: what the clash hazard produces, by rung.
FORCE_BY_RUNG = {4: "nonlethal_clash", 5: "armed_incident", 6: "armed_conflict"}

# Deliberate moves by rung, for the instigator towards a neighbour and the reverse.
# Rungs 4-6 are only ever chosen when max_deliberate_rung allows it (a counterfactual).
INSTIGATOR_MOVE_BY_RUNG = {
    1: "rhetoric",
    2: "escort_migrants_to_line",
    3: "troops_to_border",
    **FORCE_BY_RUNG,
}
FRONTLINE_MOVE_BY_RUNG = {
    1: "denounce_and_call_for_sanctions",
    2: "national_measures",
    3: "troops_to_border",
    **FORCE_BY_RUNG,
}


def goldstein_by_rung(moves_by_rung: dict[int, str]) -> list[float]:
    """Goldstein score of a side's deliberate move of each rung 0..6 (0 for no move)."""
    return [0.0] + [MOVES[moves_by_rung[r]].goldstein for r in range(1, N_RUNGS)]
