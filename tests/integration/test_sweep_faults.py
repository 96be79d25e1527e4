"""Faults: failing tasks, SIGKILL and resume, Ctrl-C, locks, dying workers, refusals.

Every test compares the final tables with an uninterrupted in-process run of the
same experiment: nothing lost, nothing doubled, bit for bit.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pandas as pd
import pytest

from escalation_sim.cli import main
from tests.faults import Faults, install
from tests.integration.sweep_helpers import (
    FIELDS,
    assert_same,
    kill_group,
    parts,
    start_sweep,
    tables,
    wait_for,
)
from tests.support import write_experiment


@pytest.fixture(scope="module")
def exp_path(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("exp"), name="faults", **FIELDS)


@pytest.fixture(scope="module")
def reference(exp_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out"
    assert main(["sweep", str(exp_path), "--out", str(out), "--workers", "0", "--quiet"]) == 0
    return tables(out)


def sweep(exp_path, out, *args):
    return main(["sweep", str(exp_path), "--out", str(out), "--quiet", *args])


def test_serial_one_and_two_workers_are_bit_identical(exp_path, reference, tmp_path):
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        assert sweep(exp_path, out, "--workers", workers) == 0
        assert_same(out, reference)


def test_failed_tasks_are_recorded_and_retried(exp_path, reference, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    with monkeypatch.context() as mp:
        install(Faults(fail={1, 6}), mp)
        assert sweep(exp_path, out, "--workers", "0") == 3
    err = capsys.readouterr().err
    assert "2 tasks failed" in err and "--retry-failed" in err
    failures = pd.read_parquet(out / "failures.parquet")
    assert failures["task"].tolist() == [1, 6]
    assert {"task", "parameters", "seed", "traceback"} <= set(failures.columns)
    assert "injected failure of task 1" in failures["traceback"][0]
    assert json.loads(failures["parameters"][0]) == [
        {"design_point": 1, "mechanisms.hostile_bias": 0.2, "mechanisms.patron_restraint": 1.0}
    ]
    assert len(failures["seed"][0]) == 1
    assert parts(out) == 6 and not (out / "runs.parquet").exists()
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    assert main(["status", str(out)]) == 0
    assert "6 done, 2 failed, 0 remaining of 8" in capsys.readouterr().out

    assert sweep(exp_path, out, "--workers", "0", "--resume") == 3  # failed tasks wait
    assert sweep(exp_path, out, "--workers", "0", "--retry-failed") == 0
    assert not (out / "failures.parquet").exists()
    assert_same(out, reference)


def test_sigkill_mid_run_then_resume(exp_path, reference, tmp_path, capsys):
    out = tmp_path / "out"
    proc = start_sweep(
        str(exp_path),
        "--out",
        str(out),
        "--workers",
        "1",
        log=tmp_path / "log.txt",
        faults=Faults(delay=0.4),
    )
    try:
        wait_for(lambda: parts(out) >= 2, what="two finished tasks")
        # A live sweep holds the folder: a second one is refused.
        assert sweep(exp_path, out, "--workers", "0", "--resume") == 2
        assert "in use by a running sweep" in capsys.readouterr().err
    finally:
        kill_group(proc, signal.SIGKILL)
    done = parts(out)
    assert 2 <= done < 8, (tmp_path / "log.txt").read_text()
    assert (out / "results.lock").exists()  # stale: its holder is dead
    assert main(["status", str(out)]) == 0
    assert "killed?" in capsys.readouterr().out
    assert sweep(exp_path, out, "--workers", "0") == 2  # a fresh sweep will not overwrite
    assert "use --resume" in capsys.readouterr().err

    assert sweep(exp_path, out, "--workers", "0", "--resume") == 0
    err = capsys.readouterr().err
    assert "taking over the stale lock" in err and f"{done} of 8 tasks done" in err
    assert_same(out, reference)


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(exp_path, reference, tmp_path):
    out = tmp_path / "out"
    log = tmp_path / "log.txt"
    proc = start_sweep(
        str(exp_path),
        "--out",
        str(out),
        "--workers",
        "2",
        log=log,
        faults=Faults(delay=0.4),
    )
    try:
        wait_for(lambda: parts(out) >= 1, what="a finished task")
    finally:
        code = kill_group(proc, signal.SIGINT)  # what a terminal's Ctrl-C sends
    text = log.read_text()
    assert code == 130, text
    assert "Traceback" not in text
    assert f"resume with: escalation-sim sweep {exp_path} --out {out} --resume" in text
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert not (out / "results.lock").exists()
    assert parts(out) < 8
    assert sweep(exp_path, out, "--workers", "0", "--resume") == 0
    assert_same(out, reference)


def test_dying_worker_process_is_replaced_and_its_task_rerun(exp_path, reference, tmp_path):
    out = tmp_path / "out"
    marks = tmp_path / "marks"
    marks.mkdir()
    proc = start_sweep(
        str(exp_path),
        "--out",
        str(out),
        "--workers",
        "2",
        "--quiet",
        log=tmp_path / "log.txt",
        faults=Faults(die={3}, die_once=marks),
    )
    assert proc.wait(timeout=120) == 0, (tmp_path / "log.txt").read_text()
    assert (marks / "died-3").exists()  # the worker running task 3 really was killed
    assert not (out / "failures.parquet").exists()
    assert_same(out, reference)


def test_resume_refuses_a_different_experiment(exp_path, tmp_path, capsys):
    out = tmp_path / "out"
    assert sweep(exp_path, out, "--workers", "0") == 0
    before = (out / "manifest.json").read_text()
    other = write_experiment(tmp_path, name="faults", **{**FIELDS, "seed": 12})
    capsys.readouterr()
    assert sweep(other, out, "--workers", "0", "--resume") == 2
    err = capsys.readouterr().err
    assert "different experiment" in err and err.count("\n") == 1
    assert sweep(exp_path, out, "--workers", "0", "--resume", "--replications", "5") == 2
    assert (out / "manifest.json").read_text() == before


def test_lock_held_by_a_live_process_refuses(exp_path, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    hold = (
        "import fcntl, json, os, socket, sys, time\n"
        f"fd = os.open({str(out / 'results.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "record = {'pid': os.getpid(), 'host': socket.gethostname(), 'started': 'now'}\n"
        "os.write(fd, json.dumps(record).encode())\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert sweep(exp_path, out, "--workers", "0") == 2
        assert f"PID {holder.pid}" in capsys.readouterr().err
        assert not (out / "manifest.json").exists()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert sweep(exp_path, out, "--workers", "0") == 0  # the holder is gone: lock is stale


def test_messages_name_the_command_that_continues(exp_path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    with monkeypatch.context() as mp:
        install(Faults(fail={0}), mp)
        assert sweep(exp_path, out, "--workers", "0", "--replications", "5") == 3
    err = capsys.readouterr().err
    assert f"--out {out} --replications 5 --retry-failed" in err
    assert sweep(exp_path, out, "--workers", "0", "--replications", "5", "--retry-failed") == 0


def test_resume_recomputes_a_task_whose_companion_part_is_damaged_or_lost(
    exp_path, reference, tmp_path, monkeypatch, capsys
):
    """Issue 15.5: every part a task wrote is checked on --resume, not only the runs part."""
    out = tmp_path / "out"
    with monkeypatch.context() as mp:
        install(Faults(fail={7}), mp)
        assert sweep(exp_path, out, "--workers", "0") == 3
    traces = sorted((out / "parts").glob("task-*.traces.parquet"))
    events = sorted((out / "parts").glob("task-*.events.parquet"))
    assert len(traces) >= 2 and events
    data = traces[0].read_bytes()
    traces[0].write_bytes(data[: len(data) // 2])  # truncated
    traces[1].unlink()  # lost
    flipped = bytearray(events[-1].read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF  # one damaged byte, same size
    events[-1].write_bytes(bytes(flipped))
    capsys.readouterr()
    assert sweep(exp_path, out, "--workers", "0", "--retry-failed") == 0
    assert "internal error" not in capsys.readouterr().err
    assert_same(out, reference)


def test_a_half_consolidated_sweep_is_not_read_as_complete(exp_path, reference, tmp_path, capsys):
    """Issue 15.8: killed after runs.parquet was renamed in: readers point to --resume."""
    out = tmp_path / "out"
    assert sweep(exp_path, out, "--workers", "0") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "running"  # as the sweep left it when killed mid-consolidation
    (out / "manifest.json").write_text(json.dumps(manifest))
    for name in ("daily.parquet", "traces.parquet", "events.parquet"):
        (out / name).unlink()
    capsys.readouterr()
    for command in (["plot", str(out)], ["report", str(out)], ["analyze", str(out)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "the sweep is not complete (status running)" in err and "--resume" in err
        assert err.count("\n") == 1
    assert not (out / "figures").exists() and not (out / "report.html").exists()
    assert main(["status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "(consolidated)" not in text and "consolidation did not finish" in text
    assert sweep(exp_path, out, "--workers", "0", "--resume") == 0
    assert_same(out, reference)
    assert main(["plot", str(out), "--dpi", "20"]) == 0


def test_resume_starts_a_sweep_that_never_wrote_its_manifest(exp_path, reference, tmp_path):
    """Issue 15.10: killed while writing the first manifest, or never started: --resume runs."""
    killed = tmp_path / "killed"
    (killed / "parts").mkdir(parents=True)
    (killed / ".manifest.json.k2j4x8.tmp").write_text('{"kind": "sw')  # the killed write
    assert sweep(exp_path, killed, "--workers", "0", "--resume") == 0
    assert_same(killed, reference)
    assert not list(killed.glob(".*.tmp"))
    for again in ([], ["--resume"]):  # a fresh sweep into such a folder runs too
        out = tmp_path / f"fresh{len(again)}"
        out.mkdir()
        (out / ".manifest.json.k2j4x8.tmp").write_text("")
        assert sweep(exp_path, out, "--workers", "0", *again) == 0
        assert_same(out, reference)
    never = tmp_path / "never" / "started"
    assert sweep(exp_path, never, "--workers", "0", "--retry-failed") == 0
    assert_same(never, reference)
