"""backtest: one tiny origin end to end on the shipped record; bad origins exit 2."""

from __future__ import annotations

import json

import pandas as pd

from escalation_sim import cli
from tests.support import ROOT

WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"
TINY = ["--population", "6", "--generations", "1", "--replications", "20", "--quiet"]


def scenario(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(f"extends: {WINDOW}\nname: w\nstart: 2021-06-15\n")
    return path


def test_backtest_writes_items_skill_figure_and_dates_used(tmp_path, capsys):
    out = tmp_path / "bt"
    argv = [
        "backtest",
        str(scenario(tmp_path)),
        str(RECORD),
        "--origins",
        "2021-07-15",
        "--horizon",
        "14",
        "--out",
        str(out),
        *TINY,
    ]
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    items = pd.read_parquet(out / "backtest.parquet")
    assert set(items["origin"]) == {"2021-07-15"}
    assert "arrivals:Lithuania 2021-07-27" in set(items["item"])
    assert (out / "figures" / "backtest_skill.png").stat().st_size > 0
    assert (out / "origin_2021-07-15" / "posterior.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    (origin,) = manifest["origins"]
    assert origin["calibration_latest_observation_used"] < "2021-07-15"
    assert origin["baseline_latest_observation_used"] < "2021-07-15"
    assert "all origins:" in printed
    # the same command again on its own folder is accepted (calibrations continue)
    assert cli.main(argv) == 0


def test_bad_origins_and_folders_exit_2(tmp_path, capsys):
    sc = scenario(tmp_path)
    for origins, expected in (
        ("2021-07-40", "--origins: expected dates"),
        ("2021-06-10", "not after the scenario's start"),
        ("2021-06-16", "no observation lies inside the calibration window"),
        ("2021-07-15,2021-09-01", "no observation with a model output lies in the forecast"),
    ):
        argv = [
            "backtest",
            str(sc),
            str(RECORD),
            "--origins",
            origins,
            "--out",
            str(tmp_path / "x"),
            *TINY,
        ]
        assert cli.main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and expected in err[0]
    assert not (tmp_path / "x").exists()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    argv = ["backtest", str(sc), str(RECORD), "--origins", "2021-07-15", "--out", str(busy), *TINY]
    assert cli.main(argv) == 2
    assert "holds no backtest" in capsys.readouterr().err
