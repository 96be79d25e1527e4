"""The command line, in-process: outputs, summaries and bad input (exit 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from escalation_sim import cli
from tests.support import BASE, ROOT, write_experiment


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_writes_results_and_prints_summary(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(
        [
            "run",
            BASE,
            "-n",
            300,
            "--seed",
            7,
            "--set",
            "days=60",
            "--keep-traces",
            5,
            "--out",
            out_dir,
        ],
        capsys,
    )
    assert code == 0, err
    assert "P(armed incident)" in out and "Wilson" in out and "300 replications" in out
    assert out.splitlines()[1] == "  overrides: days=60"  # under the title
    runs = pd.read_parquet(out_dir / "runs.parquet")
    assert len(runs) == 300
    daily = pd.read_parquet(out_dir / "daily.parquet")
    assert len(daily) == 60
    traces = pd.read_parquet(out_dir / "traces.parquet")
    assert traces["replication"].nunique() == 5
    assert len(pd.read_parquet(out_dir / "events.parquet"))
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 300
    assert manifest["config"]["days"] == 60 and manifest["overrides"] == ["days=60"]
    assert len(manifest["scenario_hash"]) == 64 and "mesa" in manifest["versions"]
    assert not list(out_dir.glob(".*tmp"))


def test_same_command_same_numbers(tmp_path, capsys):
    args = ["run", BASE, "-n", 200, "--seed", 3, "--set", "days=40", "--quiet"]
    run([*args, "--out", tmp_path / "a"], capsys)
    run([*args, "--out", tmp_path / "b"], capsys)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a" / "runs.parquet"),
        pd.read_parquet(tmp_path / "b" / "runs.parquet"),
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--set", "mechanisms.hostile_bais=0.8"], "did you mean 'mechanisms.hostile_bias'"),
        (["--set", "mechanisms.hostile_bias=2"], "less than or equal to 1"),
        (["--set", "days=abc"], "days"),
        (["--replications", "0"], "at least 1"),
        (["--keep-traces", "-1"], "must not be negative"),
    ],
)
def test_bad_run_input_exits_2_and_writes_nothing(tmp_path, capsys, argv, needle):
    out_dir = tmp_path / "out"
    code, _, err = run(["run", BASE, "--out", out_dir, *argv], capsys)
    assert code == 2
    assert needle in err and err.startswith("error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out_dir.exists()


def test_bad_scenario_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE.read_text().replace("  hostile_bias: 0.5", "  hostile_bias: [0.5]"))
    code, _, err = run(["run", bad, "--out", tmp_path / "o"], capsys)
    assert code == 2 and f"{bad}:" in err and "mechanisms.hostile_bias" in err
    assert not (tmp_path / "o").exists()


def test_validate_reports_each_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    code, out, err = run(["validate", BASE, bad], capsys)
    assert code == 2
    assert "ok: " in out and "august_2021" in out
    assert f"error: {bad}" in err and "actors" in err
    code, out, _ = run(["validate", "--show", BASE], capsys)
    assert code == 0 and "hostile_bias: 0.5" in out


def test_describe_lists_every_parameter(capsys):
    code, out, _ = run(["describe"], capsys)
    assert code == 0
    for name in (
        "mechanisms.benefit_of_doubt",
        "mechanisms.nothing_to_lose",
        "mechanisms.retaliation",
        "mechanisms.hostile_bias",
        "mechanisms.perception_noise",
        "mechanisms.incident_hazard",
        "mechanisms.sanctions_ratchet",
        "mechanisms.war_atmosphere",
        "mechanisms.patron_restraint",
        "mechanisms.migration.supply",
    ):
        assert name in out
    assert "source:" in out and "range" in out
    code, out, _ = run(["describe", BASE], capsys)
    assert code == 0 and "actors.Lithuania.pushback = 0.8" in out
    assert "# resolved scenario" in out


def test_internal_error_is_short_and_debug_shows_traceback(monkeypatch, tmp_path, capsys):
    import escalation_sim.run.scenario as runner

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(runner, "run_scenario", boom)
    code, _, err = run(["run", BASE, "--out", tmp_path / "o"], capsys)
    assert code == 1 and "kaput" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "run", str(BASE), "--out", str(tmp_path / "o")])


def test_help_and_module_entry_point(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "run" in out and "describe" in out
    done = subprocess.run(
        [sys.executable, "-m", "escalation_sim", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "escalation-sim" in done.stdout
    code, _, err = run(["run"], capsys)
    assert code == 2 and "required" in err


def test_rerun_removes_figures_and_report_drawn_from_earlier_results(tmp_path, capsys):
    out_dir = tmp_path / "out"
    args = ["run", BASE, "-n", 50, "--set", "days=40", "--quiet", "--out", out_dir]
    assert run(args, capsys)[0] == 0
    assert run(["plot", out_dir, "--dpi", 20], capsys)[0] == 0
    assert run(["report", out_dir], capsys)[0] == 0
    drawn = list((out_dir / "figures").iterdir())
    assert drawn and (out_dir / "report.html").exists()
    code, _, err = run(args, capsys)
    assert code == 0
    assert not (out_dir / "figures").exists() and not (out_dir / "report.html").exists()
    assert "note: replaced the earlier run (august_2021, seed 0" in err and "runs.parquet" in err


# ---------------------------------------------------------------------- the folder's owner
def test_run_removes_only_files_it_wrote(tmp_path, capsys):
    """Issue 15.1: files a run did not write survive it, and a rerun, untouched."""
    out_dir = tmp_path / "p"
    (out_dir / "figures").mkdir(parents=True)
    (out_dir / "figures" / "a.tex").write_text("mine")
    (out_dir / "report.html").write_text("mine too")
    args = ["run", BASE, "-n", 10, "--set", "days=40", "--quiet", "--out", out_dir]
    for _ in range(2):
        assert run(args, capsys)[0] == 0
        assert (out_dir / "figures" / "a.tex").read_text() == "mine"
        assert (out_dir / "report.html").read_text() == "mine too"
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert set(manifest["outputs"]) == {
        "runs.parquet",
        "daily.parquet",
        "traces.parquet",
        "events.parquet",
    }


@pytest.mark.parametrize("name", ["../docs", "/no-such-root/abs", ".hidden", "a/b", "a\\b", ""])
def test_scenario_name_must_be_a_plain_name(tmp_path, capsys, monkeypatch, name):
    """Issue 15.1: a scenario name names results/<name>: it cannot leave results/."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {BASE}\nname: {json.dumps(name)}\n")
    code, _, err = run(["run", path, "-n", 10, "--quiet"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"{path}:2: name: expected a plain name" in err


def test_run_refuses_a_folder_holding_another_kind_of_result(tmp_path, capsys):
    """Issue 15.2: `run --out` a sweep folder (finished or not) leaves the sweep whole."""
    import shutil

    sweep = tmp_path / "sweep"
    shutil.copytree(ROOT / "tests" / "fixtures" / "results" / "grid", sweep)
    before = {p.name: p.read_bytes() for p in sweep.iterdir() if p.is_file()}
    args = ["run", BASE, "-n", 10, "--set", "days=40", "--quiet", "--out"]
    code, _, err = run([*args, sweep], capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"error: {sweep}: holds the results of a sweep (fixture_grid" in err
    assert {p.name: p.read_bytes() for p in sweep.iterdir() if p.is_file()} == before
    unfinished = tmp_path / "unfinished"
    (unfinished / "parts").mkdir(parents=True)
    (unfinished / "parts" / "task-000000.parquet").write_bytes(b"part")
    code, _, err = run([*args, unfinished], capsys)
    assert code == 2 and "holds an unfinished sweep (parts)" in err
    assert sorted(p.name for p in unfinished.iterdir()) == ["parts"]
    code, _, err = run(["compare", BASE, BASE, "-n", 10, "--quiet", "--out", sweep], capsys)
    assert code == 2 and "holds the results of a sweep" in err
    runs = tmp_path / "run"
    assert run([*args, runs], capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in runs.iterdir()}
    experiment = write_experiment(tmp_path)
    for again in ([], ["--resume"]):
        code, _, err = run(["sweep", experiment, "--out", runs, "--workers", 0, *again], capsys)
        assert code == 2 and "'run'" in err and "not a sweep" in err
    assert {p.name: p.read_bytes() for p in runs.iterdir()} == before


def test_a_run_holds_the_lock_and_readers_see_the_old_set_until_the_end(
    tmp_path, capsys, monkeypatch
):
    """Issue 15.3: a second writer is refused; a reader sees the old set while a run runs."""
    from escalation_sim.run import scenario as scenario_mod
    from escalation_sim.store.results import load

    out_dir = tmp_path / "out"
    args = ["run", BASE, "-n", 20, "--set", "days=40", "--quiet", "--out", out_dir]
    assert run([*args, "--seed", 1], capsys)[0] == 0
    old = load(out_dir)
    real = scenario_mod.run_scenario
    seen = {}

    def run_and_look(*a, **k):
        result = real(*a, **k)
        seen["second"] = cli.main([str(x) for x in [*args, "--seed", 3]])
        seen["during"] = load(out_dir)
        seen["files"] = sorted(p.name for p in out_dir.iterdir())
        return result

    monkeypatch.setattr(scenario_mod, "run_scenario", run_and_look)
    code, _, err = run([*args, "--seed", 2], capsys)
    assert code == 0, err
    assert seen["second"] == 2 and "in use by a running command" in err
    assert seen["during"].seed == 1 and seen["during"].runs.equals(old.runs)
    staging = [f for f in seen["files"] if f.startswith(".staging-")]
    assert len(staging) == 1 and "results.lock" in seen["files"]
    new = load(out_dir)
    assert new.seed == 2 and not new.runs.equals(old.runs)
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "daily.parquet",
        "events.parquet",
        "manifest.json",
        "runs.parquet",
        "traces.parquet",
    ]


def test_an_unwritable_folder_is_refused_before_the_simulation(tmp_path, capsys, monkeypatch):
    """Issue 15.12: the output folder is checked writable before any work is done."""
    import os

    from escalation_sim.run import scenario as scenario_mod

    monkeypatch.setattr(scenario_mod, "run_scenario", lambda *a, **k: pytest.fail("ran"))
    (tmp_path / "file").write_text("")
    folders = [tmp_path / "file" / "out"]  # below a file: no folder can be made there
    if os.geteuid() != 0:  # root writes into read-only folders
        folders.append(tmp_path / "ro")
        folders[-1].mkdir(mode=0o500)
    for out_dir in folders:
        code, _, err = run(["run", BASE, "-n", 10, "--quiet", "--out", out_dir], capsys)
        assert code == 2 and "cannot write here" in err and err.count("\n") == 1


def test_compare_without_traces_drops_the_old_traces(tmp_path, capsys):
    """Issue 15.9: no table of an earlier compare is read as part of the new one."""
    import shutil

    from escalation_sim.store.results import load

    other = ROOT / "scenarios" / "no_exercise.yaml"
    args = ["compare", BASE, other, "-n", 20, "--quiet", "--no-plots"]
    fresh, legacy = tmp_path / "fresh", tmp_path / "legacy"
    shutil.copytree(ROOT / "tests" / "fixtures" / "results" / "compare", legacy)
    assert (legacy / "traces.parquet").exists() or (legacy / "events.parquet").exists()
    assert run([*args, "--keep-traces", 3, "--out", fresh], capsys)[0] == 0
    assert len(load(fresh).events)
    for out_dir in (fresh, legacy):
        code, _, err = run([*args, "--keep-traces", 0, "--out", out_dir], capsys)
        assert code == 0, err
        res = load(out_dir)
        assert res.manifest["keep_traces"] == 0 and res.runs["scenario"].nunique() == 2
        for table in (res.traces, res.events):
            assert table is None or table.empty


def test_every_command_describes_itself_and_every_format_option(capsys):
    from escalation_sim.cli.app import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    for name, command in sub.choices.items():
        assert command.description, f"{name} has no description in --help"
        for action in command._actions:
            if "--format" in action.option_strings:
                assert action.help, f"{name} --format has no help"


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_is_accepted_before_or_after_the_command(monkeypatch, where):
    from escalation_sim.cli import results_commands

    def broken(path):
        raise RuntimeError("boom")

    monkeypatch.setattr(results_commands, "_results", broken)
    argv = ["plot", "somewhere"]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    with pytest.raises(RuntimeError, match="boom"):  # the traceback, not a short message
        cli.main(argv)
    assert cli.main(["plot", "somewhere"]) == 1


def test_validate_counts_in_words(capsys):
    code, out, err = run(["validate", ROOT / "scenarios" / "no_exercise.yaml"], capsys)
    assert code == 0, err
    assert "7 actors, 1 event," in out
