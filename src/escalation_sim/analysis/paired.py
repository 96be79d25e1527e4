"""Paired comparison of scenarios run with common random numbers.

Replication ``i`` of every scenario of a comparison ran from the same seeds, so
outcomes are compared pair by pair. This module owns both uses of the pairs:

* one-sided tests of one outcome between a base and another scenario, judged
  by significance and a minimum effect size (:class:`Paired`,
  :func:`paired_proportion`, :func:`paired_mean`; the article's claims), and
  the per-replication outcomes they test (:func:`blame_gap`, :func:`window_mean`);
* the differences of every compared metric between scenarios, with a paired
  bootstrap percentile interval (:func:`paired_differences`, :func:`differences`;
  the ``compare`` command, its ``differences.csv`` and the report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from escalation_sim.analysis.metrics import COMPARE_METRICS, METRICS
from escalation_sim.analysis.stats import CONFIDENCE, z_value
from escalation_sim.store.results import Results

Direction = Literal["less", "greater"]
ALPHA = 0.01
MIN_POINTS = 0.05
MIN_RELATIVE = 0.05
MIN_D = 0.2


@dataclass(frozen=True)
class Paired:
    """One outcome compared between a base and another scenario, replication by replication.

    ``difference`` is other minus base (a difference of proportions or of means),
    ``ci`` its 95% confidence interval, ``p_value`` one-sided in the direction
    ``alternative`` ("less": the other scenario is lower), ``base_sd`` the spread
    of the outcome between replications of the base scenario.
    """

    outcome: str
    test: str
    n: int
    base: float
    other: float
    difference: float
    ci: tuple[float, float]
    p_value: float
    alternative: Direction
    base_sd: float

    @property
    def relative(self) -> float:
        """Difference as a share of the base value (NaN if the base is 0)."""
        return self.difference / abs(self.base) if self.base else float("nan")

    @property
    def standardized(self) -> float:
        """Cohen's d: the difference in units of the base's spread between replications."""
        return self.difference / self.base_sd if self.base_sd > 0 else float("nan")

    @property
    def is_proportion(self) -> bool:
        """True for a yes/no outcome (McNemar), False for a count or level."""
        return self.test.startswith("McNemar")

    def shortfalls(self) -> list[str]:
        """Why the predicted effect is not shown (empty when it is)."""
        sign = -1 if self.alternative == "less" else 1
        out = []
        if not self.p_value < ALPHA:
            out.append(f"p = {self.p_value:.2g} is not below {ALPHA}")
        if self.is_proportion:
            if not sign * self.difference >= MIN_POINTS:
                out.append(f"moves {self.difference:+.3f}, not {sign * MIN_POINTS:+.2f} or more")
        else:
            if not sign * self.relative >= MIN_RELATIVE:
                out.append(
                    f"moves {self.relative:+.1%} of the base, not {sign * MIN_RELATIVE:+.0%}"
                )
            if not sign * self.standardized >= MIN_D:
                out.append(f"d = {self.standardized:+.2f}, not {sign * MIN_D:+.1f} or beyond")
        return out

    def holds(self) -> bool:
        """The predicted direction, significant, with at least the minimum effect size."""
        return not self.shortfalls()

    def __str__(self) -> str:
        lo, hi = self.ci
        return (
            f"{self.outcome}: {self.base:.4g} -> {self.other:.4g} "
            f"(difference {self.difference:+.4g}, 95% CI {lo:+.4g} .. {hi:+.4g}, "
            f"{self.relative:+.1%} of the base, d = {self.standardized:+.2f}; "
            f"{self.test}, one-sided p = {self.p_value:.2g}, n = {self.n})"
        )


def _pairs(base: ArrayLike, other: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(base), np.asarray(other)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired outcomes need equal 1-d shapes, got {a.shape} and {b.shape}")
    if len(a) == 0:
        raise ValueError("no pairs to compare")
    return a, b


def paired_proportion(
    base: ArrayLike, other: ArrayLike, outcome: str, alternative: Direction = "less"
) -> Paired:
    """McNemar's exact test of P(outcome) in ``other`` against ``base`` (paired booleans)."""
    a, b = _pairs(base, other)
    a, b = a.astype(bool), b.astype(bool)
    n = len(a)
    falls = int((a & ~b).sum())  # only the base has it
    rises = int((~a & b).sum())  # only the other has it
    k = falls if alternative == "less" else rises
    p = stats.binomtest(k, falls + rises, 0.5, alternative="greater").pvalue if k else 1.0
    diff = (rises - falls) / n
    # Wald interval for a difference of paired proportions.
    se = np.sqrt(max((falls + rises) - (rises - falls) ** 2 / n, 0.0)) / n
    return Paired(
        outcome,
        "McNemar exact",
        n,
        float(a.mean()),
        float(b.mean()),
        diff,
        (diff - z_value() * se, diff + z_value() * se),
        float(p),
        alternative,
        float(np.sqrt(a.mean() * (1 - a.mean()))),
    )


