"""What a forecast can be judged on: the scorable items an observed record gives a window.

A forecast covers the days ``first .. last`` (its forecast date to its horizon). Each
observed row with a model output becomes an item when the record says exactly what
happened on days inside that window:

* a row wholly inside the window is a **count** item as written;
* a row of value 0 says nothing happened on any of its days, so its overlap with the
  window is a count item of 0 (``armed_incidents`` rows of "none so far" are the case);
* two rows of one actor and quantity that start on the same day and are nested (running
  totals "since 1 January") give the count between their ends when that lies inside;
* ``sanctions_packages`` rows list every package (``COMPLETE_LISTS``): a sanctioner with
  rows in the record had no package on a day without one, up to the record's last date,
  so the window's count is known.

A count item of a quantity in ``FIRST_OCCURRENCE`` that starts on the forecast date also
gives an **event** item ("at least one by the item's last day") and a **date** item (days
from the forecast date to the first one, right-censored at the item's length when there
was none), when its first occurrence is known (none, or a complete list's first row).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from escalation_sim.config.observed import QUANTITIES, Observation, ObservedRecord
from escalation_sim.io.errors import InputError

COMPLETE_LISTS = ("sanctions_packages",)  # rows list every occurrence; no row = none that day
FIRST_OCCURRENCE = ("armed_incidents", "sanctions_packages")  # event and date items
KINDS = ("event", "count", "date")


@dataclass(frozen=True)
class Item:
    """One scorable observation of a forecast window."""

    key: str  # readable name, unique within a window
    kind: str  # "event" (0/1), "count" (total over the days) or "date" (days to the first)
    column: str  # the series column compared: "quantity:actor"
    first: dt.date  # first day compared
    last: dt.date  # last day compared (inclusive)
    observed: float  # the count, 1/0 for an event, days to the first (or the length)
    censored: bool  # a date item whose event did not happen by ``last``
    lines: tuple[int, ...]  # record lines the item comes from
    latest: dt.date  # latest observation date the item uses

    @property
    def length(self) -> int:
        """Days compared."""
        return (self.last - self.first).days + 1


def _check_actor(r: Observation, front: list[str], sanc: list[str], file: str) -> None:
    names = sanc if r.quantity == "sanctions_packages" else front
    if r.actor not in names:
        role = "sanctioner" if r.quantity == "sanctions_packages" else "frontline state"
        raise InputError(
            f"{r.quantity} needs a {role} of the forecast's scenario ({', '.join(names)}), "
            f"got {r.actor!r}",
            file,
            r.line,
            "actor",
        )


def _count(r: Observation, first: dt.date, last: dt.date, value: float, lines: tuple) -> Item:
    span = str(first) if first == last else f"{first}..{last}"
    return Item(
        f"{r.quantity}:{r.actor} {span}",
        "count",
        f"{r.quantity}:{r.actor}",
        first,
        last,
        value,
        False,
        lines,
        r.end,
    )


def _as_written(rows: list[Observation], first: dt.date, last: dt.date) -> list[Item]:
    out = []
    for r in rows:
        if r.quantity in COMPLETE_LISTS:
            continue
        if r.start >= first and r.end <= last:
            out.append(_count(r, r.start, r.end, r.value, (r.line,)))
        elif r.value == 0 and r.start <= last and r.end >= first:
            a, b = max(r.start, first), min(r.end, last)
            out.append(_count(r, a, b, 0.0, (r.line,)))
    return out


def _increments(rows: list[Observation], first: dt.date, last: dt.date) -> list[Item]:
    """Counts between the ends of nested running totals that start on the same day."""
    out = []
    groups: dict[tuple, list[Observation]] = {}
    for r in rows:
        if r.quantity not in COMPLETE_LISTS:
            groups.setdefault((r.quantity, r.actor, r.start), []).append(r)
    for (_q, _a, start), rs in groups.items():
        rs = sorted(rs, key=lambda r: r.end)
        for a, b in itertools.pairwise(rs):
            lo = a.end + dt.timedelta(days=1)
            if start < first <= lo and b.end <= last and b.value >= a.value:
                item = _count(b, lo, b.end, b.value - a.value, (a.line, b.line))
                out.append(item)
    return out


def _complete(
    rows: list[Observation], first: dt.date, last: dt.date, record_end: dt.date
) -> list[Item]:
    """Counts of complete-list quantities over the window, up to the record's last day."""
    end = min(last, record_end)
    out = []
    if end < first:
        return out
    for q in COMPLETE_LISTS:
        actors = sorted({r.actor for r in rows if r.quantity == q})
        for actor in actors:
            mine = [r for r in rows if r.quantity == q and r.actor == actor]
            inside = [r for r in mine if r.start >= first and r.end <= end]
            if any(r.start <= end and r.end >= first and r not in inside for r in mine):
                continue  # a row straddles the window's edge: the count is not known
            value = float(sum(r.value for r in inside))
            span = f"{first}..{end}"
            key = f"{q}:{actor} {span}"
            lines = tuple(r.line for r in inside)
            latest = end
            out.append(Item(key, "count", f"{q}:{actor}", first, end, value, False, lines, latest))
            if inside:  # the first occurrence is the earliest listed day
                day = min(r.start for r in inside)
                out.append(_date(out[-1], float((day - first).days), False))
    return out


def _date(count: Item, observed: float, censored: bool) -> Item:
    return Item(
        f"first {count.column} after {count.first} (censored {count.last})",
        "date",
        count.column,
        count.first,
        count.last,
        observed,
        censored,
        count.lines,
        count.latest,
    )


def _derived(counts: list[Item], first: dt.date) -> list[Item]:
    """Event and (censored) date items of first-occurrence quantities starting on ``first``."""
    out = []
    for c in counts:
        if c.kind != "count" or c.first != first:
            continue
        if c.column.split(":", 1)[0] not in FIRST_OCCURRENCE:
            continue
        happened = c.observed > 0
        out.append(
            Item(
                f"{c.column} >= 1 by {c.last}",
                "event",
                c.column,
                c.first,
                c.last,
                float(happened),
                False,
                c.lines,
                c.latest,
            )
        )
        if not happened:
            out.append(_date(c, float(c.length), True))
    return out


def window_items(
    record: ObservedRecord,
    first: dt.date,
    last: dt.date,
    frontline: list[str],
    sanctioners: list[str],
) -> list[Item]:
    """Every scorable item the record gives for the forecast window ``first .. last``."""
    rows = [r for r in record.rows if QUANTITIES[r.quantity].output is not None]
    relevant = [r for r in rows if r.end >= first and r.start <= last]
    for r in relevant:
        _check_actor(r, frontline, sanctioners, record.file)
    counts = _as_written(rows, first, last) + _increments(rows, first, last)
    complete = _complete(rows, first, last, record.last_date)
    items = counts + complete + _derived(counts + complete, first)
    seen: set[str] = set()
    unique = []
    for it in sorted(items, key=lambda i: (KINDS.index(i.kind), i.column, i.first, i.last)):
        if it.key not in seen:
            seen.add(it.key)
            unique.append(it)
    return unique
