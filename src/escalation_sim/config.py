"""Typed, frozen configuration of one scenario: actors, mechanisms, events.

Every numeric parameter carries its meaning, range, unit and source in its
``Field`` so that ``escalation-sim describe`` and the ODD parameter table are
generated from this module and cannot drift from the code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

ROLES = ("instigator", "frontline", "sanctioner", "patron")


def P(
    default: Any, lo: float | None, hi: float | None, unit: str, meaning: str, source: str
) -> Any:
    """A documented parameter field: default, closed range, unit, meaning, source."""
    return Field(
        default,
        ge=lo,
        le=hi,
        description=meaning,
        json_schema_extra={"unit": unit, "source": source},
    )


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Migration(_Frozen):
    """Mechanism 9: instrumentalised migration through the instigator's valve."""

    supply: float = P(
        150.0,
        0,
        100_000,
        "persons/day",
        "Migrants who can reach the instigator's border per day when the valve is fully open "
        "(bounded by flights from origin countries).",
        "Assumption: order of magnitude of July-August 2021 crossings (Lithuania ~4,000 in "
        "July; Poland and Latvia rising in August).",
    )
    valve_response: float = P(
        0.2,
        0,
        1,
        "share",
        "How far the instigator opens the valve (towards 1) for each sanctions package it "
        "perceives, and closes it for each easing.",
        "Article: Minsk 'deliberately opened the floodgates' in response to sanctions.",
    )
    pushback_pressure: float = P(
        0.3,
        0,
        5,
        "share per pressure unit",
        "Increase of a frontline state's pushback rate per unit of domestic pressure.",
        "Article: Vilnius turned to pushbacks after camp unrest and local protests.",
    )
    pressure_decay: float = P(
        0.02,
        0,
        1,
        "1/day",
        "Daily decay of domestic pressure from admitted arrivals.",
        "Assumption.",
    )
    stranded_clearance: float = P(
        0.05,
        0,
        1,
        "1/day",
        "Share of migrants stranded between the lines who leave each day (return flights, "
        "asylum, repatriation).",
        "Article: Iraq 'started taking back Iraqis stranded in Belarus'. Rate is an assumption.",
    )
    posture_pressure: float = P(
        0.1,
        0,
        1,
        "posture per pressure unit",
        "Rise of a frontline state's baseline force posture per unit of domestic pressure.",
        "Brief: arrivals 'push their posture up' (troops sent to the border in 2021).",
    )
    pushback_incident_scale: float = P(
        500.0,
        1,
        100_000,
        "persons",
        "Pushbacks that make a perceived hostile incident likely: P(incident) = "
        "1 - exp(-pushbacks / scale).",
        "Article: Minsk accused Lithuanian guards of force during pushbacks. Scale assumed.",
    )


