"""score: a stored `run --series` fixture scored against the shipped record; bad inputs exit 2."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from escalation_sim import cli
from tests.support import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "results"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


@pytest.fixture
def run_dir(tmp_path):
    out = tmp_path / "run"
    shutil.copytree(FIXTURES / "series_run", out)
    return out


def listing(folder):
    return sorted(
        (p.relative_to(folder).as_posix(), p.stat().st_mtime_ns) for p in folder.rglob("*")
    )


def test_score_writes_the_table_figures_and_records_them(run_dir, capsys):
    code = cli.main(["score", str(run_dir), str(RECORD), "--prior", str(FIXTURES / "series_prior")])
    out = capsys.readouterr().out
    assert code == 0
    table = pd.read_parquet(run_dir / "score.parquet")
    assert set(table["kind"]) == {"event", "count", "date"}
    # the nested running totals of 27 July and 6 August give 28 July .. 6 August
    inc = table.set_index("item").loc["arrivals:Lithuania 2021-07-28..2021-08-06"]
    assert inc["observed"] == 4112 - 3027
    assert {"statistical_score", "statistical_skill", "prior_score", "prior_skill"} <= set(table)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert {"score.parquet", "figures/reliability.png", "figures/pit.png"} <= set(
        manifest["derived"]
    )
    info = manifest["score"]
    assert info["forecast_from"] == "2021-07-15" and info["items"] == len(table)
    assert info["baseline_latest_observation_used"] < "2021-07-15"
    assert "arrivals:Lithuania 2021-07-28..2021-08-06" in out and "overall skill" in out
    dates = table[table["kind"] == "date"]
    held = int(dates["covered90"].sum())
    assert f"the 90% interval {held} of {len(dates)}" in out
    assert cli.main(["report", str(run_dir)]) == 0
    assert "Forecast scores" in (run_dir / "report.html").read_text()


def test_a_later_run_removes_the_scores_it_would_contradict(run_dir, tmp_path):
    assert cli.main(["score", str(run_dir), str(RECORD)]) == 0
    sc = ROOT / "tests" / "fixtures" / "scenarios" / "july_forecast.yaml"
    assert cli.main(["run", str(sc), "-n", "5", "--quiet", "--out", str(run_dir)]) == 0
    assert not (run_dir / "score.parquet").exists()
    assert "score" not in json.loads((run_dir / "manifest.json").read_text())


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("2021-07-40,Lithuania,arrivals,5,s,\n", ":2: date: expected a date"),
        ("2021-07-20,Lithuania,arivals,5,s,\n", ":2: quantity: unknown quantity 'arivals'"),
        ("2021-07-20,Lithuania,arrivals,-3,s,\n", ":2: value: expected a number >= 0"),
        ("2021-07-20,Estonia,arrivals,5,s,\n", ":2: actor: arrivals needs a frontline state"),
        ("2021-05-20,Lithuania,arrivals,5,s,\n", ": no observation with a model output lies"),
    ],
)
def test_bad_observed_files_exit_2_and_write_nothing(run_dir, tmp_path, capsys, rows, expected):
    rec = tmp_path / "bad.csv"
    rec.write_text("date,actor,quantity,value,source,note\n" + rows)
    before = listing(run_dir)
    assert cli.main(["score", str(run_dir), str(rec)]) == 2
    line = one_line_error(capsys)
    assert str(rec) in line and expected in line
    assert listing(run_dir) == before


def test_results_without_series_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "plain"
    shutil.copytree(FIXTURES / "run", out)
    before = listing(out)
    assert cli.main(["score", str(out), str(RECORD)]) == 2
    line = one_line_error(capsys)
    assert str(out) in line and "no series.parquet" in line and "--series" in line
    assert listing(out) == before


@pytest.mark.parametrize("folder", ["compare", "missing"])
def test_other_folders_exit_2(tmp_path, capsys, folder):
    path = tmp_path / folder
    if folder != "missing":
        shutil.copytree(FIXTURES / folder, path)
    before = listing(tmp_path)
    assert cli.main(["score", str(path), str(RECORD)]) == 2
    line = one_line_error(capsys)
    assert str(path) in line
    assert listing(tmp_path) == before


@pytest.mark.parametrize(("latest", "code"), [("2021-07-10", 0), ("2021-07-15", 2)])
def test_a_posterior_calibrated_after_the_forecast_date_is_refused(
    run_dir, tmp_path, capsys, latest, code
):
    cal = tmp_path / "cal"
    cal.mkdir()
    (cal / "manifest.json").write_text(
        json.dumps({"kind": "calibrate", "latest_observation_used": latest})
    )
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["ensemble"] = {"source": str(cal / "posterior.parquet"), "per_draw": 10}
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    assert cli.main(["score", str(run_dir), str(RECORD)]) == code
    if code == 2:
        assert "calibrated on observations up to 2021-07-15" in one_line_error(capsys)
        assert not (run_dir / "score.parquet").exists()
    else:
        info = json.loads((run_dir / "manifest.json").read_text())["score"]
        assert info["forecast_latest_observation_used"] == latest
