"""Intervals for proportions pooled over design points (cluster bootstrap).

A bin of a risk curve or a cell of a heatmap over a Sobol/LHS sweep pools the
replications of several design points at which the other parameters differ.
Those replications are not independent draws of one proportion: each design
point has its own. A Wilson interval over all of them would only measure the
replication noise and come out hairline-thin while neighbouring bins differ by
far more. The interval here resamples the design points (the clusters) with
their replications, so the spread between points is part of it; it is never
narrower than the Wilson interval of the pooled counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation_sim.analysis.stats import CONFIDENCE, wilson_interval

N_BOOT = 2000


def cluster_interval(
    hit: np.ndarray,
    cluster: np.ndarray,
    *,
    n_boot: int = N_BOOT,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> dict[str, float]:
    """Pooled proportion of ``hit`` with an interval that resamples the clusters.

    ``cluster`` names the design point of each replication. With one cluster
    the interval is Wilson's; with several it is the percentile interval of a
    cluster bootstrap (``n_boot`` resamples of the clusters, fixed ``seed``)
    widened, where it is narrower, to the Wilson interval of the pooled counts.
    Returns k, n, p, low, high, clusters and the between-cluster standard
    deviation of the per-cluster proportions (``spread``, 0 for one cluster).
    """
    hit = np.asarray(hit, dtype=bool)
    frame = pd.DataFrame({"c": np.asarray(cluster), "k": hit.astype(int)})
    per = frame.groupby("c", sort=True)["k"].agg(["sum", "size"])
    k_c, n_c = per["sum"].to_numpy(float), per["size"].to_numpy(float)
    k, n, m = int(k_c.sum()), int(n_c.sum()), len(per)
    lo, hi = wilson_interval(k, n, confidence)
    out = {"k": k, "n": n, "p": k / n if n else float("nan"), "low": lo, "high": hi}
    out["clusters"] = m
    out["spread"] = float(np.std(k_c / n_c, ddof=1)) if m > 1 else 0.0
    if m > 1:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, m, size=(n_boot, m))
        boot = k_c[idx].sum(axis=1) / n_c[idx].sum(axis=1)
        alpha = 1 - confidence
        b_lo, b_hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
        out["low"], out["high"] = min(lo, float(b_lo)), max(hi, float(b_hi))
    return out


def interval_method(clusters: int) -> str:
    """How :func:`cluster_interval` computed an interval over ``clusters`` design points."""
    if clusters <= 1:
        return "Wilson 95%"
    return "95% cluster bootstrap over design points"


def overlaps_all_neighbours(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Cells of a grid whose interval overlaps the interval of every neighbour.

    Neighbours share an edge; cells without data (NaN) are neither marked nor
    counted as neighbours; a cell with no neighbour with data is not marked.
    Marked cells differ from none of their neighbours beyond the uncertainty.
    """
    low, high = np.asarray(low, float), np.asarray(high, float)
    ny, nx = low.shape
    out = np.zeros((ny, nx), dtype=bool)
    for i in range(ny):
        for j in range(nx):
            if not np.isfinite(low[i, j]):
                continue
            near = [
                (a, b)
                for a, b in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1))
                if 0 <= a < ny and 0 <= b < nx and np.isfinite(low[a, b])
            ]
            out[i, j] = bool(near) and all(
                low[i, j] <= high[a, b] and low[a, b] <= high[i, j] for a, b in near
            )
    return out
