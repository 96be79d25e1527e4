"""Mergeable daily summaries, Wilson intervals and the text summary."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from escalation_sim.analysis.stats import wilson_interval
from escalation_sim.analysis.summary import headline_numbers
from escalation_sim.engine.records import N_BINS, SERIES_NAMES, DailySummary
from escalation_sim.engine.result import ModelResult
from escalation_sim.present.tables import format_summary
from escalation_sim.run.scenario import run_scenario

START = dt.date(2021, 8, 12)


def values(rng: np.random.Generator, r: int) -> np.ndarray:
    out = np.empty((len(SERIES_NAMES), r), np.float32)
    for s, name in enumerate(SERIES_NAMES):
        if name == "sanctions_level":
            out[s] = rng.integers(0, 20, r)
        elif name in ("arrivals", "stranded"):
            out[s] = rng.lognormal(8, 1, r)
        else:
            out[s] = rng.beta(2, 5, r)
    return out


def test_quantiles_match_numpy_within_one_bin():
    rng = np.random.default_rng(0)
    v = values(rng, 5000)
    d = DailySummary.empty(START, ["A"], 1)
    d.add_day(0, np.zeros((2, 5000), np.int64), v)
    q = d.quantiles()[0]
    for s, name in enumerate(SERIES_NAMES):
        exact = np.quantile(v[s], [0.05, 0.25, 0.5, 0.75, 0.95])
        if name == "sanctions_level":
            np.testing.assert_array_equal(
                q[s], np.quantile(v[s], [0.05, 0.25, 0.5, 0.75, 0.95], method="inverted_cdf")
            )
        elif name in ("arrivals", "stranded"):
            np.testing.assert_allclose(q[s], exact, rtol=0.02)  # log bins: 1.6% wide
        else:
            np.testing.assert_allclose(q[s], exact, atol=1.5 / N_BINS)
    assert d.sums[0] == pytest.approx(v.sum(axis=1), rel=1e-5)


def test_summaries_of_parts_add_up_to_the_whole():
    rng = np.random.default_rng(1)
    v = values(rng, 900)
    rungs = rng.integers(0, 7, (3, 900))
    whole = DailySummary.empty(START, ["A", "B"], 1)
    whole.add_day(0, rungs, v)
    a, b = DailySummary.empty(START, ["A", "B"], 1), DailySummary.empty(START, ["A", "B"], 1)
    a.add_day(0, rungs[:, :400], v[:, :400])
    b.add_day(0, rungs[:, 400:], v[:, 400:])
    merged = a.merge(b)
    np.testing.assert_array_equal(merged.hist, whole.hist)
    np.testing.assert_array_equal(merged.rung_counts, whole.rung_counts)
    np.testing.assert_array_equal(merged.rung_counts[0, 1], np.bincount(rungs[1], minlength=7))
    assert merged.replications == 900


def test_wilson_interval_hand_computed():
    # k=3, n=10: centre (p + z²/2n)/(1 + z²/n), half-width z/(1+z²/n)·sqrt(p(1-p)/n + z²/4n²)
    z, n, p = 1.959963984540054, 10, 0.3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo, hi = wilson_interval(3, 10)
    assert lo == pytest.approx(centre - half, abs=1e-9)
    assert hi == pytest.approx(centre + half, abs=1e-9)
    assert wilson_interval(0, 10)[0] == 0


def test_summary_reads_well(base):
    res = run_scenario(base, 200, seed=0, keep_traces=0)
    s = headline_numbers(res.runs)
    text = format_summary(s, "title")
    assert "P(armed incident)" in text and "Wilson" in text and "blame gap" in text
    assert s["p_armed_incident"] == res.runs["armed_incident"].mean()
    lo, hi = s["p_armed_incident_low"], s["p_armed_incident_high"]
    assert lo <= s["p_armed_incident"] <= hi


def _result(rungs: np.ndarray, v: np.ndarray, groups: int | None) -> ModelResult:
    def summary() -> DailySummary:
        s = DailySummary.empty(START, ["A", "B"], 1)
        s.add_day(0, rungs, v)
        return s

    runs = pd.DataFrame({"replication": np.arange(rungs.shape[1])})
    by_group = None if groups is None else [summary() for _ in range(groups)]
    return ModelResult(runs, summary(), None, pd.DataFrame(), daily_by_group=by_group)


def test_merge_keeps_per_group_summaries_and_refuses_mismatched_groups():
    rng = np.random.default_rng(2)
    v = values(rng, 100)
    rungs = rng.integers(0, 7, (3, 100))
    merged = _result(rungs, v, 2).merge(_result(rungs, v, 2))
    assert merged.daily_by_group is not None and len(merged.daily_by_group) == 2
    assert all(s.replications == 200 for s in merged.daily_by_group)
    assert merged.merge(_result(rungs, v, 2)).daily_by_group[1].replications == 300
    assert _result(rungs, v, None).merge(_result(rungs, v, None)).daily_by_group is None
    for other in (_result(rungs, v, None), _result(rungs, v, 3)):
        with pytest.raises(ValueError, match="per-group"):
            _result(rungs, v, 2).merge(other)
