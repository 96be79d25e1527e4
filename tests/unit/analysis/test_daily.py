"""Daily series: rung shares and quantiles from the stored counts, fans, scheduled events."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from escalation_sim.analysis.daily import fan, rung_quantiles, rung_shares, scenario_events
from escalation_sim.store.results import Results, load
from tests.support import ROOT

# ---------------------------------------------------------------------- daily
RESULTS = ROOT / "tests" / "fixtures" / "results"


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
