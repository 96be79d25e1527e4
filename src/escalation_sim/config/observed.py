"""Observed records: what really happened, one row per observation.

A record is a CSV file with the columns ``date, actor, quantity, value, source, note``.
``date`` is one day (``2021-07-27``) or an inclusive period (``2021-07-01..2021-07-31``);
a count over a period is the total over its days. Each quantity says what it counts and,
where the model produces the same thing, which output it is compared with (calibration
and, later, scoring use that mapping; quantities without one are kept as the record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

COLUMNS = ("date", "actor", "quantity", "value", "source", "note")


@dataclass(frozen=True)
class Quantity:
    """One kind of observation: its meaning, whether it is a count, and the model output."""

    meaning: str
    kind: str  # "count" (persons or acts over the period) or "event" (1 = it happened)
    output: str | None  # per-actor model output ("entries" -> entries per border), or None


QUANTITIES: dict[str, Quantity] = {
    "arrivals": Quantity(
        "Irregular crossings from Belarus detained (admitted) by a frontline state: the model's "
        "irregular entries (attempts not turned back), as border guards count them.",
        "count",
        "entries",
    ),
    "pushbacks": Quantity(
        "People turned back to Belarus at the border by a frontline state.", "count", "pushbacks"
    ),
    "sanctions_packages": Quantity(
        "Sanctions packages (rounds of listings or sectoral measures) adopted by a sanctioner.",
        "count",
        "sanctions_packages",
    ),
    "armed_incidents": Quantity(
        "Exchanges of fire between state forces at a border (rung 5 or above).",
        "count",
        "armed_incidents",
    ),
    "emergency": Quantity(
        "A state of emergency declared at the border with Belarus.", "event", None
    ),
    "pushbacks_authorised": Quantity(
        "Border guards given the power to turn people back to Belarus.", "event", None
    ),
    "deployment": Quantity("Forces sent to (or reinforced at) the border (rung 3).", "event", None),
    "flights_suspended": Quantity(
        "Flights bringing migrants to Minsk suspended by an origin country.", "event", None
    ),
    "accusation": Quantity(
        "A public accusation of a hostile act at the border by one side against the other.",
        "event",
        None,
    ),
}


@dataclass(frozen=True)
class Observation:
    """One row of an observed record."""

    start: dt.date
    end: dt.date  # inclusive; equal to start for a single day
    actor: str
    quantity: str
    value: float
    source: str
    note: str
    line: int  # line in the file (for located errors)

    @property
    def date_text(self) -> str:
        """The row's date as written: ``YYYY-MM-DD`` or ``YYYY-MM-DD..YYYY-MM-DD``."""
        return str(self.start) if self.start == self.end else f"{self.start}..{self.end}"


@dataclass(frozen=True)
class ObservedRecord:
    """The rows of one observed file, in file order."""

    file: str
    rows: tuple[Observation, ...]

    @property
    def last_date(self) -> dt.date:
        """The latest day any row covers."""
        return max(r.end for r in self.rows)
