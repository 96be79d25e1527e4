"""A statistical baseline fitted only on observations before the forecast date.

What a forecaster without the model would say, scored on the same items:

* flows (arrivals, pushbacks) per border: a log-linear trend in the daily rate fitted to
  the border's periods before the forecast date (each period's total with its length as
  exposure, at its midpoint), negative binomial (statsmodels ``NegativeBinomial``, the
  dispersion estimated; a Poisson GLM when that fit does not converge) with three periods
  or more, else a constant Poisson rate; a
  border without an earlier period has no baseline;
* events (armed incidents per border, sanctions packages per sanctioner): a constant
  daily hazard (k + 1/2) / T from the k occurrences in the T days observed before the
  forecast date (the 1/2 keeps "none so far" from meaning "never"); counts are
  Poisson, the first occurrence geometric.

Rows that contain another row of the same actor and quantity (running totals) are left
out of a fit so that no day counts twice. Every prediction is a sample of ``SAMPLES``
draws from a generator seeded by the caller, scored like the model's ensemble.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

from escalation_sim.analysis.items import COMPLETE_LISTS, Item
from escalation_sim.config.observed import Observation, ObservedRecord

SAMPLES = 4000
HAZARD_QUANTITIES = ("armed_incidents", "sanctions_packages")


@dataclass(frozen=True)
class Fit:
    """A fitted daily rate: exp(a + b * (day - forecast date)), NB dispersion alpha."""

    a: float
    b: float
    alpha: float  # 0 = Poisson
    rows: int
    latest: dt.date  # the latest observation date the fit used

    def rate(self, days: np.ndarray) -> np.ndarray:
        """Expected count on each day (days relative to the forecast date)."""
        return np.exp(self.a + self.b * days)


def _finest(rows: list[Observation]) -> list[Observation]:
    """Rows that contain no other row (running totals out)."""

    def contains(r: Observation, s: Observation) -> bool:
        return r is not s and r.start <= s.start and s.end <= r.end

    return [r for r in rows if not any(contains(r, s) for s in rows)]


def _rows(record: ObservedRecord, column: str, before: dt.date) -> list[Observation]:
    quantity, actor = column.split(":", 1)
    return [
        r for r in record.rows if r.quantity == quantity and r.actor == actor and r.end < before
    ]


def fit_trend(record: ObservedRecord, column: str, forecast: dt.date) -> Fit | None:
    """Trend of a flow's daily rate from the rows before ``forecast`` (None if none)."""
    rows = _finest(_rows(record, column, forecast))
    if not rows:
        return None
    y = np.array([r.value for r in rows], float)
    days = np.array([(r.end - r.start).days + 1 for r in rows], float)
    latest = max(r.end for r in rows)
    if len(rows) >= 3:
        mid = np.array([((r.start - forecast).days + (r.end - forecast).days) / 2 for r in rows])
        fit = _negbin(y, days, mid) or _poisson(y, days, mid)
        if fit is not None:
            return Fit(fit[0], fit[1], fit[2], len(rows), latest)
    rate = max(y.sum(), 0.5) / days.sum()
    return Fit(float(np.log(rate)), 0.0, 0.0, len(rows), latest)


def _negbin(y: np.ndarray, days: np.ndarray, mid: np.ndarray) -> tuple[float, float, float] | None:
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    x = sm.add_constant(mid, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few rows: convergence is checked below
        try:
            res = NegativeBinomial(y, x, exposure=days).fit(disp=0, maxiter=200)
        except (ValueError, np.linalg.LinAlgError):
            return None
    a, b, alpha = (float(v) for v in res.params)
    if not res.mle_retvals.get("converged", False) or not np.isfinite([a, b, alpha]).all():
        return None
    return a, b, max(alpha, 0.0)


def _poisson(y: np.ndarray, days: np.ndarray, mid: np.ndarray) -> tuple[float, float, float] | None:
    """Poisson trend (no overdispersion to estimate, or the NB fit failed)."""
    import statsmodels.api as sm

    x = sm.add_constant(mid, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(y, x, family=sm.families.Poisson(), exposure=days).fit()
        except (ValueError, np.linalg.LinAlgError):
            return None
    a, b = (float(v) for v in res.params)
    return (a, b, 0.0) if np.isfinite([a, b]).all() else None


def fit_hazard(record: ObservedRecord, column: str, forecast: dt.date) -> Fit | None:
    """Constant daily hazard of an event from the days observed before ``forecast``."""
    quantity = column.split(":", 1)[0]
    rows = _finest(_rows(record, column, forecast))
    if quantity in COMPLETE_LISTS:
        listed = [r for r in record.rows if r.quantity == quantity and r.start < forecast]
        if not listed:
            return None
        first = min(r.start for r in listed)
        exposure = (forecast - first).days
        latest = max((r.end for r in rows), default=first)
    else:
        if not rows:
            return None
        days: set[dt.date] = set()
        for r in rows:
            days.update(r.start + dt.timedelta(days=i) for i in range((r.end - r.start).days + 1))
        exposure = len(days)
        latest = max(r.end for r in rows)
    k = sum(r.value for r in rows)
    rate = (k + 0.5) / max(exposure, 1)
    return Fit(float(np.log(rate)), 0.0, 0.0, len(rows), latest)


def fit_for(record: ObservedRecord, column: str, forecast: dt.date) -> Fit | None:
    """The baseline's fit of one series column: a hazard for events, a trend for flows."""
    if column.split(":", 1)[0] in HAZARD_QUANTITIES:
        return fit_hazard(record, column, forecast)
    return fit_trend(record, column, forecast)


def sample_item(fit: Fit, item: Item, forecast: dt.date, rng: np.random.Generator) -> np.ndarray:
    """``SAMPLES`` draws of the item under the fitted rate."""
    t = np.arange((item.first - forecast).days, (item.last - forecast).days + 1, dtype=float)
    mu = fit.rate(t)
    if item.kind == "date":  # day of the first occurrence, cut at the item's length
        p_day = 1 - np.exp(-mu)
        u = rng.random((SAMPLES, len(t)))
        hit = u < p_day
        return np.where(hit.any(axis=1), hit.argmax(axis=1), len(t)).astype(float)
    total = float(mu.sum())
    if fit.alpha > 0:
        n = 1 / fit.alpha
        counts = rng.negative_binomial(n, n / (n + total), SAMPLES).astype(float)
    else:
        counts = rng.poisson(total, SAMPLES).astype(float)
    if item.kind == "event":
        return (counts > 0).astype(float)
    return counts


class StatisticalBaseline:
    """Baseline predictions of items, fitted once per series column on earlier rows."""

    def __init__(self, record: ObservedRecord, forecast: dt.date, seed: int) -> None:
        self.record, self.forecast, self.seed = record, forecast, seed
        self.fits: dict[str, Fit | None] = {}

    def fit(self, column: str) -> Fit | None:
        """The column's fit (cached)."""
        if column not in self.fits:
            self.fits[column] = fit_for(self.record, column, self.forecast)
        return self.fits[column]

    def __call__(self, item: Item) -> np.ndarray | None:
        """The item's sample, or None when nothing before the forecast date informs it."""
        fit = self.fit(item.column)
        if fit is None:
            return None
        key = zlib.crc32(item.key.encode())  # the item's own stream, whatever else is scored
        rng = np.random.default_rng([self.seed, key])
        return sample_item(fit, item, self.forecast, rng)

    @property
    def latest(self) -> dt.date | None:
        """The latest observation date any fit used."""
        dates = [f.latest for f in self.fits.values() if f is not None]
        return max(dates) if dates else None
