"""What a backtest origin may know: the record and the scenario cut at the origin."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load
from escalation_sim.run.backtest import cut_record, origin_scenario
from tests.support import ROOT

WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


def test_the_scenario_forecasts_from_the_origin_without_later_events():
    sc = load(WINDOW)
    o = dt.date(2021, 7, 29)
    cut = origin_scenario(sc, o, 14)
    assert cut.forecast_date == o and cut.days == (o - sc.start).days + 14
    names = {e.name for e in cut.events}
    assert "eu_june_2021" in names and "us_uk_canada_august_2021" not in names


def test_an_origin_not_after_the_start_is_an_error():
    with pytest.raises(InputError, match="not after the scenario's start"):
        origin_scenario(load(WINDOW), dt.date(2021, 6, 1), 14)


def test_the_record_keeps_only_rows_that_end_before_the_origin():
    o = dt.date(2021, 7, 15)
    rows = cut_record(load_observed(RECORD), o).rows
    assert rows and all(r.end < o for r in rows)
    assert not any(r.quantity == "arrivals" and str(r.start) == "2021-07-01" for r in rows)
