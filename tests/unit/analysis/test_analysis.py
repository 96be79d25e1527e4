"""Data preparation for figures and reports: intervals, survival, paired differences, indices."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import sobol

from escalation_sim.analysis.daily import fan, rung_quantiles, rung_shares, scenario_events
from escalation_sim.analysis.metrics import heatmap_table, risk_table
from escalation_sim.analysis.paired import paired_differences
from escalation_sim.analysis.sensitivity import sensitivity
from escalation_sim.analysis.stats import proportion, wilson_interval
from escalation_sim.analysis.stories import kept_replications, pick_story, story_events
from escalation_sim.analysis.summary import outcome_table
from escalation_sim.analysis.survival import kaplan_meier, survival_of
from escalation_sim.store.results import Results, load
from tests.support import ROOT

RESULTS = ROOT / "tests" / "fixtures" / "results"


# ---------------------------------------------------------------------- Wilson
def wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(3, 10), (0, 10), (10, 10), (27, 100), (1, 2000)])
def test_wilson_equals_the_score_formula(k: int, n: int) -> None:
    lo, hi = wilson_interval(k, n)
    hlo, hhi = wilson_by_hand(k, n)
    assert lo == pytest.approx(max(0.0, hlo), abs=1e-12)
    assert hi == pytest.approx(min(1.0, hhi), abs=1e-12)


def test_wilson_of_3_in_10_is_the_textbook_interval() -> None:
    lo, hi = wilson_interval(3, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.1078, 0.6032)


def test_proportion_and_outcome_table_agree_with_the_runs(run_res: Results) -> None:
    runs = run_res.runs
    pr = proportion(runs["armed_incident"])
    assert pr["k"] == int(runs["armed_incident"].sum())
    assert pr["p"] == pytest.approx(runs["armed_incident"].mean())
    table = outcome_table(run_res.groups())
    row = table.iloc[0]
    assert row["replications"] == len(runs) == 250
    assert row["p_armed_incident"] == pytest.approx(pr["p"])
    assert row["p_armed_incident_low"] <= row["p_armed_incident"] <= row["p_armed_incident_high"]
    clash = (runs["nonlethal_clashes"] > 0).mean()
    assert row["p_nonlethal_clash"] == pytest.approx(clash)


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


# ---------------------------------------------------------------------- daily
def tiny_daily() -> pd.DataFrame:
    cols: dict[str, object] = {
        "day": [0, 1],
        "date": pd.to_datetime(["2021-08-12", "2021-08-13"]),
        "replications": [10, 10],
    }
    counts = [[0, 0, 5, 5, 0, 0, 0], [0, 1, 1, 2, 2, 2, 2]]
    for r in range(7):
        cols[f"rung{r}_all"] = [counts[0][r], counts[1][r]]
    return pd.DataFrame(cols)


def test_rung_quantiles_and_shares_come_from_the_counts() -> None:
    daily = tiny_daily()
    q = rung_quantiles(daily)
    # day 0: five at rung 2, five at rung 3; day 1 cumulative 0,1,2,4,6,8,10
    assert list(q["q05"]) == [2, 1]
    assert list(q["q50"]) == [2, 4]
    assert list(q["q95"]) == [3, 6]
    assert q["mean"].iloc[0] == pytest.approx(2.5)
    shares = rung_shares(daily)
    assert shares.loc[0, 2] == pytest.approx(0.5)
    assert shares.loc[1, list(range(7))].sum() == pytest.approx(1.0)


def test_fan_reads_the_stored_quantiles(run_res: Results) -> None:
    f = fan(run_res.daily, "tension")
    assert list(f.columns) == ["date", "q05", "q25", "q50", "q75", "q95", "mean"]
    assert np.all(f["q05"] <= f["q50"]) and np.all(f["q50"] <= f["q95"])
    assert f["q50"].to_numpy() == pytest.approx(run_res.daily["tension_q50"].to_numpy())
    with pytest.raises(KeyError):
        fan(run_res.daily, "no_such_series")


def test_scenario_events_are_dated_and_labelled(run_res: Results) -> None:
    events = scenario_events(run_res.config_of())
    kinds = {e.kind: e for e in events}
    assert kinds["crisis_meeting"].start == dt.date(2021, 8, 18)
    assert kinds["crisis_meeting"].end is None
    assert (kinds["exercise"].start, kinds["exercise"].end) == (
        dt.date(2021, 9, 10),
        dt.date(2021, 9, 16),
    )
    cut = scenario_events(load(RESULTS / "compare").config_of("fixture_supply_cut"))
    supply = next(e for e in cut if e.kind == "supply_cut")
    assert supply.label == "supply cut to 10%"
    assert supply.end == dt.date(2021, 10, 10)  # open-ended: to the end of the horizon


# ---------------------------------------------------------------------- results and groups
def test_kinds_and_groups(run_res: Results, compare_res: Results, grid_res: Results) -> None:
    assert run_res.kind == "run" and len(run_res.groups()) == 1
    assert compare_res.labels() == ["fixture_base", "fixture_supply_cut"]
    assert all(g.n == 200 for g in compare_res.groups())
    assert grid_res.parameters == ["mechanisms.incident_hazard", "mechanisms.hostile_bias"]
    groups = grid_res.groups()
    assert len(groups) == 9 and all(g.n == 40 and len(g.daily) == 30 for g in groups)
    assert groups[5].label == "point 5: incident_hazard=0.03, hostile_bias=1"
    levels, what = grid_res.by()
    assert what == "incident_hazard"
    assert [g.label for g in levels] == [
        "incident_hazard = 0.01",
        "incident_hazard = 0.03",
        "incident_hazard = 0.06",
    ]
    assert all(g.n == 120 for g in levels)


def test_continuous_parameters_are_pooled_into_bins(sobol_res: Results) -> None:
    levels, _ = sobol_res.by("mechanisms.hostile_bias", max_levels=4)
    assert len(levels) == 4
    assert sum(g.n for g in levels) == len(sobol_res.runs)


def test_load_refuses_what_is_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no manifest\.json"):
        load(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such results folder"):
        load(tmp_path / "missing")


# ---------------------------------------------------------------------- risk and heatmap
def test_risk_table_per_level_with_wilson(grid_res: Results) -> None:
    t = risk_table(grid_res.runs, "mechanisms.incident_hazard")
    assert list(t["x"]) == pytest.approx([0.01, 0.03, 0.06])
    assert list(t["replications"]) == [120, 120, 120]
    runs = grid_res.runs
    for _, row in t.iterrows():
        part = runs[np.isclose(runs["mechanisms.incident_hazard"], row["x"])]
        assert row["p"] == pytest.approx(part["armed_incident"].mean())
        assert (row["low"], row["high"]) == pytest.approx(
            wilson_interval(int(part["armed_incident"].sum()), len(part))
        )
    by = risk_table(runs, "mechanisms.incident_hazard", by="mechanisms.hostile_bias")
    assert len(by) == 9 and set(by["replications"]) == {40}


def test_risk_table_bins_a_continuous_parameter(sobol_res: Results) -> None:
    t = risk_table(sobol_res.runs, "mechanisms.patron_restraint", bins=5)
    assert t["binned"].all() and len(t) == 5
    assert t["replications"].sum() == len(sobol_res.runs)
    assert t["x"].is_monotonic_increasing


def test_heatmap_table_counts_every_cell(grid_res: Results) -> None:
    t = heatmap_table(grid_res.runs, "mechanisms.incident_hazard", "mechanisms.hostile_bias")
    assert t["n"].shape == (3, 3) and (t["n"] == 40).all()
    assert t["x_ticks"] == ["0.01", "0.03", "0.06"]
    runs = grid_res.runs
    cell = runs[
        np.isclose(runs["mechanisms.incident_hazard"], 0.06)
        & np.isclose(runs["mechanisms.hostile_bias"], 1.0)
    ]
    assert t["p"][2, 2] == pytest.approx(cell["armed_incident"].mean())


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


# ---------------------------------------------------------------------- sensitivity
def test_sobol_indices_are_those_of_the_per_point_means(sobol_res: Results) -> None:
    si = sensitivity(sobol_res, "armed_incident", num_resamples=200, seed=1)
    assert si.method == "sobol" and si.n_points == 40
    assert (si.replications_min, si.replications_max) == (16, 16)
    assert list(si.table.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    y = sobol_res.runs.groupby("design_point")["armed_incident"].mean().to_numpy(dtype=float)
    problem = {k: sobol_res.manifest["salib_problem"][k] for k in ("num_vars", "names", "bounds")}
    direct = sobol.analyze(problem, y, calc_second_order=False, num_resamples=200, seed=1)
    assert si.table["S1"].to_numpy() == pytest.approx(direct["S1"])
    assert si.table["ST_conf"].to_numpy() == pytest.approx(direct["ST_conf"])
    # Noise: mean binomial variance of a point's mean, against the variance of the means.
    within = sobol_res.runs.groupby("design_point")["armed_incident"].var(ddof=1).to_numpy()
    assert si.noise_variance == pytest.approx(np.mean(within / 16))
    assert si.variance == pytest.approx(np.var(y, ddof=1))
    assert 0 <= si.noise_share <= 1


def test_morris_indices(morris_res: Results) -> None:
    si = sensitivity(morris_res, "max_rung", num_resamples=100)
    assert si.method == "morris" and si.n_points == 16
    assert set(si.table.columns) >= {"parameter", "mu_star", "mu_star_conf", "sigma"}
    assert (si.table["mu_star"] >= 0).all()


def test_constant_outcome_gives_no_indices(sobol_res: Results) -> None:
    flat = Results(
        sobol_res.manifest, sobol_res.runs.assign(sanctions_packages=0), path=sobol_res.path
    )
    si = sensitivity(flat, "sanctions_packages")
    assert si.extra.get("constant") and si.table["S1"].isna().all()


def test_sensitivity_needs_a_sobol_or_morris_design(grid_res: Results) -> None:
    with pytest.raises(ValueError, match="sobol or morris"):
        sensitivity(grid_res)


# ---------------------------------------------------------------------- stories
def test_story_picks_a_kept_replication(run_res: Results, grid_res: Results) -> None:
    group, rep = pick_story(run_res)
    assert rep in kept_replications(run_res) == [0, 1]
    ev = story_events(run_res, group, rep)
    assert len(ev) and (ev["replication"] == rep).all()
    assert "scheduled event" not in set(ev["move"])
    g, r = pick_story(grid_res, 4)
    assert g == 4 and r in (0, 1)
    with pytest.raises(KeyError, match="not kept"):
        story_events(run_res, None, 200)