class Mechanisms(_Frozen):
    """The ten mechanisms of the model brief; each can be switched off with 0 or false."""

    # 1. No benefit of the doubt
    benefit_of_doubt: float = P(
        0.0,
        0,
        1,
        "share",
        "Share by which observers discount blaming the instigator for an ambiguous incident; "
        "1 means ambiguous incidents are never blamed on it.",
        "Article: Lukashenko 'is no longer given the benefit of the doubt' (0 in 2021).",
    )
    ambiguous_rate: float = P(
        0.02,
        0,
        1,
        "1/day per border",
        "Daily probability of an ambiguous incident at a border that the instigator did not "
        "cause (shots heard, unverified reports, a death abroad).",
        "Assumption: the article lists about five such episodes in July-August 2021.",
    )
    covert_share: float = P(
        0.2,
        0,
        1,
        "share",
        "Share of the instigator's deliberate provocations whose author is not observable; "
        "they become ambiguous incidents truly caused by the instigator.",
        "Assumption (article: each side claims shots came from the other).",
    )
    reputation_gain: float = P(
        0.04,
        0,
        1,
        "per act",
        "Rise of pariah reputation per attributed hostile act of top intensity, times "
        "(1 - reputation).",
        "Mercer (1996) desires hypothesis: hostile acts confirm the image fully.",
    )
    reputation_loss: float = P(
        0.004,
        0,
        1,
        "per act",
        "Fall of pariah reputation per perceived conciliatory act, times reputation "
        "(ten times smaller than the gain).",
        "Mercer (1996): conciliatory acts barely lower a bad reputation.",
    )
    # 2. Nothing to lose
    nothing_to_lose: float = P(
        1.0,
        0,
        1,
        "weight",
        "How strongly pariah reputation and exhausted room for further sanctions erode the "
        "instigator's restraint.",
        "Article: 'when everyone regards you as a pariah ... why hold back?'",
    )
    # 3. No hostile act unpunished
    retaliation: float = P(
        0.8,
        0,
        1,
        "probability",
        "Probability that the instigator answers a perceived hostile act with a counter-move "
        "of at least the perceived rung (per day with an unanswered act).",
        "Article: 'No hostile action must go unpunished, so as not to appear weak.'",
    )
    answer_rung: float = P(
        1.5,
        0,
        6,
        "rung",
        "Smallest perceived rung that demands an answer; rhetoric below it is let pass.",
        "Article: the hostile acts answered are sanctions, pushbacks, deployments (rung 2+).",
    )
    max_deliberate_rung: int = P(
        3,
        1,
        6,
        "rung",
        "Highest rung any actor chooses on purpose; rungs above arise only from incidents.",
        "Article: incidents 'not because either side plans to attack the other'.",
    )
    # 4. Mutual hostile interpretation
    hostile_bias: float = P(
        0.5,
        0,
        1,
        "share",
        "Skew of perception errors towards hostility: an error is upward with probability "
        "(1 + hostile_bias) / 2, for every observer.",
        "Article: 'tendencies to interpret each other's actions in the most hostile light "
        "possible'; Jervis (1976).",
    )
    perception_noise: float = P(
        1.0,
        0,
        3,
        "rungs",
        "Largest perception error, in rungs of the escalation ladder (uniform magnitude).",
        "Assumption: one rung of confusion between, e.g., a pushback and a clash.",
    )
    frontline_response: float = P(
        0.5,
        0,
        1,
        "probability",
        "Probability that a frontline state answers a perceived hostile act in kind "
        "(before forgiveness).",
        "Assumption: frontline states answer often, but not as reflexively as Minsk.",
    )
    forgiveness: float = P(
        0.0,
        0,
        1,
        "share",
        "Share of perceived hostile acts that frontline states and sanctioners leave "
        "unanswered (generous tit-for-tat).",
        "Nowak & Sigmund (1992); 0 in 2021 (article: only tougher sanctions are conceivable).",
    )
    threat_gain: float = P(
        0.3,
        0,
        2,
        "per act",
        "Rise of perceived threat per perceived hostile act of top rung (rung/6 scaled).",
        "Assumption.",
    )
    threat_decay: float = P(
        0.04,
        0,
        1,
        "1/day",
        "Daily decay of perceived threat (applied every day, before new perceptions).",
        "Assumption: a half-life of about two and a half weeks.",
    )
    # 5. Unintended armed incidents
    incident_hazard: float = P(
        0.03,
        0,
        5,
        "1/day",
        "Scale of the daily clash hazard at a border, multiplied by both sides' posture "
        "there and their mutual perceived threat.",
        "Assumption: makes the article's 'real risk' neither negligible nor certain.",
    )
    armed_escalation: float = P(
        0.3,
        0,
        1,
        "probability",
        "Probability, times mutual perceived threat, that a clash becomes an exchange of "
        "fire (rung 5) rather than a non-lethal clash (rung 4).",
        "Assumption.",
    )
    conflict_window: int = P(
        14,
        1,
        365,
        "days",
        "A second armed incident at the same border within this many days is armed "
        "conflict (rung 6).",
        "Assumption (sustained fighting).",
    )
    posture_step: float = P(
        0.05,
        0,
        1,
        "posture",
        "Force posture added by a rung-3 move (deployment, troops escorted to the line).",
        "Assumption.",
    )
    militarised_posture: float = P(
        0.5,
        0,
        1,
        "posture",
        "Force posture on either side of a border from which the dyad counts as rung 3 "
        "(militarised posture) on that day.",
        "Assumption.",
    )
    posture_decay: float = P(
        0.02,
        0,
        1,
        "1/day",
        "Daily relaxation of force posture towards its baseline.",
        "Assumption.",
    )
    # 6. Sanctions ratchet
    sanctions_ratchet: bool = Field(
        True,
        description="If true the sanctions level never falls; if false a sanctioner eases "
        "one package when attributed hostility stays below its relief threshold.",
        json_schema_extra={
            "unit": "switch",
            "source": "Article: 'no influential Western politician would now risk any other "
            "approach ... than toughening sanctions'.",
        },
    )
    # 7. War atmosphere
    war_atmosphere: float = P(
        0.5,
        0,
        1,
        "weight",
        "Rally effect: weight of perceived external threat in the instigator's domestic "
        "support; and how strongly it provokes to keep the atmosphere of a country at war "
        "when threat fades or support sags.",
        "Article: 'a vested interest in maintaining the atmosphere of a country at war'.",
    )
    support_rate: float = P(
        0.05,
        0,
        1,
        "1/day",
        "Speed at which domestic support moves towards its target.",
        "Assumption.",
    )
    pain_per_package: float = P(
        0.03,
        0,
        1,
        "support/package",
        "Domestic support lost per sanctions package in force, before the patron's cushion.",
        "Assumption.",
    )
    # 8. Patron restraint
    patron_restraint: float = P(
        0.5,
        0,
        1,
        "probability",
        "Probability that the patron talks the instigator out of a move of rung 3 or above, "
        "and share of the instigator's posture it pulls back after an armed incident.",
        "Article: Moscow's unwillingness to get embroiled 'could just be the only factor "
        "exercising any restraint'.",
    )
    patron_cushion: float = P(
        0.5,
        0,
        1,
        "share",
        "Share of sanctions pain that the patron's economic support absorbs.",
        "Assumption: Russian loans and energy subsidies in 2020-2021.",
    )
    # 9. Migration
    migration: Migration = Field(default_factory=Migration)


