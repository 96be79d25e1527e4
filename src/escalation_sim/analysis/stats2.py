"""Intervals for proportions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation_sim.analysis.stats import wilson_interval

CONFIDENCE = 0.95


# ---------------------------------------------------------------------- proportions
def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials (``binomtest(...).proportion_ci``)."""
    return wilson_interval(int(k), int(n), confidence)


def proportion(values: np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> dict[str, float]:
    """k, n, p and its Wilson interval for a boolean array."""
    v = np.asarray(values, dtype=bool)
    k, n = int(v.sum()), len(v)
    lo, hi = wilson(k, n, confidence)
    return {"k": k, "n": n, "p": k / n if n else float("nan"), "low": lo, "high": hi}


def dkw_band(n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the Dvoretzky-Kiefer-Wolfowitz confidence band of an ECDF."""
    return float(np.sqrt(np.log(2 / (1 - confidence)) / (2 * max(n, 1))))
