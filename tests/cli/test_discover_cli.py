"""discover (PRIM boxes), main effects in analyze, export to CSV, shell completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from escalation_sim.cli.app import main
from escalation_sim.store.folder import save
from escalation_sim.store.results import load
from tests.support import ROOT

RESULTS = ROOT / "tests" / "fixtures" / "results"
pytest.importorskip("ema_workbench")


def copy_of(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(RESULTS / name, tmp_path / name))


def test_discover_prints_boxes_and_draws_them(tmp_path: Path, capsys) -> None:
    sobol = copy_of("sobol", tmp_path)
    assert main(["discover", str(sobol), "--outcome", "armed_incident", "--threshold", "0.02"]) == 0
    out = capsys.readouterr().out
    points = load(sobol).runs.groupby("design_point")["armed_incident"].mean()
    assert f"{(points >= 0.02).sum()} of {len(points)}" in out
    assert "box 1: coverage" in out and "density" in out and "patron_restraint <=" in out
    assert (sobol / "figures" / "discovery_trajectory_1.png").stat().st_size > 0
    assert (sobol / "figures" / "discovery_box_1.png").stat().st_size > 0
    assert "figures/discovery_box_1.png" in load(sobol).manifest["derived"]  # replaced with it


def test_discover_on_an_ensemble_run_uses_its_parameter_draws(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ensemble"
    run = ["run", str(ROOT / "scenarios" / "august_2021.yaml"), "-n", "400", "--set", "days=90"]
    assert main([*run, "--parameters", "prior", "--per-draw", "10", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["discover", str(out), "--no-plots"]) == 0
    text = capsys.readouterr().out
    runs = load(out).runs
    draws = runs.groupby("draw")["armed_incident"].mean()
    assert len(draws) == 40
    threshold = draws.mean()  # the default: the cases' average
    assert f"parameter draws with mean armed_incident >= {threshold:.3g}: " in text
    assert f"{(draws >= threshold).sum()} of 40" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["discover", str(RESULTS / "run")],
            "needs a sweep folder (parameters per design point) or",
        ),
        (["discover", str(RESULTS / "grid"), "--threshold", "0.9"], "choose a threshold"),
        (["discover", str(RESULTS / "grid"), "--outcome", "nope"], "no such column"),
    ],
)
def test_discover_bad_input_is_one_line_and_status_2(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_analyze_a_grid_sweep_prints_main_effects(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "effects.csv"
    argv = ["analyze", str(RESULTS / "grid"), "--outcome", "max_rung", "--csv", str(csv)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "main effects" in out and "incident_hazard" in out
    table = pd.read_csv(csv)
    runs = load(RESULTS / "grid").runs
    for (param, level), value in table.set_index(["parameter", "level"])["value"].items():
        assert value == pytest.approx(runs.loc[runs[param] == level, "max_rung"].mean())


def test_export_writes_csv_beside_parquet_and_save_clears_them(tmp_path: Path, capsys) -> None:
    run = copy_of("run", tmp_path)
    assert main(["export", str(run), "--format", "csv"]) == 0
    res = load(run)
    for table in ("runs", "daily", "events"):
        frame = pd.read_csv(run / f"{table}.csv")
        assert len(frame) == len(getattr(res, table)) and list(frame) == list(getattr(res, table))
    save(run, res)  # new results: the CSV files would be stale
    assert not (run / "runs.csv").exists()


def test_shell_completion_completes_commands(tmp_path: Path) -> None:
    out = tmp_path / "completions"
    env = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": "escalation-sim dis",
        "COMP_POINT": "18",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
    }
    script = Path(sys.executable).parent / "escalation-sim"
    subprocess.run([str(script)], env=env, check=True, timeout=60)
    assert out.read_text().split() == ["discover"]
