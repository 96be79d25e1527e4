"""calibrate: a tiny ABC-SMC end to end, continued from its database; bad inputs exit 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from escalation_sim import cli
from tests.support import BASE, ROOT

WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


def small_scenario(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        f"extends: {WINDOW}\nname: w\nstart: 2021-07-25\nforecast_from: 2021-08-12\ndays: 30\n"
        "events: []\n"
    )
    return path


def test_calibrate_writes_posterior_and_continues(tmp_path, capsys):
    sc, out = small_scenario(tmp_path), tmp_path / "cal"
    argv = [
        "calibrate",
        str(sc),
        str(RECORD),
        "--population",
        "8",
        "--generations",
        "1",
        "--replications",
        "2",
        "--seed",
        "3",
        "--out",
        str(out),
        "--quiet",
    ]
    assert cli.main(argv) == 0
    post = pd.read_parquet(out / "posterior.parquet")
    assert len(post) == 8 and post["weight"].sum() == pytest.approx(1.0)
    screening = pd.read_csv(out / "screening.csv")
    calibrated = list(screening.loc[screening["calibrated"], "parameter"])
    assert sorted(c for c in post.columns if "." in c) == sorted(calibrated)
    assert "mechanisms.incident_hazard" not in post.columns  # the window cannot inform it
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["calibrated_parameters"]) == sorted(calibrated)
    assert manifest["kind"] == "calibrate" and manifest["status"] == "complete"
    assert manifest["latest_observation_used"] <= "2021-08-11"
    assert {f.name for f in (out / "figures").iterdir()} == {
        "posterior_marginals.png",
        "ess_per_generation.png",
        "posterior_predictive.png",
    }
    capsys.readouterr()
    argv[argv.index("--generations") + 1] = "2"
    argv.remove("--quiet")
    assert cli.main(argv) == 0
    assert "continuing from generation 1" in capsys.readouterr().err
    assert json.loads((out / "manifest.json").read_text())["generations_run"] == 1
    run_out = tmp_path / "run"
    assert (
        cli.main(
            [
                "run",
                str(sc),
                "-n",
                "20",
                "--per-draw",
                "2",
                "--parameters",
                str(out / "posterior.parquet"),
                "--out",
                str(run_out),
                "--quiet",
            ]
        )
        == 0
    )


def test_a_scenario_without_window_is_one_located_line(tmp_path, capsys):
    out = tmp_path / "cal"
    assert cli.main(["calibrate", str(BASE), str(RECORD), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{BASE}: forecast_from: " in err and "no calibration" in err
    assert not out.exists()


def test_no_observation_inside_the_window(tmp_path, capsys):
    rec = tmp_path / "o.csv"
    rec.write_text("date,actor,quantity,value,source,note\n2021-05-01,Lithuania,arrivals,3,s,\n")
    out = tmp_path / "cal"
    assert cli.main(["calibrate", str(WINDOW), str(rec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no observation lies inside the calibration window" in err
    assert not out.exists()


def test_a_row_after_the_forecast_date_and_an_unknown_actor(tmp_path, capsys):
    rec = tmp_path / "o.csv"
    rec.write_text("date,actor,quantity,value,source,note\n2021-08-20,Lithuania,arrivals,3,s,\n")
    assert cli.main(["calibrate", str(WINDOW), str(rec), "--out", str(tmp_path / "c")]) == 2
    assert f"{rec}:2: date: 2021-08-20 is after the forecast date" in capsys.readouterr().err
    rec.write_text("date,actor,quantity,value,source,note\n2021-07-01,Estonia,arrivals,3,s,\n")
    assert cli.main(["calibrate", str(WINDOW), str(rec), "--out", str(tmp_path / "c")]) == 2
    assert f"{rec}:2: actor: arrivals needs a frontline state" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
