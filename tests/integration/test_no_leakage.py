"""No leakage: rows after a forecast origin, however absurd, never change a forecast.

A synthetic record has plausible rows before the origin; a poisoned copy adds rows dated
after it with absurd values (inside the scored window and after the horizon). The
calibration, the posterior, both ensemble forecasts and the statistical baseline are the
same with either record; only the observed column of the scored items moves.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load
from escalation_sim.run.backtest import Settings, run_origin
from tests.support import ROOT

WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
ORIGIN = dt.date(2021, 7, 15)
HEAD = "date,actor,quantity,value,source,note\n"
CLEAN = (
    "2021-06-20..2021-06-30,Lithuania,arrivals,160,synthetic,\n"
    "2021-07-01..2021-07-07,Lithuania,arrivals,300,synthetic,\n"
    "2021-07-08..2021-07-14,Lithuania,arrivals,420,synthetic,\n"
    "2021-07-01..2021-07-14,Latvia,arrivals,12,synthetic,\n"
    "2021-06-21,EU,sanctions_packages,1,synthetic,\n"
    "2021-07-15..2021-07-21,Lithuania,arrivals,500,synthetic,scored\n"
    "2021-07-15..2021-07-21,Lithuania,armed_incidents,0,synthetic,scored\n"
)
POISON_INSIDE = (  # inside the scored window (origin .. origin + 6)
    "2021-07-16,Latvia,arrivals,999999999,poison,\n"
    "2021-07-17,EU,sanctions_packages,1,poison,\n"
    "2021-07-15..2021-07-21,Poland,pushbacks,777777777,poison,\n"
)
POISON_AFTER = (  # after the horizon
    "2021-07-25..2021-07-30,Lithuania,arrivals,999999999,poison,\n"
    "2021-07-26,US/UK/Canada,sanctions_packages,1,poison,\n"
    "2021-07-28,Poland,armed_incidents,9999,poison,\n"
)
SETTINGS = Settings(
    horizon=7, population=8, generations=1, replications=2, forecast_replications=20, seed=5
)
FORECAST = ["item", "kind", "median", "q05", "q95", "members"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "w.yaml"
    path.write_text(f"extends: {WINDOW}\nname: w\nstart: 2021-06-20\nevents: []\n")
    return load(path)


def backtest_with(tmp_path, scenario, name: str, rows: str):
    rec = tmp_path / f"{name}.csv"
    rec.write_text(HEAD + rows)
    return run_origin(scenario, load_observed(rec), ORIGIN, tmp_path / name, SETTINGS)


@pytest.fixture(scope="module")
def results(tmp_path_factory, scenario):
    tmp = tmp_path_factory.mktemp("leak")
    return {
        name: backtest_with(tmp, scenario, name, rows)
        for name, rows in {
            "clean": CLEAN,
            "after": CLEAN + POISON_AFTER,
            "inside": CLEAN + POISON_INSIDE + POISON_AFTER,
        }.items()
    }


def test_poisoned_future_rows_never_change_the_posterior(results):
    clean = pd.read_parquet(results["clean"].posterior)
    for name in ("after", "inside"):
        pd.testing.assert_frame_equal(clean, pd.read_parquet(results[name].posterior))


def test_rows_after_the_horizon_change_no_scored_item(results):
    """Later rows may add items (a sanctioner's list now exists), never change one."""
    a = results["clean"].scored.table.set_index("item")
    b = results["after"].scored.table.set_index("item")
    assert set(a.index) <= set(b.index)
    pd.testing.assert_frame_equal(a, b.loc[a.index])


def test_rows_inside_the_window_change_only_what_is_observed(results):
    a = results["clean"].scored.table.set_index("item")
    b = results["inside"].scored.table.set_index("item")
    common = a.index.intersection(b.index)
    assert len(common) >= 3 and len(b) > len(a)  # the poisoned rows are scored items
    cols = [c for c in FORECAST if c != "item"]
    pd.testing.assert_frame_equal(a.loc[common, cols], b.loc[common, cols])
    assert a["statistical_score"].notna().any()
    assert b.loc["arrivals:Latvia 2021-07-16", "observed"] == 999999999
    # the forecast of the poisoned item is the model's, not the poison's
    assert b.loc["arrivals:Latvia 2021-07-16", "q95"] < 1e6


def test_every_step_records_the_latest_observation_it_used(results):
    for r in results.values():
        assert r.calibration_latest < ORIGIN
        assert r.scored.baseline_latest_observation is not None
        assert r.scored.baseline_latest_observation < ORIGIN
        assert r.describe()["calibration_latest_observation_used"] == "2021-07-14"
