"""Records a run keeps: mergeable daily summaries and event logs.

Daily output must not grow with replications: rung counts per day are exact
integers and the continuous series are kept as fixed-bin histograms per day,
from which quantiles are read at the end. Histograms from separate blocks,
chunks or sweep tasks add up, so quantiles over all replications come out the
same however the work was split.

Owns how records are stored and turned into frames; ``model`` decides what a day adds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

from escalation_sim.config.ladder import MOVES, N_RUNGS
from escalation_sim.engine.rules import FRONTLINE_GOLDSTEIN, INSTIGATOR_GOLDSTEIN
from escalation_sim.engine.state import Today

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
N_BINS = 1000  # resolution: 0.001 on [0, 1]; 1.6% relative for counts
COUNT_MAX = 1e7  # upper end of the log-spaced bins for count series
_LOG_SCALE = N_BINS / np.log1p(COUNT_MAX)

# Daily series: name -> kind ("unit": values in [0, 1]; "count": >= 0; "int": integers >= 0).
SERIES: dict[str, str] = {
    "tension": "unit",  # mean over borders of mutual perceived threat
    "clash_hazard": "unit",  # P(a clash somewhere today)
    "sanctions_level": "int",  # packages in force, all sanctioners
    "arrivals": "count",  # cumulative migrant arrivals, all borders
    "stranded": "count",  # migrants stranded between the lines, all borders
    "reputation": "unit",  # instigator pariah reputation
    "domestic_support": "unit",  # instigator domestic support
    "frontline_posture": "unit",  # mean frontline force posture
    "instigator_posture": "unit",  # mean instigator force posture (exercise included)
    "valve": "unit",  # migrant valve opening
    "in_belarus": "count",  # people waiting in Belarus to be brought to a border
    "attempts": "count",  # crossing attempts today (repeats included), all borders
    "route_cut": "unit",  # share of the route origin states and carriers have cut
}
# Per border and day, as border guards count them (daily means in the summary).
BORDER_COUNTS = ("attempts", "pushbacks", "entries", "stranded")
SERIES_NAMES = list(SERIES)
_IS_COUNT = np.array([SERIES[s] in ("count", "int") for s in SERIES_NAMES])
_IS_INT = np.array([SERIES[s] == "int" for s in SERIES_NAMES])


_UNIT_ROWS = np.flatnonzero(~_IS_COUNT)
_COUNT_ROWS = np.flatnonzero(_IS_COUNT)


def to_bins(values: np.ndarray) -> np.ndarray:
    """(n_series, R) values -> bin indices, linear on [0, 1] or log1p for counts."""
    idx = np.empty(values.shape, np.int64)
    unit = values[_UNIT_ROWS]
    np.clip(unit, 0, 1, out=unit)
    unit *= N_BINS
    idx[_UNIT_ROWS] = unit
    count = values[_COUNT_ROWS]
    np.maximum(count, 0, out=count)
    np.log1p(count, out=count)
    idx[_COUNT_ROWS] = count * _LOG_SCALE  # float64, as _LOG_SCALE is
    return np.minimum(idx, N_BINS - 1, out=idx)


def from_bins(series: int, position: np.ndarray) -> np.ndarray:
    """Fractional bin position -> value (inverse of :func:`to_bins`)."""
    if _IS_INT[series]:  # integer data: the quantile is the integer in that bin
        return np.round(np.expm1(np.floor(position) / _LOG_SCALE + 0.5 / _LOG_SCALE))
    if _IS_COUNT[series]:
        return np.expm1(position / _LOG_SCALE)
    return position / N_BINS


@dataclass
class DailySummary:
    """Mergeable per-day summary over any number of replications."""

    start: dt.date
    dyads: list[str]
    rung_counts: np.ndarray  # (days, 1 + F, 7) int64: overall max rung, then each border
    hist: np.ndarray  # (days, n_series, N_BINS) int32
    sums: np.ndarray  # (days, n_series) float64: exact daily means = sums / replications
    border: np.ndarray | None = None  # (days, len(BORDER_COUNTS), F) float64 sums, if kept

    @classmethod
    def empty(cls, start: dt.date, dyads: list[str], days: int) -> DailySummary:
        """A summary of zero replications."""
        return cls(
            start,
            list(dyads),
            np.zeros((days, 1 + len(dyads), N_RUNGS), np.int64),
            np.zeros((days, len(SERIES), N_BINS), np.int32),
            np.zeros((days, len(SERIES)), np.float64),
            np.zeros((days, len(BORDER_COUNTS), len(dyads)), np.float64),
        )

    def add_day(
        self, day: int, rungs: np.ndarray, values: np.ndarray, border: np.ndarray | None = None
    ) -> None:
        """Count one day: ``rungs`` (1 + F, R) ints 0..6, ``values`` (n_series, R).

        ``border``: (len(BORDER_COUNTS), F, R) per-border counts of the day.
        """
        k = rungs.shape[0]
        flat = (np.arange(k)[:, None] * N_RUNGS + rungs).ravel()
        self.rung_counts[day] += np.bincount(flat, minlength=k * N_RUNGS).reshape(k, N_RUNGS)
        n = values.shape[0]
        flat = (np.arange(n)[:, None] * N_BINS + to_bins(values)).ravel()
        self.hist[day] += np.bincount(flat, minlength=n * N_BINS).reshape(n, N_BINS)
        self.sums[day] += values.sum(axis=1, dtype=np.float64)
        if border is not None and self.border is not None:
            self.border[day] += border.sum(axis=-1, dtype=np.float64)

    def merge(self, other: DailySummary) -> DailySummary:
        """Sum of two summaries over disjoint replications."""
        return DailySummary(
            self.start,
            self.dyads,
            self.rung_counts + other.rung_counts,
            self.hist + other.hist,
            self.sums + other.sums,
            None if self.border is None or other.border is None else self.border + other.border,
        )

    @property
    def replications(self) -> int:
        """Number of replications counted."""
        return int(self.rung_counts[0, 0].sum())

    def quantiles(self, qs: tuple[float, ...] = QUANTILES) -> np.ndarray:
        """(days, n_series, len(qs)) quantiles read off the histograms (within one bin)."""
        days, n, _nb = self.hist.shape
        out = np.full((days, n, len(qs)), np.nan)
        cum = np.cumsum(self.hist, axis=2)
        total = cum[:, :, -1]
        for j, q in enumerate(qs):
            target = q * total
            b = np.argmax(cum >= target[:, :, None], axis=2)
            before = (
                np.take_along_axis(cum, b[:, :, None], 2)[:, :, 0]
                - np.take_along_axis(self.hist, b[:, :, None], 2)[:, :, 0]
            )
            width = np.take_along_axis(self.hist, b[:, :, None], 2)[:, :, 0]
            frac = np.where(width > 0, (target - before) / np.maximum(width, 1), 0.0)
            pos = b + np.clip(frac, 0, 1)
            for s in range(n):
                out[:, s, j] = np.where(total[:, s] > 0, from_bins(s, pos[:, s]), np.nan)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per day: date, rung counts (overall and per border), series quantiles."""
        days = self.rung_counts.shape[0]
        cols: dict[str, np.ndarray | list] = {
            "day": np.arange(days),
            "date": [self.start + dt.timedelta(days=d) for d in range(days)],
            "replications": self.rung_counts[:, 0].sum(axis=1),
        }
        for k, who in enumerate(["all", *self.dyads]):
            for r in range(N_RUNGS):
                cols[f"rung{r}_{who}"] = self.rung_counts[:, k, r]
        qv = self.quantiles()
        n = np.maximum(self.rung_counts[:, 0].sum(axis=1), 1)
        for s, name in enumerate(SERIES_NAMES):
            cols[f"{name}_mean"] = self.sums[:, s] / n
            for j, q in enumerate(QUANTILES):
                cols[f"{name}_q{round(q * 100):02d}"] = qv[:, s, j]
        if self.border is not None:
            for k, what in enumerate(BORDER_COUNTS):
                for i, who in enumerate(self.dyads):
                    cols[f"{what}_{who}_mean"] = self.border[:, k, i] / n
        frame = pd.DataFrame(cols)
        frame["date"] = pd.to_datetime(frame["date"])
        return frame


