"""Helpers for the sweep integration tests: subprocess sweeps and result comparison."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from tests.faults import Faults

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
TABLES = ("runs", "daily", "traces", "events")

# 8 design points x 20 replications, 40 days, one task per design point.
FIELDS = {
    "parameters": {
        "mechanisms.hostile_bias": [0.2, 0.4, 0.6, 0.8],
        "mechanisms.patron_restraint": [0.0, 1.0],
    },
    "replications": 20,
    "task_size": 20,
    "keep_traces": 2,
}


def env() -> dict[str, str]:
    """This worktree's code first on the path, then its root (for ``tests.faults``)."""
    out = os.environ.copy()
    path = (str(SRC), str(ROOT), out.get("PYTHONPATH"))
    out["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
    return out


def cli(faults: Faults | None = None) -> list[str]:
    """The command that runs ``escalation-sim``, with ``faults`` injected if given."""
    if faults is None:
        return [sys.executable, "-m", "escalation_sim"]
    return [sys.executable, "-m", "tests.faulty_cli", faults.to_json()]


def start_sweep(*args: str, log: Path, faults: Faults | None = None) -> subprocess.Popen:
    """`escalation-sim sweep ...` in its own session (so the test can signal its group)."""
    with open(log, "wb") as fh:
        return subprocess.Popen(
            [*cli(faults), "sweep", *args],
            env=env(),
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def parts(out: Path) -> int:
    folder = out / "parts"
    return len(list(folder.glob("task-??????.parquet"))) if folder.exists() else 0


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL, timeout: float = 30) -> int:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    return proc.wait(timeout=timeout)


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def assert_same(out: Path, reference: dict[str, pd.DataFrame]) -> None:
    got = tables(out)
    for name in TABLES:
        pd.testing.assert_frame_equal(got[name], reference[name], check_exact=True, obj=name)
    runs = got["runs"]
    assert not runs.duplicated(["design_point", "replication"]).any()
