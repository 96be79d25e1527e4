"""Paired tests under common random numbers: McNemar, Wilcoxon, effect sizes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from escalation_sim.analysis.paired import (
    MIN_POINTS,
    blame_gap,
    paired_differences,
    paired_mean,
    paired_proportion,
    pooled_blame_gap,
    window_mean,
)


def test_mcnemar_counts_only_discordant_pairs():
    # 100 pairs: 30 both yes, 50 both no, 15 only in the base, 5 only in the other.
    base = np.array([1] * 30 + [0] * 50 + [1] * 15 + [0] * 5, bool)
    other = np.array([1] * 30 + [0] * 50 + [0] * 15 + [1] * 5, bool)
    p = paired_proportion(base, other, "x", "less")
    assert p.base == pytest.approx(0.45) and p.other == pytest.approx(0.35)
    assert p.difference == pytest.approx(-0.10)
    assert p.p_value == pytest.approx(stats.binomtest(15, 20, 0.5, alternative="greater").pvalue)
    lo, hi = p.ci
    assert lo < -0.10 < hi
    up = paired_proportion(base, other, "x", "greater")
    assert up.p_value == 1.0 or up.p_value > 0.9
    assert paired_proportion(other, base, "x", "greater").p_value == pytest.approx(p.p_value)


def test_no_discordant_pair_gives_p_one():
    x = np.array([True, False, True])
    p = paired_proportion(x, x, "same")
    assert p.difference == 0 and p.p_value == 1.0 and not p.holds()


def test_wilcoxon_direction_and_effect_sizes():
    rng = np.random.default_rng(0)
    base = rng.normal(100, 10, 500)
    other = base - 8 + rng.normal(0, 1, 500)
    p = paired_mean(base, other, "level", "less")
    assert p.p_value < 1e-50
    assert p.difference == pytest.approx(-8, abs=0.2)
    assert p.relative == pytest.approx(-0.08, abs=0.003)
    assert p.standardized == pytest.approx(-0.8, abs=0.1)
    assert p.holds()
    assert not paired_mean(base, other, "level", "greater").holds()


def test_small_but_significant_effect_does_not_hold():
    rng = np.random.default_rng(1)
    base = rng.normal(100, 10, 2000)
    other = base - 1  # 1%, d = 0.1: significant, too small to matter
    p = paired_mean(base, other, "level")
    assert p.p_value < 1e-100
    assert not p.holds()
    assert any("of the base" in s for s in p.shortfalls())
    assert any("d =" in s for s in p.shortfalls())


def test_proportion_needs_min_points():
    n = 2000
    base = np.zeros(n, bool)
    base[:100] = True
    other = base.copy()
    other[:60] = False  # falls by 3 points, very significantly
    p = paired_proportion(base, other, "x")
    assert p.p_value < 1e-10
    assert p.difference == pytest.approx(-0.03) and -p.difference < MIN_POINTS
    assert not p.holds()


def test_paired_mean_drops_missing_pairs_and_zero_differences():
    p = paired_mean([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "x")
    assert p.n == 2 and p.p_value == 1.0 and p.difference == 0


def test_shapes_must_match():
    with pytest.raises(ValueError, match="equal"):
        paired_mean([1, 2], [1, 2, 3], "x")
    with pytest.raises(ValueError, match="no pairs"):
        paired_proportion([], [], "x")


def test_blame_gap_per_replication_and_pooled():
    runs = pd.DataFrame(
        {
            "ambiguous_incidents": [4, 0, 6],
            "blamed_on_instigator": [4, 0, 3],
            "caused_by_instigator": [2, 0, 3],
        }
    )
    gap = blame_gap(runs)
    assert gap[0] == pytest.approx(0.5) and np.isnan(gap[1]) and gap[2] == 0
    assert pooled_blame_gap(runs) == pytest.approx(0.2)
    assert np.isnan(pooled_blame_gap(runs.iloc[1:2]))


def test_window_mean_is_inclusive():
    dates = pd.to_datetime(["2021-09-09", "2021-09-10", "2021-09-11", "2021-09-12"] * 2)
    traces = pd.DataFrame(
        {"replication": [0] * 4 + [1] * 4, "date": dates, "h": [9, 1, 2, 9, 9, 3, 5, 9]}
    )
    m = window_mean(traces, "h", "2021-09-10", "2021-09-11")
    assert list(m) == [1.5, 4.0]
    with pytest.raises(ValueError, match="no trace days"):
        window_mean(traces, "h", "2022-01-01", "2022-01-02")


# ---------------------------------------------------------------------- paired differences
def paired_runs(n: int = 400, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    a = pd.DataFrame(
        {
            "replication": np.arange(n),
            "armed_incident": rng.random(n) < 0.3,
            "nonlethal_clashes": rng.poisson(1.0, n),
            "max_rung": rng.integers(3, 6, n),
            "sanctions_packages": rng.integers(0, 4, n),
            "arrivals": rng.normal(27_000, 150, n),
        }
    )
    b = a.copy()
    b["sanctions_packages"] += 1  # exactly one more package in every replication
    b["arrivals"] -= 5_000
    return a, b


def test_paired_differences_of_a_scenario_with_itself_are_exactly_zero() -> None:
    a, _ = paired_runs()
    d = paired_differences(a, a.copy())
    assert (d["difference"] == 0).all()
    assert (d["low"] == 0).all() and (d["high"] == 0).all()
    assert not d["detected"].any()
    assert "paired bootstrap" in d.attrs["method"]


def test_paired_differences_find_a_known_shift() -> None:
    a, b = paired_runs()
    d = paired_differences(a, b).set_index("metric")
    assert d.loc["sanctions_packages", "difference"] == pytest.approx(1.0)
    assert (d.loc["sanctions_packages", "low"], d.loc["sanctions_packages", "high"]) == (1.0, 1.0)
    assert d.loc["arrivals", "detected"]
    assert d.loc["arrivals", "high"] == pytest.approx(-5_000)
    assert not d.loc["armed_incident", "detected"]


def test_paired_interval_is_narrower_than_the_spread_and_reproducible() -> None:
    a, b = paired_runs()
    flip = np.random.default_rng(9).random(len(a)) < 0.1  # a few pairs gain an incident
    b["armed_incident"] = a["armed_incident"] | flip
    d1 = paired_differences(a, b, seed=5).set_index("metric")
    d2 = paired_differences(a, b, seed=5).set_index("metric")
    pd.testing.assert_frame_equal(d1, d2)
    row = d1.loc["armed_incident"]
    assert row["b_only"] == int((b["armed_incident"] & ~a["armed_incident"]).sum())
    assert row["a_only"] == 0
    assert row["low"] > 0 and row["detected"]


def test_paired_differences_need_the_same_replications() -> None:
    a, b = paired_runs()
    with pytest.raises(ValueError, match="same replications"):
        paired_differences(a, b.iloc[:-1])
