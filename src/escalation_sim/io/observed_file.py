"""Observed record files (CSV) -> checked :class:`ObservedRecord`, with located errors.

Every problem (a missing column, a bad date, an unknown quantity, a non-numeric or negative
value, a row without a source, a duplicate row) becomes one :class:`InputError` naming the
file, the line and the column, before anything is run or written.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

from escalation_sim.config.observed import COLUMNS, QUANTITIES, Observation, ObservedRecord
from escalation_sim.io.errors import InputError, suggest


def _date(text: str, file: str, line: int) -> tuple[dt.date, dt.date]:
    parts = text.strip().split("..")
    try:
        if len(parts) > 2:
            raise ValueError
        days = [dt.date.fromisoformat(p.strip()) for p in parts]
    except ValueError:
        raise InputError(
            f"expected a date YYYY-MM-DD or a period YYYY-MM-DD..YYYY-MM-DD, got {text!r}",
            file,
            line,
            "date",
        ) from None
    start, end = days[0], days[-1]
    if end < start:
        raise InputError(f"period ends ({end}) before it starts ({start})", file, line, "date")
    return start, end


def _value(text: str, file: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"expected a number, got {text!r}", file, line, "value") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"expected a number >= 0, got {text!r}", file, line, "value")
    return value


def _row(raw: dict[str, Any], file: str, line: int) -> Observation:
    extra = raw.get(None)
    if extra:
        raise InputError(f"{len(extra)} more field(s) than the header has columns", file, line)
    missing = [c for c in COLUMNS if raw.get(c) is None]
    if missing:
        raise InputError(f"missing field(s): {', '.join(missing)}", file, line)
    start, end = _date(raw["date"], file, line)
    quantity = raw["quantity"].strip()
    if quantity not in QUANTITIES:
        known = ", ".join(QUANTITIES)
        raise InputError(
            f"unknown quantity {quantity!r}{suggest(quantity, list(QUANTITIES))}; known: {known}",
            file,
            line,
            "quantity",
        )
    actor = raw["actor"].strip()
    if not actor:
        raise InputError(
            "an observation needs an actor (a border state, a sanctioner ...)", file, line, "actor"
        )
    if not raw["source"].strip():
        raise InputError("every observation needs a source", file, line, "source")
    value = _value(raw["value"], file, line)
    if QUANTITIES[quantity].kind == "event" and value != 1:
        raise InputError(
            f"{quantity} is an event: its value is 1, got {raw['value']!r}", file, line, "value"
        )
    return Observation(
        start, end, actor, quantity, value, raw["source"].strip(), raw["note"].strip(), line
    )


def load_observed(path: str | Path) -> ObservedRecord:
    """Read and check an observed record; the first problem raises a located InputError."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the observed record ({exc.__class__.__name__})", file
        ) from None
    lines = text.splitlines()
    body = [(i + 1, t) for i, t in enumerate(lines) if t.strip() and not t.lstrip().startswith("#")]
    if not body:
        raise InputError(f"empty observed record; expected a header {','.join(COLUMNS)}", file)
    head_line, head = body[0]
    header = [h.strip() for h in next(csv.reader([head]))]
    if header != list(COLUMNS):
        unknown = [h for h in header if h not in COLUMNS]
        hint = f" (unknown {unknown[0]!r}{suggest(unknown[0], list(COLUMNS))})" if unknown else ""
        raise InputError(f"expected the header {','.join(COLUMNS)}{hint}", file, head_line)
    rows: list[Observation] = []
    seen: dict[tuple[Any, ...], int] = {}
    for line, t in body[1:]:
        raw = next(csv.DictReader([t], fieldnames=header))
        obs = _row(raw, file, line)
        key = (obs.start, obs.end, obs.actor, obs.quantity)
        if key in seen:
            raise InputError(
                f"duplicate observation: {obs.quantity} of {obs.actor} on {obs.date_text} "
                f"is already on line {seen[key]}",
                file,
                line,
            )
        seen[key] = line
        rows.append(obs)
    if not rows:
        raise InputError("the observed record has a header but no rows", file, head_line)
    return ObservedRecord(file, tuple(rows))


def check_forecast_date(record: ObservedRecord, forecast_from: dt.date) -> None:
    """No row may cover a day after the forecast date (it was not knowable then)."""
    for r in record.rows:
        if r.end > forecast_from:
            raise InputError(
                f"{r.date_text} is after the forecast date {forecast_from}: an observation "
                "the forecast could not have known",
                record.file,
                r.line,
                "date",
            )


def rows_in_window(
    record: ObservedRecord, start: dt.date, forecast_from: dt.date
) -> list[Observation]:
    """Rows that lie wholly inside the calibration window ``start .. forecast_from - 1``.

    Rows after the forecast date are an error; rows (partly) before ``start`` are
    background the simulation cannot be compared with. No row inside is an error.
    """
    check_forecast_date(record, forecast_from)
    inside = [r for r in record.rows if r.start >= start and r.end < forecast_from]
    if not inside:
        raise InputError(
            f"no observation lies inside the calibration window {start} .. "
            f"{forecast_from - dt.timedelta(days=1)}",
            record.file,
        )
    return inside
