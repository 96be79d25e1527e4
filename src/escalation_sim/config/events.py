"""Dated events a scenario can schedule."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from escalation_sim.config.base import FrozenModel, log_uniform, parameter, uniform


class EventBase(FrozenModel):
    """Fields every scheduled event has."""

    name: str | None = Field(None, description="Optional name, used when extending lists.")
    note: str | None = None


class CrisisMeeting(EventBase):
    """A sanctioner meets outside its cadence, with a lowered threshold."""

    type: Literal["crisis_meeting"]
    date: dt.date
    actor: str
    threshold_factor: float = parameter(
        0.5,
        0.01,
        1,
        "share",
        "Multiplier on the sanctioner's threshold that day (the meeting also lifts the cadence).",
        "Assumption.",
        prior=uniform(0.25, 1.0, "How much a crisis meeting lowers the bar; unmeasured."),
    )


class Exercise(EventBase):
    """A joint military exercise (Zapad-type) near the frontline borders."""

    type: Literal["exercise"]
    start: dt.date
    end: dt.date
    actor: str
    posture_boost: float = parameter(
        0.3,
        0,
        1,
        "posture",
        "Instigator posture added at every border during the window.",
        "Assumption: Zapad-2021 brought Russian units into Belarus.",
        prior=uniform(0.15, 0.6, "Units brought in by an exercise; x0.5..x2 of the default."),
    )
    threat_boost: float = parameter(
        0.15,
        0,
        1,
        "threat",
        "Frontline perceived threat added on the first day.",
        "Article: fears that exercises could be 'cover' for an attack.",
        prior=log_uniform(0.075, 0.3, "Unmeasured; x0.5..x2 of the default."),
    )

    @model_validator(mode="after")
    def _ordered(self) -> Exercise:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class SupplyCut(EventBase):
    """Origin states or carriers cut the route (e.g. flights to Minsk suspended).

    The cut reaches ``1 - factor`` of the route within days (``suspension_lag``): a decision
    already taken, unlike the sanctioner's pressure, which works with ``cut_lag``.
    """

    type: Literal["supply_cut"]
    start: dt.date
    end: dt.date | None = None
    factor: float = parameter(
        0.2,
        0,
        1,
        "share",
        "Share of the route left once the cut has taken effect (reached with suspension_lag).",
        "Assumption.",
        prior=uniform(0.1, 0.4, "Share of the supply left after a cut; x0.5..x2 of the default."),
    )

    @model_validator(mode="after")
    def _ordered(self) -> SupplyCut:
        if self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class RoutePressure(EventBase):
    """A sanctioner presses origin states and carriers to cut the route from a date on.

    The same move the sanctioner makes by itself once crossings pass ``press_trigger``;
    the cut then approaches ``cut_max`` with ``cut_lag``, at ``press_cost`` a day.
    """

    type: Literal["route_pressure"]
    start: dt.date
    actor: str


class SanctionsRound(EventBase):
    """A sanctioner adopts a package on a fixed date, whatever the model says."""

    type: Literal["sanctions_round"]
    date: dt.date
    actor: str


Event = Annotated[
    CrisisMeeting | Exercise | SupplyCut | RoutePressure | SanctionsRound,
    Field(discriminator="type"),
]

EVENT_ROLES = {
    "crisis_meeting": "sanctioner",
    "sanctions_round": "sanctioner",
    "route_pressure": "sanctioner",
    "exercise": "patron",
}