class ActorBase(_Frozen):
    """Fields every actor has."""

    name: str = Field(min_length=1, description="Unique actor name.")
    note: str | None = Field(None, description="Free text: where the numbers come from.")


class Instigator(ActorBase):
    """The pariah (Minsk)."""

    role: Literal["instigator"]
    reputation: float = P(
        0.85,
        0,
        1,
        "share",
        "Initial pariah reputation: probability that observers blame it for an ambiguous "
        "incident (before benefit of the doubt).",
        "Article: contested 2020 election, Ryanair diversion, 'international terrorist'.",
    )
    domestic_support: float = P(
        0.35,
        0,
        1,
        "share",
        "Initial and reference domestic support of the regime.",
        "Assumption (independent polling is impossible; protests of 2020).",
    )
    restraint: float = P(
        0.7,
        0,
        1,
        "probability",
        "Baseline restraint before nothing-to-lose erodes it.",
        "Assumption.",
    )
    provocation_rate: float = P(
        0.15,
        0,
        1,
        "1/day per neighbour",
        "Daily probability of a deliberate provocation at a border with no restraint.",
        "Assumption: escorting groups to the line, trespass claims, rhetoric (article).",
    )
    valve: float = P(
        1.0,
        0,
        1,
        "share",
        "Initial opening of the migrant valve (0 closed, as before 2021; 1 open).",
        "Article: Minsk 'deliberately opened the floodgates'.",
    )
    posture: float = P(
        0.3,
        0,
        1,
        "posture",
        "Baseline force posture at each of its borders.",
        "Assumption.",
    )
    conciliation_rate: float = P(
        0.02,
        0,
        1,
        "1/day",
        "Daily probability, times restraint, of a conciliatory gesture.",
        "Assumption.",
    )


class Frontline(ActorBase):
    """A neighbouring border state (Lithuania, Poland, Latvia)."""

    role: Literal["frontline"]
    posture: float = P(0.3, 0, 1, "posture", "Baseline force posture at its border.", "Assumption.")
    migrant_share: float = P(
        0.33,
        0,
        1,
        "share",
        "Share of the migrant flow directed at this border.",
        "See scenario comments.",
    )
    capacity: float = P(
        4000.0,
        1,
        1e7,
        "persons",
        "Admitted migrants that make one unit of domestic pressure (camp unrest, protests).",
        "See scenario comments.",
    )
    pushback: float = P(
        0.5, 0, 1, "share", "Baseline share of arrivals pushed back.", "See scenario comments."
    )
    threat: float = P(
        0.3, 0, 1, "share", "Initial perceived threat from the instigator.", "Assumption."
    )