@dataclass
class EventLog:
    """Moves of the kept replications, one row each, with why they happened."""

    rows: list[tuple] = field(default_factory=list)

    COLUMNS = (
        "replication",
        "day",
        "actor",
        "target",
        "move",
        "rung",
        "goldstein",
        "perceived_rung",
        "perceived_as",
        "reason",
    )

    def add(
        self,
        replications: np.ndarray,
        day: int,
        actor: str,
        target: str,
        move: str | list[str],
        rung: int | np.ndarray,
        goldstein: float | np.ndarray,
        perceived: np.ndarray | None,
        reason: str | list[str],
        blamed: np.ndarray | None = None,
    ) -> None:
        """Append one row per replication index in ``replications``.

        ``move`` and ``reason`` are one for all rows or a list with one per row.
        """
        n = len(replications)
        if n == 0:
            return
        moves = move if isinstance(move, list) else [move] * n
        rung = np.broadcast_to(np.asarray(rung), (n,))
        gold = np.broadcast_to(np.asarray(goldstein, dtype=float), (n,))
        reasons = reason if isinstance(reason, list) else [reason] * n
        for j in range(n):
            p = float(perceived[j]) if perceived is not None else float("nan")
            if perceived is None:
                seen = "unobserved"
            elif blamed is not None and not blamed[j]:
                seen = "not blamed on the instigator"
            elif p >= 0.5:
                seen = f"hostile (rung {p:.1f})"
            elif rung[j] == 0:
                seen = "conciliatory"
            else:
                seen = f"not read as hostile (rung {p:.1f})"
            self.rows.append(
                (
                    int(replications[j]),
                    day,
                    actor,
                    target,
                    moves[j],
                    int(rung[j]),
                    float(gold[j]),
                    p,
                    seen,
                    reasons[j],
                )
            )

    def to_frame(self, start: dt.date) -> pd.DataFrame:
        """The log as a DataFrame sorted by replication and day, with calendar dates."""
        frame = pd.DataFrame(self.rows, columns=list(self.COLUMNS))
        frame.insert(
            2, "date", pd.to_datetime([start + dt.timedelta(days=int(d)) for d in frame["day"]])
        )
        return frame.sort_values(["replication", "day"], kind="stable").reset_index(drop=True)


