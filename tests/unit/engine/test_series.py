"""The forecast series (run --series): every replication's daily flows, summing to its totals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario
from tests.support import ROOT

JULY = ROOT / "tests" / "fixtures" / "scenarios" / "july_forecast.yaml"


def test_series_sum_to_the_runs_totals_over_the_forecast_days():
    sc = load(JULY)
    res = run_scenario(sc, 30, 4, keep_traces=0, series=True)
    s = res.series
    assert s is not None
    assert len(s) == 30 * (sc.days - sc.forecast_day)
    assert s["day"].min() == sc.forecast_day and s["day"].max() == sc.days - 1
    per_rep = s.groupby("replication").sum()
    for name in ("Lithuania", "Poland", "Latvia"):  # the record's arrivals: the detained
        np.testing.assert_allclose(
            per_rep[f"arrivals:{name}"].to_numpy().round(), res.runs[f"entries_{name}"], atol=1
        )
    packages = per_rep[["sanctions_packages:EU", "sanctions_packages:US/UK/Canada"]].sum(axis=1)
    assert (packages.to_numpy() == res.runs["sanctions_packages"].to_numpy()).all()


def test_series_do_not_depend_on_how_replications_are_chunked():
    sc = load(JULY).model_copy(update={"days": 20})
    whole = run_scenario(sc, 1200, 9, keep_traces=0, series=True).series
    parts = run_scenario(sc, 1200, 9, keep_traces=0, series=True, chunk_blocks=1).series
    pd.testing.assert_frame_equal(whole, parts)


def test_no_series_unless_asked():
    assert run_scenario(load(JULY), 5, 0, keep_traces=0).series is None
