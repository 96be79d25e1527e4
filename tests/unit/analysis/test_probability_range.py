"""P(outcome) across parameter draws, with the replications' binomial noise removed."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from escalation_sim.analysis.ensemble import probability_range


@pytest.mark.parametrize("a, b", [(3.0, 2.0), (2.0, 5.0), (0.9, 0.5)])
def test_the_range_recovers_a_wide_spread_of_p_from_ten_replications_per_draw(a, b):
    rng = np.random.default_rng(7)
    p = rng.beta(a, b, 400)  # P(outcome) of 400 parameter draws
    k, n = rng.binomial(10, p), np.full(400, 10)
    low, high = probability_range(k, n)
    true_low, true_high = stats.beta.ppf([0.025, 0.975], a, b)
    assert low == pytest.approx(true_low, abs=0.06) and high == pytest.approx(true_high, abs=0.06)


def test_a_narrow_spread_is_never_overstated():
    """Spread small next to the binomial noise (sd 0.085 vs 0.15): the fit may understate
    it (the likelihood can peak at no spread; docs/ODD.md 8.1), but never widens it."""
    rng = np.random.default_rng(7)
    true_low, true_high = stats.beta.ppf([0.025, 0.975], 20, 10)
    for _ in range(5):
        k = rng.binomial(10, rng.beta(20, 10, 400))
        low, high = probability_range(k, np.full(400, 10))
        assert true_low - 0.06 <= low <= high <= true_high + 0.06


def test_without_spread_between_draws_the_range_is_narrow_where_raw_shares_are_not():
    rng = np.random.default_rng(8)
    k, n = rng.binomial(10, 0.6, 400), np.full(400, 10)
    low, high = probability_range(k, n)
    assert 0.55 < low <= high < 0.65
    raw = np.quantile(k / n, [0.025, 0.975])
    assert raw[1] - raw[0] > 0.5  # what the per-draw shares alone would have said