@dataclass
class WindowSeries:
    """Daily per-border counts, packages and armed incidents over the calibration window.

    Only scenarios that start before their forecast date have a window; observed
    records are compared with these days (outcomes count from the forecast date on).
    """

    entries: np.ndarray  # (days, F, R) float32 irregular entries (detained, as counted)
    pushbacks: np.ndarray  # (days, F, R) float32 persons turned back
    packages: np.ndarray  # (days, S, R) int16 packages adopted
    armed: np.ndarray  # (days, F, R) bool exchanges of fire

    @classmethod
    def empty(cls, days: int, F: int, S: int, R: int) -> WindowSeries:
        """Zeros for ``days`` window days."""
        return cls(
            np.zeros((days, F, R), np.float32),
            np.zeros((days, F, R), np.float32),
            np.zeros((days, S, R), np.int16),
            np.zeros((days, F, R), bool),
        )

    def add_day(
        self, day: int, entered: np.ndarray, pushed: np.ndarray, new: np.ndarray, armed: np.ndarray
    ) -> None:
        """Record window day ``day``."""
        self.entries[day], self.pushbacks[day] = entered, pushed
        self.packages[day], self.armed[day] = new, armed

    def merge(self, other: WindowSeries) -> WindowSeries:
        """Replications of ``other`` appended after this one's."""
        return WindowSeries(
            *(
                np.concatenate([a, b], axis=-1)
                for a, b in zip(vars(self).values(), vars(other).values(), strict=True)
            )
        )


def empty_totals(F: int, R: int) -> SimpleNamespace:
    """A run's accumulators at day 0: one value per replication, or a row per border."""
    nan = np.full(R, np.nan, np.float32)
    z = np.zeros(R, np.int32)
    return SimpleNamespace(
        first_armed=nan.copy(),
        first_nonlethal=nan.copy(),
        nonlethal=z.copy(),
        armed=z.copy(),
        conflict=np.zeros(R, bool),
        max_rung=np.zeros((F, R), np.int8),
        days3=z.copy(),
        new_packages=z.copy(),
        eased=z.copy(),
        arrivals=np.zeros((F, R), np.float64),
        attempts=np.zeros((F, R), np.float64),
        pushbacks=np.zeros((F, R), np.float64),
        entries=np.zeros((F, R), np.float64),
        force_migrants=np.zeros((F, R), np.int32),
        deaths=np.zeros((F, R), np.int32),
        deaths_blamed=z.copy(),
        returned=np.zeros(R, np.float64),
        press_cost=np.zeros(R, np.float64),
        first_press=nan.copy(),
        press_lifts=z.copy(),
        attempts_peak=np.zeros(R, np.float32),
        attempts_peak_day=nan.copy(),
        attempts_final=np.zeros(R, np.float64),
        stranded_peak=np.zeros(R, np.float32),
        stranded_peak_f=np.zeros((F, R), np.float32),
        first_package=nan.copy(),
        ambiguous=z.copy(),
        blamed=z.copy(),
        caused=z.copy(),
        caused_blamed=z.copy(),
        interventions=z.copy(),
        provocations=z.copy(),
        hostile_moves=z.copy(),
        retaliations=z.copy(),
        responses=z.copy(),
        counter_sanctions=z.copy(),
        crises=z.copy(),
        crisis_days=z.copy(),
        talks=z.copy(),
        mediations=z.copy(),
        leader_calls=z.copy(),
        allied=z.copy(),
        goldstein=np.zeros((F, R), np.float64),
        goldstein_other=np.zeros(R, np.float64),
        tension_sum=np.zeros(R, np.float64),
    )