def paired_mean(
    base: ArrayLike, other: ArrayLike, outcome: str, alternative: Direction = "less"
) -> Paired:
    """Wilcoxon signed-rank test of a per-replication outcome in ``other`` against ``base``.

    Pairs where either value is NaN (e.g. a blame gap without any ambiguous
    incident) are left out.
    """
    a, b = _pairs(base, other)
    a, b = a.astype(float), b.astype(float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = len(a)
    d = b - a
    if n == 0:
        raise ValueError(f"{outcome}: no pair without missing values")
    p = stats.wilcoxon(d, alternative=alternative).pvalue if np.any(d != 0) else 1.0
    mean = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return Paired(
        outcome,
        "Wilcoxon signed-rank",
        n,
        float(a.mean()),
        float(b.mean()),
        mean,
        (mean - z_value() * se, mean + z_value() * se),
        float(p),
        alternative,
        float(a.std(ddof=1)) if n > 1 else float("nan"),
    )


def blame_gap(runs: pd.DataFrame) -> np.ndarray:
    """Per replication: blamed share minus caused share of ambiguous incidents.

    NaN where a replication had no ambiguous incident.
    """
    amb = runs["ambiguous_incidents"].to_numpy(float)
    gap = runs["blamed_on_instigator"].to_numpy(float) - runs["caused_by_instigator"].to_numpy(
        float
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(amb > 0, gap / amb, np.nan)


def pooled_blame_gap(runs: pd.DataFrame) -> float:
    """Blame gap over all ambiguous incidents of all replications (as in the summary)."""
    amb = runs["ambiguous_incidents"].sum()
    if not amb:
        return float("nan")
    return float((runs["blamed_on_instigator"].sum() - runs["caused_by_instigator"].sum()) / amb)


def window_mean(
    traces: pd.DataFrame, column: str, start: dt.date | str, end: dt.date | str
) -> pd.Series:
    """Per kept replication: mean of a daily trace column over ``start`` .. ``end`` (inclusive)."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    rows = traces[(traces["date"] >= lo) & (traces["date"] <= hi)]
    if rows.empty:
        raise ValueError(f"no trace days between {lo.date()} and {hi.date()}")
    return rows.groupby("replication")[column].mean()


# ---------------------------------------------------------------------- differences of every metric
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


def differences(
    res: Results,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    metrics: Sequence[str] = COMPARE_METRICS,
) -> pd.DataFrame:
    """Paired differences of every scenario against the first (B - A, C - A, ...)."""
    groups = res.groups()
    base = groups[0]
    parts = []
    for other in groups[1:]:
        d = paired_differences(base.runs, other.runs, metrics, n_boot=n_boot, seed=seed)
        d.insert(0, "scenario_a", base.label)
        d.insert(1, "scenario_b", other.label)
        parts.append(d)
    out = pd.concat(parts, ignore_index=True)
    out.attrs["method"] = parts[0].attrs["method"]
    return out


def recorded_differences(res: Results, metrics: Sequence[str] = COMPARE_METRICS) -> pd.DataFrame:
    """The paired differences exactly as ``compare`` computed them for this folder.

    Same resamples (``manifest["bootstrap"]``, default 2000) and the
    comparison's master seed as the bootstrap seed, so the report and the
    figures show the numbers of ``differences.csv``.
    """
    n_boot = int(res.manifest.get("bootstrap", 2000))
    return differences(res, n_boot=n_boot, seed=res.seed or 0, metrics=metrics)


def risk_differences(res: Results) -> pd.DataFrame:
    """Paired differences of P(armed incident) and P(non-lethal clash) against the first scenario.

    As in ``compare``'s table (:func:`recorded_differences`).
    """
    return recorded_differences(res, ("armed_incident", "nonlethal_clash"))


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
