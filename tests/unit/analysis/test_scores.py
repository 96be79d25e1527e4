"""Scores on tiny hand-computed examples, censoring, propriety over many seeds, skill."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from escalation_sim.analysis.items import Item
from escalation_sim.analysis.scores import (
    ForecastSeries,
    brier,
    central,
    crps,
    log_score,
    members_of,
    mid_pit,
    overall_skill,
    score_item,
    skill,
)

D = dt.date(2021, 7, 1)


def item(kind: str, observed: float, days: int = 4, censored: bool = False) -> Item:
    last = D + dt.timedelta(days=days - 1)
    return Item("x", kind, "arrivals:A", D, last, observed, censored, (1,), last)


def test_brier_and_log_score_by_hand():
    assert brier(0.7, 1) == pytest.approx(0.09)
    assert brier(0.7, 0) == pytest.approx(0.49)
    assert log_score(0.7, 1, 100) == pytest.approx(-math.log(0.7))
    assert log_score(0.7, 0, 100) == pytest.approx(-math.log(0.3))
    # an ensemble of 10 saying "never": p is kept at 1/20, not 0
    assert log_score(0.0, 1, 10) == pytest.approx(-math.log(0.05))


def test_crps_of_an_ensemble_by_hand():
    # E|X - 3| = (2 + 1 + 1) / 3; E|X - X'| / 2 = (2 * (1 + 3 + 2) / 9) / 2
    assert crps(np.array([1.0, 2.0, 4.0]), 3.0) == pytest.approx(4 / 3 - 2 / 3)
    assert crps(np.array([5.0, 5.0]), 5.0) == 0.0
    assert crps(np.array([5.0]), 2.0) == pytest.approx(3.0)  # one member: absolute error


def test_mid_pit_by_hand():
    assert mid_pit(np.array([1, 2, 2, 4]), 2) == pytest.approx((0.25 + 0.75) / 2)
    assert mid_pit(np.array([1, 2, 3]), 10) == 1.0
    assert mid_pit(np.array([1, 2, 3]), 0) == 0.0


def test_censored_dates_do_not_penalise_mass_beyond_the_horizon():
    days = np.zeros((4, 5))  # four members, five days, nothing happens
    cut = members_of("date", days)
    assert list(cut) == [5, 5, 5, 5]  # beyond the horizon counts as its length
    row = score_item(item("date", 5, days=5, censored=True), cut)
    assert row["score"] == 0.0 and row["covered50"] == 1.0 and row["covered90"] == 1.0
    # a member with the event on day 2 moves the forecast off the observation
    days[0, 2] = 1
    worse = score_item(item("date", 5, days=5, censored=True), members_of("date", days))
    assert worse["score"] > 0 and list(members_of("date", days)) == [2, 5, 5, 5]


def test_event_and_count_members():
    x = np.array([[0, 0, 1.0], [0, 0, 0], [2, 0, 3]])
    assert list(members_of("count", x)) == [1, 0, 5]
    assert list(members_of("event", x)) == [1, 0, 1]
    row = score_item(item("event", 1), members_of("event", x))
    assert row["median"] == pytest.approx(2 / 3) and row["score"] == pytest.approx(1 / 9)


def test_forecast_series_sums_an_items_days():
    frame = pd.DataFrame(
        {
            "replication": np.repeat([0, 1], 6),
            "day": np.tile(np.arange(6) + 30, 2),
            "arrivals:A": [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60],
        }
    )
    fs = ForecastSeries.from_frame(frame.sample(frac=1, random_state=1), D)
    it = Item(
        "x",
        "count",
        "arrivals:A",
        D + dt.timedelta(days=1),
        D + dt.timedelta(days=3),
        0,
        False,
        (1,),
        D,
    )
    assert list(fs.members(it)) == [2 + 3 + 4, 20 + 30 + 40]


def test_central_interval():
    lo, hi = central(np.arange(101.0), 0.9)
    assert (lo, hi) == pytest.approx((5.0, 95.0))


@pytest.mark.parametrize("lam", [3.0, 40.0])
def test_crps_is_proper_the_true_process_scores_better(lam):
    """Over many seeds, an ensemble from the true Poisson beats a biased one on average."""
    rng = np.random.default_rng(11)
    true_scores, biased_scores = [], []
    for _ in range(400):
        y = rng.poisson(lam)
        true_scores.append(crps(rng.poisson(lam, 200).astype(float), y))
        biased_scores.append(crps(rng.poisson(1.4 * lam, 200).astype(float), y))
    assert np.mean(true_scores) < np.mean(biased_scores)


def test_brier_and_log_are_proper_the_true_probability_scores_better():
    rng = np.random.default_rng(5)
    p = 0.3
    y = rng.random(4000) < p
    for score in (lambda q, o: brier(q, o), lambda q, o: log_score(q, o, 1000)):
        true = np.mean([score(p, o) for o in y])
        for q in (0.1, 0.2, 0.4, 0.6):
            assert true < np.mean([score(q, o) for o in y])


def test_censored_crps_is_proper():
    """Dates cut at the horizon: the true geometric hazard beats a doubled one."""
    rng = np.random.default_rng(2)
    length, h = 20, 0.05
    true_s, biased_s = [], []
    for _ in range(300):
        obs = members_of("date", (rng.random((1, length)) < h).astype(float))[0]
        true_s.append(crps(members_of("date", (rng.random((300, length)) < h) * 1.0), obs))
        biased_s.append(crps(members_of("date", (rng.random((300, length)) < 2 * h) * 1.0), obs))
    assert np.mean(true_s) < np.mean(biased_s)


def test_skill_by_hand_and_undefined_cases():
    assert skill(2.0, 4.0) == 0.5
    assert skill(6.0, 4.0) == -0.5
    assert math.isnan(skill(1.0, 0.0))
    assert math.isnan(skill(1.0, float("nan")))


def test_overall_skill_sums_scores_per_kind():
    table = pd.DataFrame(
        {
            "kind": ["count", "count", "event", "date"],
            "score": [1.0, 3.0, 0.1, 2.0],
            "statistical_score": [2.0, 6.0, 0.2, float("nan")],
        }
    )
    out = overall_skill(table, "statistical_score", seed=0).set_index("kind")
    assert out.loc["count", "skill"] == pytest.approx(1 - 4 / 8)
    assert out.loc["count", "items"] == 2
    assert out.loc["event", "skill"] == pytest.approx(0.5)
    assert out.loc["date", "items"] == 0 and math.isnan(out.loc["date", "skill"])
    lo, hi = out.loc["count", "skill_low"], out.loc["count", "skill_high"]
    assert lo <= out.loc["count", "skill"] <= hi
