"""Observed records: the loader's located errors, and the shipped record's honesty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from escalation_sim import cli
from escalation_sim.config.observed import QUANTITIES
from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import load_observed, rows_in_window
from escalation_sim.io.scenario_file import load
from tests.support import ROOT

HEADER = "date,actor,quantity,value,source,note\n"
GOOD = "2021-07-01..2021-07-31,Lithuania,arrivals,2882,VSAT,July\n"
RECORDS = sorted((ROOT / "data" / "observed").glob("*.csv"))
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "obs.csv"
    path.write_text(text)
    return path


def test_a_good_record_loads(tmp_path):
    path = write(tmp_path, "# a comment\n" + HEADER + GOOD + "2021-08-09,EU,accusation,1,a,\n")
    rec = load_observed(path)
    assert [r.line for r in rec.rows] == [3, 4]
    first = rec.rows[0]
    assert (first.start, first.end, first.value) == (
        dt.date(2021, 7, 1),
        dt.date(2021, 7, 31),
        2882,
    )
    assert rec.last_date == dt.date(2021, 8, 9)


@pytest.mark.parametrize(
    "row,where,message",
    [
        ("2021-07-01,Lithuania,arivals,5,s,\n", "quantity", "unknown quantity 'arivals' (did you"),
        ("2021-07-01,Lithuania,arrivals,many,s,\n", "value", "expected a number, got 'many'"),
        ("2021-07-01,Lithuania,arrivals,-3,s,\n", "value", "expected a number >= 0"),
        ("2021-13-01,Lithuania,arrivals,5,s,\n", "date", "expected a date YYYY-MM-DD"),
        ("2021-07-09..2021-07-01,Lithuania,arrivals,5,s,\n", "date", "period ends"),
        ("2021-07-01,Lithuania,arrivals,5,,\n", "source", "every observation needs a source"),
        ("2021-07-01,Lithuania,emergency,2,s,\n", "value", "emergency is an event"),
        ("2021-07-01,Lithuania,arrivals,5,s,n,extra\n", None, "more field(s) than the header"),
        (
            GOOD,
            None,
            "duplicate observation: arrivals of Lithuania on 2021-07-01..2021-07-31 "
            "is already on line 2",
        ),
    ],
)
def test_bad_rows_are_one_located_line(tmp_path, row, where, message):
    path = write(tmp_path, HEADER + GOOD + row)
    with pytest.raises(InputError) as exc:
        load_observed(path)
    text = str(exc.value)
    prefix = f"{path}:3: " + (f"{where}: " if where else "")
    assert text.startswith(prefix) and message in text, text
    assert "\n" not in text


def test_bad_header_and_empty_file(tmp_path):
    with pytest.raises(InputError, match=r":1: expected the header .*unknown 'quantiy'"):
        load_observed(write(tmp_path, "date,actor,quantiy,value,source,note\n" + GOOD))
    with pytest.raises(InputError, match="empty observed record"):
        load_observed(write(tmp_path, "# nothing\n"))


def test_window_rejects_the_future_and_needs_a_row_inside(tmp_path):
    path = write(tmp_path, HEADER + GOOD + "2021-08-13,Latvia,arrivals,10,s,\n")
    rec = load_observed(path)
    with pytest.raises(InputError) as exc:
        rows_in_window(rec, dt.date(2021, 6, 1), dt.date(2021, 8, 12))
    assert str(exc.value).startswith(f"{path}:3: date: 2021-08-13 is after the forecast date")
    with pytest.raises(InputError, match="no observation lies inside the calibration window"):
        rows_in_window(
            load_observed(write(tmp_path, HEADER + GOOD)), dt.date(2021, 8, 1), dt.date(2021, 8, 12)
        )
    inside = rows_in_window(
        load_observed(write(tmp_path, HEADER + GOOD)), dt.date(2021, 6, 1), dt.date(2021, 8, 12)
    )
    assert len(inside) == 1


def test_validate_reports_a_bad_record_with_exit_2(tmp_path, capsys):
    path = write(tmp_path, HEADER + "2021-07-01,Lithuania,arrivals,x,s,\n")
    assert cli.main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and f"{path}:2: value:" in err
    assert cli.main(["validate", str(RECORDS[0])]) == 0


def test_the_shipped_record_exists_and_every_row_has_a_source():
    assert RECORDS, "data/observed/ ships no record"
    for path in RECORDS:
        rec = load_observed(path)
        assert all(r.source for r in rec.rows)
        assert {r.quantity for r in rec.rows} <= set(QUANTITIES)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_no_shipped_row_is_dated_after_the_forecast_date(scenario):
    sc = load(scenario)
    for path in RECORDS:
        for r in load_observed(path).rows:
            assert r.end <= sc.forecast_date, f"{path}:{r.line} is after {sc.forecast_date}"
