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
CALIBRATION_SECONDS = 0.4  # the larger measured task is at most this long by the model above
START_UP = (1.0, 4.0)  # seconds to start local workers and consolidate, low and high
SLACK = 1.5  # high end: CPU can run this much slower (other work, memory, slow tasks)


@dataclass(frozen=True)
class Calibration:
    """What a short measurement here says about the cost model.

    ``scale``: seconds per modelled second of work that grows with a task's
    size; ``per_task``: seconds every task costs on top (building frames,
    writing Parquet); ``measured``: seconds the measurement took.
    """

    scale: float
    per_task: float
    measured: float


UNCALIBRATED = Calibration(1.0, 0.0, 0.0)


@dataclass(frozen=True)
class TimeRange:
    """Wall time of a sweep on this machine, as a range, and the CPU time behind it."""

    low: float
    high: float
    cpu: float  # calibrated CPU seconds


def calibrate(plan: Plan) -> Calibration:
    """Time two cut-down copies of the plan's first task here, small and larger.

    The difference between them gives the cost of the work that grows with a
    task (a multiple of the cost model), the small one what every task costs
    besides. A quick small one runs twice and the quicker counts, so that the
    first call's imports are not taken for work. Same scenario, parameters and
    per-task work as the sweep, on this machine as loaded now; nothing is written.
    """
    task = plan.tasks[0]
    units = list(task.units)
    k = 1
    while (
        k < min(4, len(units))
        and estimate(plan, [_with_units(task, units[: 2 * k])])[0] <= CALIBRATION_SECONDS
    ):
        k *= 2
    small, large = _with_units(task, units[:1]), _with_units(task, units[:k])
    started = time.perf_counter()
    t_small = _time_task(plan, small)
    if t_small < 1.0:  # the first call also imports; a second, warm one is cheap here
        t_small = min(t_small, _time_task(plan, small))
    t_large = _time_task(plan, large) if k > 1 else t_small
    measured = time.perf_counter() - started
    m_small, m_large = estimate(plan, [small])[0], estimate(plan, [large])[0]
    if k > 1 and t_large > t_small and m_large > m_small:
        scale = (t_large - t_small) / (m_large - m_small)
        return Calibration(scale, max(0.0, t_small - scale * m_small), measured)
    return Calibration(t_large / m_large if m_large > 0 else 1.0, 0.0, measured)


def _time_task(plan: Plan, task: Task) -> float:
    from escalation_sim.run.sweep.tasks import _payload, run_task

    started = time.perf_counter()
    run_task(_payload(plan, task))
    return time.perf_counter() - started


def _with_units(task: Task, units: list) -> Task:
    return dataclasses.replace(task, units=tuple(units))


def time_range(plan: Plan, workers: int, calibration: Calibration = UNCALIBRATED) -> TimeRange:
    """Wall time of the whole plan with ``workers`` workers (0: in-process), as a range.

    CPU time: the cost model times the calibrated scale plus the per-task cost
    for every task. Low: that shared perfectly between the workers, plus a short
    start-up. High: :data:`SLACK` times the CPU time on only half the workers (a
    shared machine rarely gives a sweep every core), plus a longer start-up.
    """
    c = calibration
    cpu = estimate(plan)[0] * c.scale + c.per_task * len(plan.tasks)
    w = max(workers, 1)
    start_low, start_high = START_UP if workers > 0 else (0.0, START_UP[0])
    low = cpu / w + start_low
    high = cpu * SLACK / max(1.0, w / 2) + start_high
    return TimeRange(low, high, cpu)