class Sanctioner(ActorBase):
    """A body that adopts sanctions packages (the EU; a US/UK/Canada group)."""

    role: Literal["sanctioner"]
    level: int = P(
        4, 0, 100, "packages", "Sanctions packages in force at the start.", "See scenario."
    )
    max_packages: int = P(
        12,
        1,
        100,
        "packages",
        "Packages it could ever adopt; the gap to the level is the remaining room.",
        "Assumption.",
    )
    threshold: float = P(
        3.0,
        0.01,
        1000,
        "hostility units",
        "Attributed hostility (sum of perceived rungs / 6) that triggers a new package.",
        "Assumption.",
    )
    cadence: int = P(
        30, 1, 365, "days", "Least number of days between two decisions.", "Assumption."
    )
    lag: int = P(
        14,
        1,
        365,
        "days",
        "Days from decision to adoption of a package (at least 1: adoption follows the decision).",
        "Assumption.",
    )
    relief_threshold: float = P(
        0.1,
        0,
        100,
        "hostility units/day",
        "Below this smoothed daily attributed hostility it eases a package when the ratchet "
        "is off.",
        "Assumption: under half the default scenario's mean of ~0.26 units/day.",
    )


class Patron(ActorBase):
    """The instigator's patron (Moscow)."""

    role: Literal["patron"]


Actor = Annotated[Instigator | Frontline | Sanctioner | Patron, Field(discriminator="role")]


class EventBase(_Frozen):
    """Fields every scheduled event has."""

    name: str | None = Field(None, description="Optional name, used when extending lists.")
    note: str | None = None


class CrisisMeeting(EventBase):
    """A sanctioner meets outside its cadence, with a lowered threshold."""

    type: Literal["crisis_meeting"]
    date: dt.date
    actor: str
    threshold_factor: float = P(
        0.5,
        0.01,
        1,
        "share",
        "Multiplier on the sanctioner's threshold that day (the meeting also lifts the cadence).",
        "Assumption.",
    )


class Exercise(EventBase):
    """A joint military exercise (Zapad-type) near the frontline borders."""

    type: Literal["exercise"]
    start: dt.date
    end: dt.date
    actor: str
    posture_boost: float = P(
        0.3,
        0,
        1,
        "posture",
        "Instigator posture added at every border during the window.",
        "Assumption: Zapad-2021 brought Russian units into Belarus.",
    )
    threat_boost: float = P(
        0.15,
        0,
        1,
        "threat",
        "Frontline perceived threat added on the first day.",
        "Article: fears that exercises could be 'cover' for an attack.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Exercise:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class SupplyCut(EventBase):
    """Migrant supply falls (e.g. flights to Minsk suspended)."""

    type: Literal["supply_cut"]
    start: dt.date
    end: dt.date | None = None
    factor: float = P(
        0.2, 0, 1, "share", "Multiplier on migrant supply while the cut lasts.", "Assumption."
    )

    @model_validator(mode="after")
    def _ordered(self) -> SupplyCut:
        if self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class SanctionsRound(EventBase):
    """A sanctioner adopts a package on a fixed date, whatever the model says."""

    type: Literal["sanctions_round"]
    date: dt.date
    actor: str


Event = Annotated[
    CrisisMeeting | Exercise | SupplyCut | SanctionsRound, Field(discriminator="type")
]

EVENT_ROLES = {
    "crisis_meeting": "sanctioner",
    "sanctions_round": "sanctioner",
    "exercise": "patron",
}


class Scenario(_Frozen):
    """One scenario: who acts, by which rules, over which days."""

    name: str = Field(min_length=1, description="Scenario name; default output folder.")
    description: str = ""
    start: dt.date = Field(dt.date(2021, 8, 12), description="Calendar date of day 0.")
    days: int = P(
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
    return problems


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


def field_bounds(info: Any) -> tuple[float | None, float | None]:
    """(low, high) bounds of a parameter field, None where open."""
    lo = hi = None
    for meta in info.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    return lo, hi
