"""The calibration window's summary statistics: what the observed record and a run share.

Each observed row inside the window with a model output is one :class:`Target`; its
statistic is log(1 + total over the row's days), for the record and for the mean of a
particle's replications alike (module docstring of :mod:`~escalation_sim.run.calibrate`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalation_sim.config.observed import QUANTITIES, ObservedRecord
from escalation_sim.config.scenario import Scenario
from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import rows_in_window


@dataclass(frozen=True)
class Target:
    """One summary statistic: a window row the model can reproduce."""

    key: str
    output: str  # entries | pushbacks | sanctions_packages | armed_incidents
    index: int  # the actor's row among frontline states or sanctioners
    first: int  # window day of the row's first day
    last: int  # window day of its last day (inclusive)
    observed: float


def window_targets(record: ObservedRecord, sc: Scenario) -> tuple[list[Target], int]:
    """Statistics of the window's rows, and how many window rows have no model output."""
    rows = rows_in_window(record, sc.start, sc.forecast_date)
    front = [a.name for a in sc.actors_of("frontline")]
    sanc = [a.name for a in sc.actors_of("sanctioner")]
    targets, skipped = [], 0
    for r in rows:
        output = QUANTITIES[r.quantity].output
        if output is None:
            skipped += 1
            continue
        names = sanc if output == "sanctions_packages" else front
        if r.actor not in names:
            role = "sanctioner" if output == "sanctions_packages" else "frontline state"
            raise InputError(
                f"{r.quantity} needs a {role} of scenario {sc.name!r} "
                f"({', '.join(names)}), got {r.actor!r}",
                record.file,
                r.line,
                "actor",
            )
        key = f"{r.quantity}:{r.actor}:{r.date_text}"
        targets.append(
            Target(key, output, names.index(r.actor), sc.day_of(r.start), sc.day_of(r.end), r.value)
        )
    if not targets:
        raise InputError(
            "no observation inside the calibration window has a model output "
            "(arrivals, pushbacks, sanctions_packages, armed_incidents)",
            record.file,
        )
    return targets, skipped


def window_scenario(sc: Scenario) -> Scenario:
    """The scenario cut at its forecast date: only the window's days and events."""
    end = sc.forecast_date - dt.timedelta(days=1)

    def inside(ev: Any) -> bool:
        days = [getattr(ev, k, None) for k in ("date", "start", "end")]
        return all(d is None or d <= end for d in days)

    return sc.model_copy(
        update={"days": sc.forecast_day, "events": [e for e in sc.events if inside(e)]}
    )


def observed_statistics(targets: list[Target]) -> dict[str, float]:
    """The same statistics of the observed record."""
    return {t.key: float(np.log1p(t.observed)) for t in targets}


def window_statistics(window: Any, targets: list[Target], particles: int) -> list[dict[str, float]]:
    """log(1 + mean simulated total) of every target, per replication group.

    The window's WindowSeries holds ``particles`` equal consecutive groups.
    """
    arrays = {
        "entries": window.entries,
        "pushbacks": window.pushbacks,
        "sanctions_packages": window.packages,
        "armed_incidents": window.armed,
    }
    columns = {}
    for t in targets:
        series = arrays[t.output][t.first : t.last + 1, t.index]
        totals = series.sum(axis=0, dtype=np.float64).reshape(particles, -1)
        columns[t.key] = np.log1p(totals.mean(axis=1))
    return [{k: float(v[i]) for k, v in columns.items()} for i in range(particles)]