def add_goldstein(totals: SimpleNamespace, t: Today) -> None:
    """Add the day's Goldstein scores: per border, and of the sanctions moves."""
    gold = (
        INSTIGATOR_GOLDSTEIN[t.moves.rung]
        + FRONTLINE_GOLDSTEIN[t.rung_f]
        + t.pb_incident * MOVES["force_against_migrants"].goldstein
        + (t.blamed_bg | t.blamed_cov) * MOVES["ambiguous_incident"].goldstein
        + np.where(t.clash_rung > 0, INSTIGATOR_GOLDSTEIN[t.clash_rung], 0)
        + t.moves.gesture * MOVES["conciliatory_gesture"].goldstein
        + t.talks * (MOVES["crisis_talks"].goldstein + 2 * MOVES["withdraw_forces"].goldstein)
        + t.mediated * MOVES["mediation"].goldstein
        + t.called * MOVES["leader_call"].goldstein
        + t.allied * (MOVES["nato_consultations"].goldstein + MOVES["allied_deployment"].goldstein)
    )
    totals.goldstein += gold
    totals.goldstein_other += (
        t.new_r * MOVES["impose_sanctions"].goldstein
        + t.eased_r * MOVES["ease_sanctions"].goldstein
        + t.counter.sum(axis=0) * MOVES["counter_sanctions"].goldstein
        + t.flight * MOVES["repatriation"].goldstein
    )


def add_outcomes(tot: SimpleNamespace, t: Today, overall: np.ndarray, d: int) -> None:
    """Add the day ``d``'s incidents, moves and packages to the run's totals ``tot``.

    ``overall`` is the day's highest rung over borders, (R,); the route adds its own
    (``Route.add_outcomes``).
    """
    nonlethal = t.clash & ~t.armed
    tot.nonlethal += nonlethal.sum(axis=0, dtype=np.int32)
    tot.armed += t.armed.sum(axis=0, dtype=np.int32)
    tot.conflict |= t.conflict.any(axis=0)
    tot.first_armed[np.isnan(tot.first_armed) & t.armed.any(axis=0)] = d
    tot.first_nonlethal[np.isnan(tot.first_nonlethal) & nonlethal.any(axis=0)] = d
    np.maximum(tot.max_rung, t.rung, out=tot.max_rung)
    tot.days3 += overall >= 3
    tot.new_packages += t.new_r.astype(np.int32)
    tot.eased += t.eased_r.astype(np.int32)
    tot.first_package[np.isnan(tot.first_package) & (t.new_r > 0)] = d
    covert = t.moves.covert.sum(axis=0, dtype=np.int32)
    tot.ambiguous += t.amb_bg.sum(axis=0, dtype=np.int32) + covert
    tot.blamed += (t.blamed_bg.sum(axis=0) + t.blamed_cov.sum(axis=0)).astype(np.int32)
    tot.caused += covert
    tot.caused_blamed += t.blamed_cov.sum(axis=0, dtype=np.int32)
    tot.interventions += t.moves.restrained.sum(axis=0, dtype=np.int32)
    tot.provocations += t.moves.provoked.sum(axis=0, dtype=np.int32)
    tot.hostile_moves += (t.moves.rung > 0).sum(axis=0, dtype=np.int32)
    tot.retaliations += t.moves.retaliated.sum(axis=0, dtype=np.int32)
    tot.responses += (t.rung_f > 0).sum(axis=0, dtype=np.int32)
    tot.counter_sanctions += t.counter.sum(axis=0, dtype=np.int32)
    tot.crises += t.opened.sum(axis=0, dtype=np.int32)
    tot.crisis_days += t.in_crisis.sum(axis=0, dtype=np.int32)
    tot.talks += t.talks.sum(axis=0, dtype=np.int32)
    tot.mediations += t.mediated.sum(axis=0, dtype=np.int32)
    tot.leader_calls += t.called.sum(axis=0, dtype=np.int32)
    tot.allied += t.allied.sum(axis=0, dtype=np.int32)
