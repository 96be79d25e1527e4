"""`escalation-sim events`: one replication's story in the terminal, as CSV or JSON."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from escalation_sim.cli import main
from tests.support import BASE

SHORT = ["--set", "days=60"]


def run(capsys, *argv):
    code = main(["events", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_table(capsys):
    code, out, err = run(capsys, BASE, "--replication", "4", "--seed", "1", *SHORT)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("august_2021: replication 4 of seed 1, 60 days from 2021-08-12")
    assert any(line.startswith("date ") and "why" in line for line in lines)
    assert "2021-09-10" in out and "exercise zapad_2021 starts" in out


def test_dates_filter_the_rows(capsys):
    code, out, _ = run(
        capsys,
        BASE,
        "-r",
        "4",
        "--seed",
        "1",
        *SHORT,
        "--from",
        "2021-09-10",
        "--to",
        "2021-09-12",
        "--format",
        "csv",
    )
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    assert len(frame) > 0
    assert frame["date"].between("2021-09-10", "2021-09-12").all()
    assert (frame["replication"] == 4).all()


def test_json(capsys):
    code, out, _ = run(capsys, BASE, "-r", "0", *SHORT, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["seed"] == 0 and doc["replication"] == 0
    assert all(e["replication"] == 0 for e in doc["events"])


def test_same_story_as_the_python_api(capsys):
    from escalation_sim.io.scenario_file import load
    from escalation_sim.run.story import story

    code, out, _ = run(capsys, BASE, "-r", "3", "--seed", "2", *SHORT, "--format", "csv")
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    expected = story(load(BASE, ["days=60"]), 3, 2)
    assert list(frame["move"]) == list(expected["move"])
    assert list(frame["reason"]) == list(expected["reason"])
    numbers = re.findall(r"\d+\.\d+", out.split("\n", 1)[1])
    assert numbers and all(len(n.replace(".", "").lstrip("0")) <= 6 for n in numbers)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-r", "-1"], "--replication must be 0 or more"),
        (["-r", "0", "--seed", "-3"], "--seed must not be negative"),
        (["-r", "0", "--from", "2021-13-01"], "--from: expected a date like"),
        (["-r", "0", "--to", "yesterday"], "--to: expected a date like"),
        (["-r", "0", "--from", "2021-08-11"], "outside the horizon"),
        (["-r", "0", "--to", "2021-10-11"], "outside the horizon"),
        (["-r", "0", "--from", "2021-09-02", "--to", "2021-09-01"], "is after --to"),
        (
            ["-r", "0", "--set", "mechanisms.hostile_bais=0.1"],
            "did you mean 'mechanisms.hostile_bias'",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, argv, message):
    code, out, err = run(capsys, BASE, *SHORT, *argv)
    assert code == 2
    assert message in err
    assert out == ""


def test_missing_scenario_file(capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path / "nope.yaml"), "-r", "0")
    assert code == 2 and "file not found" in err


@pytest.mark.parametrize("argv", [[], ["-r", "0", "--format", "xml"], ["-r", "one"]])
def test_argparse_errors_exit_2(capsys, argv):
    code, _, _ = run(capsys, BASE, *argv)
    assert code == 2
