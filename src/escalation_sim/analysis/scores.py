"""Proper scores of ensemble forecasts against observed items, and skill against baselines.

A forecast is an ensemble: one value per replication (all replications count equally; an
ensemble run's replications already carry their parameter draws). Per item kind:

* **event** (happened by a date, 0/1): the forecast probability p is the share of members
  in which it happened. Brier score (p - y)^2 and log score -log p(y), with p kept inside
  [1/(2n), 1 - 1/(2n)] for n members (a finite ensemble cannot say "never").
* **count** (total over a period): CRPS (``scoringrules.crps_ensemble``, the exact "qd"
  estimator of the ensemble's distribution) and the mid PIT value
  (P(X < y) + P(X <= y)) / 2, uniform on average when the forecast is calibrated.
* **date** (days from the forecast date to the first occurrence, right-censored at the
  item's length L): members and observation are cut at L (a member without the event by
  L counts as L), then CRPS; a forecast that puts mass beyond L loses nothing when the
  event did not happen by L. Coverage of the central 50% and 90% intervals of the cut
  distribution.

Lower scores are better. Skill against a baseline is 1 - score / baseline score (1 is
perfect, 0 no better than the baseline, negative worse); over several items it is
1 - sum of scores / sum of baseline scores, per score, with bootstrap intervals.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scoringrules as sr

from escalation_sim.analysis.items import Item

SCORE_OF = {"event": "Brier", "count": "CRPS", "date": "CRPS"}
BOOTSTRAP = 2000  # resamples of items for an overall skill interval
ITEM_BOOTSTRAP = 200  # resamples of members for one item's skill interval


# ---------------------------------------------------------------------- the scores
def brier(p: float, y: float) -> float:
    """Brier score of probability ``p`` for outcome ``y`` (0 or 1)."""
    return float(sr.brier_score(np.asarray(float(y)), np.asarray(float(p))))


def log_score(p: float, y: float, n: int) -> float:
    """Negative log probability of the outcome, p kept inside [1/(2n), 1 - 1/(2n)]."""
    eps = 0.5 / max(n, 1)
    q = min(max(float(p), eps), 1 - eps)
    return float(-np.log(q if y else 1 - q))


def crps(members: np.ndarray, y: float) -> float:
    """CRPS of the ensemble ``members`` for the observed value ``y``."""
    return float(sr.crps_ensemble(np.asarray(float(y)), np.asarray(members, float)))


def crps_batch(members: np.ndarray, y: float) -> np.ndarray:
    """CRPS of each row of ``members`` (resampled ensembles) for one observed value."""
    obs = np.full(members.shape[0], float(y))
    return np.asarray(sr.crps_ensemble(obs, np.asarray(members, float)), float)


def mid_pit(members: np.ndarray, y: float) -> float:
    """Mid probability integral transform of ``y`` under the ensemble."""
    m = np.asarray(members, float)
    return float(((m < y).mean() + (m <= y).mean()) / 2)


def central(members: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` interval of the ensemble (lower and upper quantiles)."""
    a = (1 - level) / 2
    lo, hi = np.quantile(np.asarray(members, float), [a, 1 - a])
    return float(lo), float(hi)


# ---------------------------------------------------------------------- one item
def item_score(kind: str, members: np.ndarray, y: float) -> float:
    """The item's main score: Brier for events, CRPS for counts and (cut) dates."""
    if kind == "event":
        return brier(float(np.mean(members)), y)
    return crps(members, y)


def score_item(item: Item, members: np.ndarray) -> dict[str, object]:
    """One table row: the forecast's summary, the observation and the scores."""
    m = np.asarray(members, float)
    y = float(item.observed)
    row: dict[str, object] = {
        "item": item.key,
        "kind": item.kind,
        "column": item.column,
        "first": item.first,
        "last": item.last,
        "observed": y,
        "censored": item.censored,
        "members": len(m),
        "score_name": SCORE_OF[item.kind],
    }
    lo, hi = central(m, 0.9)
    row.update(median=float(np.median(m)), q05=lo, q95=hi)
    row.update(log_score=np.nan, pit=np.nan, covered50=np.nan, covered90=np.nan)
    if item.kind == "event":
        p = float(m.mean())
        row.update(median=p, q05=np.nan, q95=np.nan, score=brier(p, y))
        row["log_score"] = log_score(p, y, len(m))
    elif item.kind == "count":
        row.update(score=crps(m, y), pit=mid_pit(m, y))
    else:
        a50, b50 = central(m, 0.5)
        row.update(
            score=crps(m, y), covered50=float(a50 <= y <= b50), covered90=float(lo <= y <= hi)
        )
    return row


