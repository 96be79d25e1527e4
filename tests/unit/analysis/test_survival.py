"""Kaplan-Meier estimates of the time to the first incident, against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from escalation_sim.analysis.survival import kaplan_meier, survival_of
from escalation_sim.store.results import Results


# ---------------------------------------------------------------------- Kaplan-Meier
def loglog_band(s: float, greenwood: float, z: float = 1.959963984540054) -> tuple[float, float]:
    se = math.sqrt(greenwood) / abs(math.log(s))
    centre = math.log(-math.log(s))
    return math.exp(-math.exp(centre + z * se)), math.exp(-math.exp(centre - z * se))


def test_kaplan_meier_equals_hand_computed_values() -> None:
    # Seven replications: first incidents on days 1, 2, 2 and 4 of a 5-day horizon;
    # three never have one (censored at day 4, after the event on day 4).
    km = kaplan_meier(np.array([1, 2, 2, 4, np.nan, np.nan, np.nan]), horizon=5)
    assert list(km.day) == [1, 2, 4]
    expected = [6 / 7, 6 / 7 * 4 / 6, 6 / 7 * 4 / 6 * 3 / 4]
    assert km.survival == pytest.approx(expected)
    assert (km.n, km.events) == (7, 4)
    assert km.at(0) == 1.0
    assert km.at(3) == pytest.approx(4 / 7)
    assert km.risk == pytest.approx(4 / 7)  # no censoring before the horizon: the plain share
    assert km.median_day == 4
    # Greenwood variance sums d / (n (n - d)); log-log band by hand.
    greenwood = [1 / (7 * 6), 1 / (7 * 6) + 2 / (6 * 4), 1 / (7 * 6) + 2 / (6 * 4) + 1 / (4 * 3)]
    for s, v, lo, hi in zip(km.survival, greenwood, km.low, km.high, strict=True):
        elo, ehi = loglog_band(s, v)
        assert lo == pytest.approx(elo, rel=1e-9)
        assert hi == pytest.approx(ehi, rel=1e-9)


def test_kaplan_meier_event_on_the_last_day_counts_before_censoring() -> None:
    km = kaplan_meier(np.array([4.0, np.nan]), horizon=5)
    assert km.risk == pytest.approx(0.5)


def test_kaplan_meier_without_events_is_flat() -> None:
    km = kaplan_meier(np.full(10, np.nan), horizon=30)
    assert km.events == 0
    assert km.risk == 0.0
    assert km.at(29) == 1.0
    assert np.isnan(km.median_day)


def test_kaplan_meier_reaching_zero_has_a_zero_band_and_no_warning() -> None:
    km = kaplan_meier(np.array([0.0, 1.0, 1.0, 3.0]), horizon=10)
    assert km.survival[-1] == 0.0
    assert km.low[-1] == km.high[-1] == 0.0
    assert np.all(km.low <= km.survival) and np.all(km.survival <= km.high)


def test_kaplan_meier_rejects_days_outside_the_horizon() -> None:
    with pytest.raises(ValueError, match="event days"):
        kaplan_meier(np.array([5.0]), horizon=5)


def test_survival_of_a_run_equals_the_share_with_an_incident(run_res: Results) -> None:
    g = run_res.groups()[0]
    for event, column in (
        ("armed_incident", "first_armed_incident_day"),
        ("nonlethal_clash", "first_nonlethal_clash_day"),
    ):
        km = survival_of(g, event)
        assert km.risk == pytest.approx(g.runs[column].notna().mean())
        assert km.horizon == 60
