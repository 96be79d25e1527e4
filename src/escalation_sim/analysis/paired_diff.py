"""Paired differences."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.analysis.metrics import COMPARE_METRICS, METRICS
from escalation_sim.analysis.stats import CONFIDENCE


# ---------------------------------------------------------------------- paired comparison
def paired_differences(
    a: pd.DataFrame,
    b: pd.DataFrame,
    metrics: Sequence[str] = COMPARE_METRICS,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Differences B - A of each metric, with a paired bootstrap percentile interval.

    Replication ``i`` of A and of B ran from the same seeds (common random
    numbers), so the pairs (A_i, B_i) are resampled together: ``n_boot``
    resamples of the replication indices with a fixed ``seed``, the statistic
    computed on A and B of each resample, the interval read from the
    percentiles of the differences. For proportions, ``a_only``/``b_only``
    count the discordant pairs (event in A only, in B only).
    """
    a, b = _replication_pairs(a, b)
    n = len(a)
    values = {m: (METRICS[m].values(a), METRICS[m].values(b)) for m in metrics}
    boot = _bootstrap(values, n, n_boot, seed)
    alpha = 1 - confidence
    rows = [
        _difference_row(m, a, b, values[m], np.quantile(boot[m], [alpha / 2, 1 - alpha / 2]))
        for m in metrics
    ]
    out = pd.DataFrame(rows)
    out.attrs["method"] = (
        f"paired bootstrap: {n_boot} resamples of the {n} replication pairs (seed {seed}), "
        f"{confidence:.0%} percentile interval"
    )
    return out


def _replication_pairs(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A and B in replication order, row ``i`` of each a pair; at least two pairs."""
    a = a.sort_values("replication").reset_index(drop=True)
    b = b.sort_values("replication").reset_index(drop=True)
    if len(a) != len(b) or not np.array_equal(a["replication"], b["replication"]):
        raise ValueError("paired comparison needs the same replications in A and B")
    if len(a) < 2:
        raise ValueError("paired comparison needs at least two replications")
    return a, b


def _bootstrap(
    values: dict[str, tuple[np.ndarray, np.ndarray]], n: int, n_boot: int, seed: int
) -> dict[str, np.ndarray]:
    """``n_boot`` resampled differences B - A per metric, all metrics on the same resamples."""
    rng = np.random.default_rng(seed)
    boot = {m: np.empty(n_boot) for m in values}
    chunk = max(1, min(n_boot, 2_000_000 // n))  # resamples per block: ~2M indices at most
    for first in range(0, n_boot, chunk):
        size = min(chunk, n_boot - first)
        idx = rng.integers(0, n, size=(size, n))
        for m, (va, vb) in values.items():
            if METRICS[m].statistic == "median":
                d = np.median(vb[idx], axis=1) - np.median(va[idx], axis=1)
            else:
                d = (vb - va)[idx].mean(axis=1)
            boot[m][first : first + size] = d
    return boot


def _difference_row(
    m: str,
    a: pd.DataFrame,
    b: pd.DataFrame,
    values: tuple[np.ndarray, np.ndarray],
    interval: np.ndarray,
) -> dict[str, Any]:
    """One metric's row: A, B, B - A with its interval, and the pairs that differ."""
    metric = METRICS[m]
    va, vb = values
    est_a, est_b = metric.of(a), metric.of(b)
    lo, hi = interval
    row = {
        "metric": m,
        "label": metric.label,
        "unit": metric.unit,
        "a": est_a,
        "b": est_b,
        "difference": est_b - est_a,
        "low": float(lo),
        "high": float(hi),
        "changed_pairs": int((va != vb).sum()),
    }
    if metric.statistic == "proportion":
        row["a_only"] = int(((va == 1) & (vb == 0)).sum())
        row["b_only"] = int(((va == 0) & (vb == 1)).sum())
    row["detected"] = bool(not (lo <= 0 <= hi))
    return row
