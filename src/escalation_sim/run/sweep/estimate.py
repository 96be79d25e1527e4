"""Cost of a sweep plan."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass

from escalation_sim.run.sweep.plan import Plan, Task, complete_points

# ====================================================================== plan & status text
# Rough engine costs on one core (measured on the development machine; see docs/sweeps.md).
COST_RUN_DAY = 0.5e-6  # seconds per replication-day
COST_BLOCK_DAY = 0.03e-3  # per block-day (a day-seeded generator for each block)
COST_GROUP_DAY = 0.11e-3  # per design point per day in a model (daily histograms)
COST_TRACE_DAY = 40e-6  # per kept replication-day (traces and event log)
COST_FRAME_DAY = 0.1e-3  # per design point per day: its daily frame (histogram quantiles)
BYTES_PER_RUN = 85  # Parquet, written twice (part and consolidated)
BYTES_PER_POINT_TASK = 200_000  # compressed daily histograms per design point and task
BYTES_PER_TRACE = 8_000  # traces + events per kept replication


def estimate(plan: Plan, tasks: Iterable[Task] | None = None) -> tuple[float, int]:
    """(CPU seconds, bytes on disk) of the planned tasks."""
    exp = plan.experiment
    seconds = 0.0
    disk = 0
    for t in plan.tasks if tasks is None else tasks:
        days = plan.scenarios[t.variant].days
        kept = sum(min(exp.keep_traces, u.stop) for u in t.units if u.block == 0 and u.start == 0)
        seconds += days * (
            t.simulated * COST_RUN_DAY
            + len(t.units) * COST_BLOCK_DAY
            + len(t.design_points) * COST_GROUP_DAY
            + kept * COST_TRACE_DAY
            + len(complete_points(plan, t)) * COST_FRAME_DAY
        )
        disk += 2 * t.runs * BYTES_PER_RUN + len(t.design_points) * BYTES_PER_POINT_TASK
        disk += kept * BYTES_PER_TRACE
    return seconds, disk


# ====================================================================== calibrated time range
CALIBRATION_SECONDS = 0.1  # the measured task is at most this long by the model above
START_UP = (1.0, 4.0)  # seconds to start local workers and consolidate, low and high
SLACK = 1.5  # high end: CPU can run this much slower (other work, memory, slow tasks)


@dataclass(frozen=True)
class TimeRange:
    """Wall time of a sweep on this machine, as a range, and how it was calibrated."""

    low: float
    high: float
    cpu: float  # calibrated CPU seconds
    scale: float  # measured / modelled time of the calibration task
    measured: float  # seconds the calibration task took


def calibrate(plan: Plan) -> tuple[float, float]:
    """Run a small real task of ``plan`` here; (measured / modelled time, measured seconds).

    The task is the plan's first task cut down to a few of its blocks (modelled
    at about :data:`CALIBRATION_SECONDS`), so the measurement runs the same
    scenario, parameters and per-task work as the sweep, on this machine as it
    is loaded now. Nothing is written.
    """
    from escalation_sim.run.sweep.tasks import _payload, run_task

    task = plan.tasks[0]
    units = list(task.units)
    while len(units) > 1 and estimate(plan, [_with_units(task, units)])[0] > CALIBRATION_SECONDS:
        units = units[: max(1, len(units) // 2)]
    small = _with_units(task, units)
    modelled = estimate(plan, [small])[0]
    started = time.perf_counter()
    out = run_task(_payload(plan, small))
    measured = time.perf_counter() - started
    if not out.ok or modelled <= 0:
        return 1.0, measured
    return measured / modelled, measured


def _with_units(task: Task, units: list) -> Task:
    return dataclasses.replace(task, units=tuple(units))


def time_range(plan: Plan, workers: int, calibration: tuple[float, float]) -> TimeRange:
    """Wall time of the whole plan with ``workers`` workers (0: in-process), as a range.

    Low: the calibrated CPU time shared perfectly between the workers, plus a
    short start-up. High: the CPU time :data:`SLACK` times slower and spread
    over only half the workers (a shared machine rarely gives a sweep every
    core), plus a longer start-up.
    """
    scale, measured = calibration
    cpu = estimate(plan)[0] * scale
    w = max(workers, 1)
    start_low, start_high = START_UP if workers > 0 else (0.0, START_UP[0])
    low = cpu / w + start_low
    high = cpu * SLACK / max(1.0, w / 2) + start_high
    return TimeRange(low, high, cpu, scale, measured)
