"""Intervals: the one Wilson interval, its planning form, normal quantiles, ECDF bands.

Every proportion the tool reports carries a Wilson score interval computed
here (``scipy.stats.binomtest(...).proportion_ci``). Adaptive sweeps plan how
many replications a design point still needs with the closed form of the same
interval at a proportion that need not be k/n of whole counts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def z_value(confidence: float = CONFIDENCE) -> float:
    """Two-sided standard normal quantile: 1.96 for 95%."""
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials; (nan, nan) when n is 0."""
    if n == 0:
        return (float("nan"), float("nan"))
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence, method="wilson")
    return float(ci.low), float(ci.high)


def wilson_half_width(p: float, n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width the Wilson interval has at proportion ``p`` after ``n`` trials.

    Equals half of :func:`wilson_interval`'s width when ``p = k / n``; for
    planning it is also defined at proportions that are not whole counts.
    """
    z = z_value(confidence)
    return z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)


def wilson_arrays(
    k: np.ndarray, n: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals of many proportions at once (closed form; NaN where n is 0).

    The same interval as :func:`wilson_interval`, for daily series.
    """
    k, n = np.asarray(k, float), np.asarray(n, float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = np.where(k <= 0, 0.0, np.clip(centre - half, 0, 1))  # exact ends, no rounding dust
    high = np.where(k >= n, 1.0, np.clip(centre + half, 0, 1))
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def proportion(values: np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> dict[str, float]:
    """k, n, p and its Wilson interval for a boolean array."""
    v = np.asarray(values, dtype=bool)
    k, n = int(v.sum()), len(v)
    lo, hi = wilson_interval(k, n, confidence)
    return {"k": k, "n": n, "p": k / n if n else float("nan"), "low": lo, "high": hi}


def dkw_band(n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the Dvoretzky-Kiefer-Wolfowitz confidence band of an ECDF."""
    return float(np.sqrt(np.log(2 / (1 - confidence)) / (2 * max(n, 1))))
