"""Which observations a forecast window can be scored on."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation_sim.analysis.items import window_items
from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import load_observed

HEAD = "date,actor,quantity,value,source,note\n"
FRONT, SANC = ["A", "B"], ["EU"]
F, L = dt.date(2021, 7, 10), dt.date(2021, 7, 23)


def record(tmp_path, rows: str):
    path = tmp_path / "r.csv"
    path.write_text(HEAD + rows)
    return load_observed(path)


def by_key(items):
    return {i.key: i for i in items}


def test_rows_inside_the_window_are_counts_as_written(tmp_path):
    rec = record(
        tmp_path,
        "2021-07-12,A,arrivals,50,s,\n"
        "2021-07-01..2021-07-31,A,arrivals,900,s,straddles: not scorable\n"
        "2021-07-20..2021-07-30,B,pushbacks,9,s,ends after the window\n"
        "2021-07-12,A,emergency,1,s,no model output\n",
    )
    items = window_items(rec, F, L, FRONT, SANC)
    assert [i.key for i in items] == ["arrivals:A 2021-07-12"]
    assert items[0].observed == 50 and items[0].lines == (2,)


def test_a_zero_row_is_zero_on_every_day_of_its_overlap(tmp_path):
    rec = record(tmp_path, "2021-01-01..2021-08-12,A,armed_incidents,0,s,none so far\n")
    items = by_key(window_items(rec, F, L, FRONT, SANC))
    count = items["armed_incidents:A 2021-07-10..2021-07-23"]
    assert (count.first, count.last, count.observed) == (F, L, 0)
    event = items["armed_incidents:A >= 1 by 2021-07-23"]
    assert event.kind == "event" and event.observed == 0
    date = next(i for i in items.values() if i.kind == "date")
    assert date.censored and date.observed == 14  # days in the window: cut there


def test_nested_running_totals_give_the_count_between_their_ends(tmp_path):
    rec = record(
        tmp_path,
        "2021-01-01..2021-07-12,A,arrivals,300,s,\n2021-01-01..2021-07-20,A,arrivals,420,s,\n",
    )
    items = window_items(rec, F, L, FRONT, SANC)
    assert [(i.key, i.observed) for i in items] == [("arrivals:A 2021-07-13..2021-07-20", 120)]


def test_complete_lists_know_the_days_without_a_package(tmp_path):
    rec = record(
        tmp_path,
        "2021-06-21,EU,sanctions_packages,1,s,\n"
        "2021-07-15,EU,sanctions_packages,1,s,\n"
        "2021-07-18,EU,sanctions_packages,1,s,\n"
        "2021-07-23,A,arrivals,3,s,the record runs to the window's end\n",
    )
    items = by_key(window_items(rec, F, L, FRONT, SANC))
    assert items["sanctions_packages:EU 2021-07-10..2021-07-23"].observed == 2
    assert items["sanctions_packages:EU >= 1 by 2021-07-23"].observed == 1
    date = next(i for i in items.values() if i.kind == "date")
    assert date.observed == 5 and not date.censored  # 15 July is day 5 from 10 July


def test_complete_lists_end_with_the_record(tmp_path):
    rec = record(tmp_path, "2021-06-21,EU,sanctions_packages,1,s,\n2021-07-14,A,arrivals,3,s,\n")
    items = by_key(window_items(rec, F, L, FRONT, SANC))
    assert items["sanctions_packages:EU 2021-07-10..2021-07-14"].observed == 0


def test_an_actor_the_scenario_lacks_is_a_located_error(tmp_path):
    rec = record(tmp_path, "2021-07-12,Z,arrivals,5,s,\n")
    with pytest.raises(InputError) as err:
        window_items(rec, F, L, FRONT, SANC)
    assert "r.csv:2" in str(err.value) and "'Z'" in str(err.value)
