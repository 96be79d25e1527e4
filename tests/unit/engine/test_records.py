"""Mergeable daily summaries, Wilson intervals and the text summary."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from escalation_sim.engine.records import N_BINS, SERIES_NAMES, DailySummary
from tests.support import daily_values as values

START = dt.date(2021, 8, 12)


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
        elif name in ("arrivals", "stranded", "in_belarus", "attempts"):
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
