"""Adaptive rounds: grow design points until an interval is narrow enough."""

from __future__ import annotations

from escalation_sim.analysis.stats import wilson_half_width
from escalation_sim.run.sweep.plan import ROUND_TO, Plan, Task, Unit, _units, pack


def next_round(
    plan: Plan, counts: dict[int, tuple[int, int]], round_no: int, first_id: int
) -> list[Task]:
    """Tasks of the next adaptive round from ``counts`` {design point: (k, n)}.

    A design point whose Wilson interval half-width is still above the target
    (and that has fewer than ``max`` replications) grows to the smallest
    number of replications at which the half-width at its current proportion
    would reach the target, rounded up to whole blocks (at least one more
    replication, at most ``max``). Deterministic: same counts, same tasks.
    """
    a = plan.adaptive
    if a is None:
        return []
    units: list[Unit] = []
    for d in range(len(plan.points)):
        k, n = counts[d]
        if n >= a.max or wilson_half_width(k / n, n, a.confidence) <= a.ci_half_width:
            continue
        p = k / n
        lo, hi = n + 1, a.max
        if wilson_half_width(p, hi, a.confidence) > a.ci_half_width:
            need = hi
        else:
            while lo < hi:  # smallest m with half-width(p, m) <= target
                mid = (lo + hi) // 2
                if wilson_half_width(p, mid, a.confidence) <= a.ci_half_width:
                    hi = mid
                else:
                    lo = mid + 1
            need = lo
        target = min(a.max, -(-need // ROUND_TO) * ROUND_TO)
        units.extend(_units(plan.experiment.seed, d, n, target))
    return pack(units, first_id, round_no, plan.point_variant, plan.experiment.task_size)
