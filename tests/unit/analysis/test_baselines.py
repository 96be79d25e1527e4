"""The statistical baseline: fitted only on rows before the forecast date."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from escalation_sim.analysis.baselines import StatisticalBaseline, fit_hazard, fit_trend
from escalation_sim.analysis.items import Item
from escalation_sim.io.observed_file import load_observed

HEAD = "date,actor,quantity,value,source,note\n"
F = dt.date(2021, 7, 1)


def record(tmp_path, rows: str, name: str = "r.csv"):
    path = tmp_path / name
    path.write_text(HEAD + rows)
    return load_observed(path)


def test_constant_rate_from_one_or_two_rows(tmp_path):
    rec = record(tmp_path, "2021-06-01..2021-06-30,A,arrivals,60,s,\n")
    fit = fit_trend(rec, "arrivals:A", F)
    assert fit is not None and math.exp(fit.a) == pytest.approx(2.0) and fit.b == 0
    assert fit.alpha == 0 and fit.latest == dt.date(2021, 6, 30)


def test_running_totals_are_left_out_of_a_fit(tmp_path):
    rec = record(
        tmp_path,
        "2021-06-01..2021-06-30,A,arrivals,60,s,\n2021-01-01..2021-06-30,A,arrivals,5000,s,\n",
    )
    assert math.exp(fit_trend(rec, "arrivals:A", F).a) == pytest.approx(2.0)


def test_a_trend_is_recovered_from_growing_periods(tmp_path):
    rng = np.random.default_rng(0)
    rows, start = [], dt.date(2021, 1, 1)
    for k in range(12):  # 12 fortnights, daily rate doubling every 30 days
        a = start + dt.timedelta(days=15 * k)
        b = a + dt.timedelta(days=14)
        mid = ((a - F).days + (b - F).days) / 2
        value = rng.poisson(15 * 20 * 2 ** (mid / 30))
        rows.append(f"{a}..{b},A,arrivals,{value},s,\n")
    fit = fit_trend(record(tmp_path, "".join(rows)), "arrivals:A", F)
    assert fit is not None and fit.rows == 12
    assert fit.b == pytest.approx(np.log(2) / 30, rel=0.2)


def test_hazard_of_a_complete_list_and_of_none_so_far(tmp_path):
    rec = record(
        tmp_path,
        "2021-05-02,EU,sanctions_packages,1,s,\n2021-06-11,EU,sanctions_packages,1,s,\n"
        "2021-05-01..2021-06-29,A,armed_incidents,0,s,\n",
    )
    packages = fit_hazard(rec, "sanctions_packages:EU", F)
    assert math.exp(packages.a) == pytest.approx((2 + 0.5) / 60)  # 2 May .. 30 June
    armed = fit_hazard(rec, "armed_incidents:A", F)
    assert math.exp(armed.a) == pytest.approx(0.5 / 60)


def test_rows_after_the_forecast_date_never_change_the_baseline(tmp_path):
    clean = "2021-05-01..2021-05-31,A,arrivals,40,s,\n2021-06-01..2021-06-30,A,arrivals,90,s,\n"
    poison = (
        "2021-07-01..2021-07-05,A,arrivals,99999999,s,poison\n"
        "2021-06-20..2021-07-02,A,arrivals,12345678,s,straddles the forecast date\n"
    )
    it = Item("x", "count", "arrivals:A", F, F + dt.timedelta(days=13), 5, False, (1,), F)
    a = StatisticalBaseline(record(tmp_path, clean, "a.csv"), F, 3)(it)
    b = StatisticalBaseline(record(tmp_path, clean + poison, "b.csv"), F, 3)(it)
    assert np.array_equal(a, b)


def test_no_earlier_row_means_no_baseline(tmp_path):
    rec = record(tmp_path, "2021-07-02,A,arrivals,4,s,\n")
    it = Item("x", "count", "arrivals:A", F, F, 5, False, (1,), F)
    assert StatisticalBaseline(rec, F, 0)(it) is None
