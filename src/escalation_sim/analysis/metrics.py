"""Outcome metrics and their tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.analysis.pooled import cluster_interval
from escalation_sim.analysis.stats import CONFIDENCE, wilson_interval
from escalation_sim.store.results import bin_edges, bin_index, format_value


# ---------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class Metric:
    """One per-replication outcome and the statistic that summarises it."""

    name: str
    label: str  # what the number is, for tables
    unit: str
    statistic: str  # "proportion", "mean" or "median"
    values: Callable[[pd.DataFrame], np.ndarray]

    def of(self, runs: pd.DataFrame) -> float:
        """The statistic over a runs table."""
        v = self.values(runs)
        if len(v) == 0:
            return float("nan")
        return float(np.median(v)) if self.statistic == "median" else float(np.mean(v))


def _column(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda runs: runs[name].to_numpy(dtype=float)


METRICS: dict[str, Metric] = {
    "armed_incident": Metric(
        "armed_incident",
        "P(armed incident)",
        "probability",
        "proportion",
        lambda r: r["armed_incident"].to_numpy(dtype=float),
    ),
    "nonlethal_clash": Metric(
        "nonlethal_clash",
        "P(non-lethal clash)",
        "probability",
        "proportion",
        lambda r: (r["nonlethal_clashes"].to_numpy() > 0).astype(float),
    ),
    "max_rung": Metric(
        "max_rung", "median highest rung", "rung 0-6", "median", _column("max_rung")
    ),
    "sanctions_packages": Metric(
        "sanctions_packages",
        "mean new sanctions packages",
        "packages",
        "mean",
        _column("sanctions_packages"),
    ),
    "arrivals": Metric("arrivals", "mean migrant arrivals", "persons", "mean", _column("arrivals")),
}
COMPARE_METRICS = (
    "armed_incident",
    "nonlethal_clash",
    "max_rung",
    "sanctions_packages",
    "arrivals",
)

# Per-replication outcomes shown as distributions: column -> (axis label with unit).
DISTRIBUTIONS: dict[str, str] = {
    "max_rung": "Highest rung reached (escalation ladder, 0-6)",
    "sanctions_packages": "New sanctions packages adopted (count)",
    "arrivals": "Migrant arrivals over the horizon (persons)",
    "stranded_peak": "Peak stranded between the lines (persons)",
}

# Time-to-event outcomes: name -> (runs column of the first day, label).
FIRST_EVENTS: dict[str, tuple[str, str]] = {
    "armed_incident": ("first_armed_incident_day", "armed incident"),
    "nonlethal_clash": ("first_nonlethal_clash_day", "non-lethal clash"),
}


def risk_table(
    runs: pd.DataFrame,
    param: str,
    outcome: str = "armed_incident",
    by: str | None = None,
    bins: int = 6,
    max_levels: int = 12,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """P(outcome) against a swept parameter, with intervals that respect the pooling.

    With at most ``max_levels`` distinct values of ``param`` each value is a
    row; otherwise replications are pooled into ``bins`` bins of about equal
    counts and ``x`` is the mean parameter value in the bin (a marginal curve,
    averaged over the other parameters). With ``by``, one curve per value of
    that parameter (column ``by_value``). A row that pools several design
    points (column ``points``) gets a cluster-bootstrap interval over them
    (:func:`~escalation_sim.analysis.pooled.cluster_interval`); a row of one
    design point, Wilson's.
    """
    hit = METRICS[outcome].values(runs).astype(bool)
    cluster = _clusters(runs)
    x = runs[param].to_numpy(dtype=float)
    levels = np.unique(x)
    if len(levels) <= max_levels:
        key = x
        binned = False
    else:
        key = bin_index(x, bin_edges(x, bins)).astype(float)
        binned = True
    frame = pd.DataFrame({"key": key, "x": x, "hit": hit, "cluster": cluster})
    frame["by_value"] = runs[by].to_numpy() if by is not None else 0
    rows = []
    for (bv, _k), part in frame.groupby(["by_value", "key"], sort=True):
        pr = cluster_interval(
            part["hit"].to_numpy(), part["cluster"].to_numpy(), confidence=confidence
        )
        rows.append(
            {
                "by_value": bv if by is not None else None,
                "x": float(part["x"].mean()),
                "x_low": float(part["x"].min()),
                "x_high": float(part["x"].max()),
                "replications": pr["n"],
                "events": pr["k"],
                "p": pr["p"],
                "low": pr["low"],
                "high": pr["high"],
                "points": pr["clusters"],
                "spread": pr["spread"],
                "binned": binned,
            }
        )
    return pd.DataFrame(rows)


def _clusters(runs: pd.DataFrame) -> np.ndarray:
    """The design point of each replication (all one cluster outside a sweep)."""
    if "design_point" in runs.columns:
        return runs["design_point"].to_numpy()
    return np.zeros(len(runs), dtype=int)


def count_shares_with_ci(
    values: np.ndarray, confidence: float = CONFIDENCE, support: Sequence[int] | None = None
) -> pd.DataFrame:
    """Share of replications at each integer value, with Wilson intervals."""
    v = np.asarray(values, dtype=int)
    support = list(support) if support is not None else list(range(v.min(), v.max() + 1))
    n = len(v)
    rows = []
    for value in support:
        k = int((v == value).sum())
        lo, hi = wilson_interval(k, n, confidence)
        rows.append(
            {"value": value, "k": k, "n": n, "p": k / n if n else np.nan, "low": lo, "high": hi}
        )
    return pd.DataFrame(rows)


def heatmap_table(
    runs: pd.DataFrame,
    x: str,
    y: str,
    outcome: str = "armed_incident",
    bins: int = 5,
    max_levels: int = 8,
    confidence: float = CONFIDENCE,
) -> dict[str, Any]:
    """P(outcome) over two swept parameters: cells of levels (or quantile bins).

    Returns ``p``, ``low``, ``high``, ``n``, ``k`` and ``points`` (design
    points pooled in the cell) as (len(y levels), len(x levels)) arrays, and the
    tick labels of both axes. Intervals as in :func:`risk_table`: a cluster
    bootstrap over the design points of a cell that pools several.
    """
    hit = METRICS[outcome].values(runs).astype(bool)
    cluster = _clusters(runs)
    axes = {}
    for name in (x, y):
        v = runs[name].to_numpy(dtype=float)
        levels = np.unique(v)
        if len(levels) <= max_levels:
            idx = np.searchsorted(levels, v)
            ticks = [format_value(lv) for lv in levels]
        else:
            edges = bin_edges(v, bins)
            idx = bin_index(v, edges)
            ticks = [
                f"{format_value(edges[i])}-{format_value(edges[i + 1])}"
                for i in range(len(edges) - 1)
            ]
        axes[name] = (idx, ticks)
    (ix, xt), (iy, yt) = axes[x], axes[y]
    shape = (len(yt), len(xt))
    n = np.zeros(shape, int)
    k = np.zeros(shape, int)
    np.add.at(n, (iy, ix), 1)
    np.add.at(k, (iy, ix), hit.astype(int))
    p = np.full(shape, np.nan)
    low = np.full(shape, np.nan)
    high = np.full(shape, np.nan)
    points = np.zeros(shape, int)
    for i, j in zip(*np.nonzero(n), strict=True):
        inside = (iy == i) & (ix == j)
        pr = cluster_interval(hit[inside], cluster[inside], confidence=confidence)
        p[i, j], low[i, j], high[i, j], points[i, j] = (
            pr["p"],
            pr["low"],
            pr["high"],
            pr["clusters"],
        )
    return {
        "p": p,
        "low": low,
        "high": high,
        "n": n,
        "k": k,
        "points": points,
        "x_ticks": xt,
        "y_ticks": yt,
    }
