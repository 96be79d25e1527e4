"""Adaptive rounds: grow design points until an interval is narrow enough."""

from __future__ import annotations

import math

from escalation_sim.run.sweep.plan import ROUND_TO, Plan, Task, Unit, _units, pack


def wilson_half_width(k: int, n: int, z: float) -> float:
    """Half-width of the Wilson score interval of k successes in n trials."""
    return _half_at(k / n, n, z)


def _half_at(p: float, m: int, z: float) -> float:
    return z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


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
    z = _z(a.confidence)
    units: list[Unit] = []
    for d in range(len(plan.points)):
        k, n = counts[d]
        if n >= a.max or wilson_half_width(k, n, z) <= a.ci_half_width:
            continue
        p = k / n
        lo, hi = n + 1, a.max
        if _half_at(p, hi, z) > a.ci_half_width:
            need = hi
        else:
            while lo < hi:  # smallest m with half-width(p, m) <= target
                mid = (lo + hi) // 2
                if _half_at(p, mid, z) <= a.ci_half_width:
                    hi = mid
                else:
                    lo = mid + 1
            need = lo
        target = min(a.max, -(-need // ROUND_TO) * ROUND_TO)
        units.extend(_units(plan.experiment.seed, d, n, target))
    return pack(units, first_id, round_no, plan.point_variant, plan.experiment.task_size)
