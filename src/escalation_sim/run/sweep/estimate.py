"""Cost of a sweep plan."""

from __future__ import annotations

from collections.abc import Iterable

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
