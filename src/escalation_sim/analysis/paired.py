"""Paired statistics of two scenarios under common random numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from escalation_sim.analysis.stats import z_value

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
