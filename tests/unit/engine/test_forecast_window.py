"""forecast_from: outcomes count from the forecast date; the days before are the window."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from escalation_sim.config.scenario import Scenario
from escalation_sim.io.errors import InputError
from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario
from tests.support import ROOT

WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"


def _with(sc: Scenario, **changes) -> Scenario:
    data = sc.model_dump()
    data.update(changes)
    return Scenario.model_validate(data)


def test_outcomes_plus_window_equal_the_whole_run():
    sc = _with(load(WINDOW), days=110)
    whole = run_scenario(_with(sc, forecast_from=None), 300, seed=5, keep_traces=0)
    split = run_scenario(sc, 300, seed=5, keep_traces=0, chunk_blocks=1)
    w = split.window
    assert whole.window is None and w.entries.shape == (sc.forecast_day, 3, 300)
    for i, name in enumerate(["Lithuania", "Poland", "Latvia"]):
        before = w.entries[:, i].sum(axis=0)  # counted like the authorities: entries
        np.testing.assert_allclose(
            before + split.runs[f"entries_{name}"], whole.runs[f"entries_{name}"], atol=1.0
        )
    armed = w.armed.sum(axis=(0, 1))
    np.testing.assert_array_equal(
        armed + split.runs["armed_incidents"], whole.runs["armed_incidents"]
    )
    first = split.runs["first_armed_incident_day"].dropna()
    assert (first >= sc.forecast_day).all()
    # the June and August scheduled rounds fall in the window, not in the outcomes
    assert (w.packages.sum(axis=(0, 1)) >= 3).all()


def test_default_scenario_has_no_window():
    sc = load(ROOT / "scenarios" / "august_2021.yaml")
    assert sc.forecast_date == sc.start and sc.forecast_day == 0


def test_forecast_from_outside_the_horizon_is_located(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {WINDOW}\nname: s\nforecast_from: 2021-05-01\n")
    with pytest.raises(InputError) as exc:
        load(path)
    assert str(exc.value).startswith(f"{path}:3: forecast_from: 2021-05-01 is outside")
    assert load(WINDOW).forecast_date == dt.date(2021, 8, 12)