# ---------------------------------------------------------------------- members of a run
@dataclass
class ForecastSeries:
    """Every replication's daily series over the forecast days, by ``quantity:actor``."""

    start: object  # calendar date of the first forecast day (a datetime.date)
    arrays: dict[str, np.ndarray]  # column -> (replications, days)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, start: object) -> ForecastSeries:
        """From a results folder's series table (one row per replication and day)."""
        frame = frame.sort_values(["replication", "day"], kind="stable")
        n_rep = frame["replication"].nunique()
        days = len(frame) // max(n_rep, 1)
        cols = [c for c in frame.columns if ":" in c]
        arrays = {c: frame[c].to_numpy(float).reshape(n_rep, days) for c in cols}
        return cls(start, arrays)

    @property
    def days(self) -> int:
        """Forecast days held."""
        return next(iter(self.arrays.values())).shape[1] if self.arrays else 0

    def members(self, item: Item) -> np.ndarray:
        """Each replication's value of the item (count, 0/1, or days to the first, cut)."""
        a = (item.first - self.start).days
        b = (item.last - self.start).days + 1
        if item.column not in self.arrays:
            raise KeyError(item.column)
        x = self.arrays[item.column][:, a:b]
        return members_of(item.kind, x)


def members_of(kind: str, x: np.ndarray) -> np.ndarray:
    """Members of an item from daily values ``x`` (members, days of the item)."""
    if kind == "count":
        return x.sum(axis=1)
    if kind == "event":
        return (x.sum(axis=1) > 0).astype(float)
    hit = x > 0
    return np.where(hit.any(axis=1), hit.argmax(axis=1), x.shape[1]).astype(float)


# ---------------------------------------------------------------------- skill
def skill(score: float, baseline: float) -> float:
    """1 - score / baseline (NaN when the baseline scores 0 or either is missing)."""
    if not np.isfinite(score) or not np.isfinite(baseline) or baseline <= 0:
        return float("nan")
    return float(1 - score / baseline)


def item_skill_interval(
    kind: str,
    members: np.ndarray,
    base_members: np.ndarray,
    y: float,
    seed: int | list[int],
    resamples: int = ITEM_BOOTSTRAP,
) -> tuple[float, float]:
    """90% bootstrap interval of one item's skill, resampling both ensembles' members."""
    rng = np.random.default_rng(seed)
    m, b = np.asarray(members, float), np.asarray(base_members, float)
    mi = m[rng.integers(0, len(m), (resamples, len(m)))]
    bi = b[rng.integers(0, len(b), (resamples, len(b)))]
    if kind == "event":
        s = (mi.mean(axis=1) - y) ** 2
        t = (bi.mean(axis=1) - y) ** 2
    else:
        s, t = crps_batch(mi, y), crps_batch(bi, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        sk = np.where(t > 0, 1 - s / t, np.nan)
    sk = sk[np.isfinite(sk)]
    if len(sk) < resamples // 2:
        return float("nan"), float("nan")
    lo, hi = np.quantile(sk, [0.05, 0.95])
    return float(lo), float(hi)


def overall_skill(
    table: pd.DataFrame, baseline: str, seed: int, resamples: int = BOOTSTRAP
) -> pd.DataFrame:
    """Skill over items per score (event Brier, count CRPS, date CRPS) with 90% intervals.

    ``baseline`` names the table's column of baseline scores. Items without a baseline
    score are left out. The interval resamples items (with replacement).
    """
    rows = []
    rng = np.random.default_rng(seed)
    for kind in ("event", "count", "date"):
        sub = table[(table["kind"] == kind) & np.isfinite(table[baseline].astype(float))]
        s = sub["score"].to_numpy(float)
        b = sub[baseline].to_numpy(float)
        value = skill(float(s.sum()), float(b.sum())) if len(s) else float("nan")
        lo = hi = float("nan")
        if len(s) > 1:
            idx = rng.integers(0, len(s), (resamples, len(s)))
            ss, bb = s[idx].sum(axis=1), b[idx].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                sk = np.where(bb > 0, 1 - ss / bb, np.nan)
            sk = sk[np.isfinite(sk)]
            if len(sk):
                lo, hi = (float(v) for v in np.quantile(sk, [0.05, 0.95]))
        rows.append(
            {
                "kind": kind,
                "score_name": SCORE_OF[kind],
                "items": len(s),
                "score": float(s.sum()),
                "baseline_score": float(b.sum()),
                "skill": value,
                "skill_low": lo,
                "skill_high": hi,
            }
        )
    return pd.DataFrame(rows)


def score_table(
    items: list[Item],
    members: Callable[[Item], np.ndarray],
    baselines: dict[str, Callable[[Item], np.ndarray | None]],
    seed: int,
) -> pd.DataFrame:
    """One row per item: forecast, observation, score, each baseline's score and skill."""
    rows = []
    for item in items:
        m = members(item)
        row = score_item(item, m)
        for name, base in baselines.items():
            b = base(item)
            bs = item_score(item.kind, b, item.observed) if b is not None and len(b) else np.nan
            row[f"{name}_score"] = bs
            row[f"{name}_skill"] = skill(float(row["score"]), bs)  # type: ignore[arg-type]
            lo = hi = float("nan")
            if b is not None and len(b) and np.isfinite(row[f"{name}_skill"]):
                stream = [seed, zlib.crc32(item.key.encode())]  # the item's own resamples
                lo, hi = item_skill_interval(item.kind, m, b, item.observed, stream)
            row[f"{name}_skill_low"], row[f"{name}_skill_high"] = lo, hi
        rows.append(row)
    return pd.DataFrame(rows)
