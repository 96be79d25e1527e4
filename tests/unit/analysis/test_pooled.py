"""Pooled bins: intervals that carry the spread between design points."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.metrics import heatmap_table, risk_table
from escalation_sim.analysis.pooled import cluster_interval, overlaps_all_neighbours
from escalation_sim.analysis.stats import wilson_interval, z_value
from escalation_sim.store.results import Results


def _checkerboard(points: int = 20, n: int = 2000, seed: int = 3) -> tuple[np.ndarray, ...]:
    """Design points whose true risks alternate 0.09 / 0.37, 2,000 replications each."""
    rng = np.random.default_rng(seed)
    risk = np.where(np.arange(points) % 2 == 0, 0.09, 0.37)
    hit = np.concatenate([rng.random(n) < r for r in risk])
    cluster = np.repeat(np.arange(points), n)
    return hit, cluster


def test_a_pooled_interval_is_at_least_as_wide_as_the_between_point_spread() -> None:
    hit, cluster = _checkerboard()
    out = cluster_interval(hit, cluster)
    m = out["clusters"]
    assert m == 20
    # The standard error of a mean of m points that differ by `spread`: the interval
    # must be at least the normal interval of that (less a bootstrap's small-sample shrink).
    between = 2 * z_value() * out["spread"] * np.sqrt((m - 1) / m) / np.sqrt(m)
    assert out["high"] - out["low"] >= 0.9 * between
    wilson = wilson_interval(out["k"], out["n"])
    assert out["high"] - out["low"] > 3 * (wilson[1] - wilson[0])  # Wilson alone is hairline
    assert out["low"] <= wilson[0] and out["high"] >= wilson[1]


def test_identical_points_keep_about_the_wilson_width() -> None:
    rng = np.random.default_rng(4)
    hit = rng.random(20 * 500) < 0.2
    cluster = np.repeat(np.arange(20), 500)
    out = cluster_interval(hit, cluster)
    lo, hi = wilson_interval(out["k"], out["n"])
    assert out["high"] - out["low"] <= 1.5 * (hi - lo)


def test_one_point_is_wilson() -> None:
    hit = np.array([1, 0, 0, 1, 0, 0, 0, 0], bool)
    out = cluster_interval(hit, np.zeros(8, int))
    assert (out["low"], out["high"]) == pytest.approx(wilson_interval(2, 8))
    assert out["clusters"] == 1 and out["spread"] == 0


def test_pooled_bins_of_a_sobol_sweep_cover_their_points(sobol_res: Results) -> None:
    t = risk_table(sobol_res.runs, "mechanisms.patron_restraint")
    assert (t["points"] > 1).all()
    for _, row in t.iterrows():
        lo, hi = wilson_interval(int(row["events"]), int(row["replications"]))
        assert row["low"] <= lo + 1e-12 and row["high"] >= hi - 1e-12
    h = heatmap_table(sobol_res.runs, "mechanisms.incident_hazard", "mechanisms.hostile_bias")
    assert h["points"].sum() == sobol_res.runs["design_point"].nunique()


def test_overlap_with_every_neighbour() -> None:
    low = np.array([[0.10, 0.12], [0.30, np.nan]])
    high = np.array([[0.15, 0.16], [0.35, np.nan]])
    marked = overlaps_all_neighbours(low, high)
    # (0,1) touches only (0,0), which overlaps: marked. (0,0) also neighbours (1,0): not.
    assert marked.tolist() == [[False, True], [False, False]]
