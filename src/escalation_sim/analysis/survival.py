"""Time to the first incident: Kaplan-Meier estimates."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from escalation_sim.analysis.metrics import FIRST_EVENTS
from escalation_sim.analysis.stats import CONFIDENCE
from escalation_sim.store.results import Group


# ---------------------------------------------------------------------- survival
@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier estimate of P(no event by the end of day t), with a band.

    ``day`` are the day indices (0 = start) at which the estimate steps;
    between steps it is constant; before the first step it is 1.
    """

    day: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int
    events: int
    horizon: int  # days simulated; replications without an event are censored at the last day
    confidence: float = CONFIDENCE

    def at(self, day: float) -> float:
        """Estimated P(no event on days 0..day)."""
        i = np.searchsorted(self.day, day, side="right") - 1
        return 1.0 if i < 0 else float(self.survival[i])

    @property
    def risk(self) -> float:
        """P(event within the horizon) = 1 - S(last day)."""
        return 1.0 - self.at(self.horizon - 1)

    @property
    def median_day(self) -> float:
        """First day by which half the replications had the event (NaN if never)."""
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.day[below[0]]) if len(below) else float("nan")


def kaplan_meier(
    first_day: np.ndarray | pd.Series, horizon: int, confidence: float = CONFIDENCE
) -> KaplanMeier:
    """Kaplan-Meier estimate of the time to a first event.

    ``first_day`` is the day index (0-based) of each replication's first
    event, NaN where it never happened; those replications are right-censored
    at the last simulated day ``horizon - 1``. An event on the last day counts
    before censoring, so ``1 - S(horizon - 1)`` equals the share with an event.
    The band is scipy's log-log Greenwood interval; where the estimate is 0
    the band is 0 (the formula is undefined there).
    """
    t = np.asarray(first_day, dtype=float)
    observed = t[~np.isnan(t)]
    n = len(t)
    if n == 0:
        raise ValueError("no replications")
    if len(observed) and (observed.min() < 0 or observed.max() > horizon - 1):
        raise ValueError(f"event days must lie in 0 .. {horizon - 1}")
    if len(observed) == 0:
        empty = np.array([], dtype=float)
        return KaplanMeier(empty, empty, empty, empty, n, 0, horizon, confidence)
    censored = np.full(n - len(observed), horizon - 1, dtype=float)
    res = stats.ecdf(stats.CensoredData(uncensored=observed, right=censored))
    sf = res.sf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where S = 0; handled below
        ci = sf.confidence_interval(confidence, method="log-log")
    day = np.asarray(sf.quantiles, dtype=float)
    s = np.asarray(sf.probabilities, dtype=float)
    low = np.asarray(ci.low.probabilities, dtype=float)
    high = np.asarray(ci.high.probabilities, dtype=float)
    zero = s <= 0
    low = np.where(zero, 0.0, low)
    high = np.where(zero, 0.0, high)
    keep = np.isin(day, np.unique(observed))  # steps only at event days, not at censoring
    return KaplanMeier(
        day[keep], s[keep], low[keep], high[keep], n, len(observed), horizon, confidence
    )


def survival_of(group: Group, event: str = "armed_incident") -> KaplanMeier:
    """Kaplan-Meier estimate of the first ``event`` (see :data:`FIRST_EVENTS`) of a group."""
    column, _label = FIRST_EVENTS[event]
    return kaplan_meier(group.runs[column].to_numpy(dtype=float), group.days)
