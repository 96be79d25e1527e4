"""Issue 15.7: the folder lock is an OS lock; a dead holder releases it by dying."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time
from pathlib import Path

import pytest

from escalation_sim.run.sweep.executors import SweepError
from escalation_sim.run.sweep.folder import Store

ROUNDS, CONTENDERS = 40, 4


def stale_record(out: Path, pid: int) -> None:
    """The lock file a holder left when it died (the OS lock went with it)."""
    record = {"pid": pid, "host": socket.gethostname(), "started": "before the crash"}
    Store(out).lock_path.write_text(json.dumps(record))


def contend(out: str, start: float) -> int:
    """Take the sweep lock; while holding it, claim the folder exclusively. 1 = a clash."""
    while time.time() < start:
        pass
    store = Store(Path(out))
    try:
        store.acquire("test", lambda text: None)
    except SweepError:
        return 0
    try:
        mark = os.open(Path(out) / "holder", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return 1  # someone else believes they hold the lock too
    time.sleep(0.002)
    os.close(mark)
    os.unlink(Path(out) / "holder")
    store.release()
    return 0


def test_only_one_process_takes_over_a_stale_lock(tmp_path):
    ctx = multiprocessing.get_context("fork")
    clashes = 0
    with ctx.Pool(CONTENDERS) as pool:
        for i in range(ROUNDS):
            out = tmp_path / f"r{i}"
            out.mkdir()
            stale_record(out, 2**22 + 1)  # no such process
            start = time.time() + 0.05
            clashes += sum(pool.starmap(contend, [(str(out), start)] * CONTENDERS))
    assert clashes == 0


def test_a_live_pid_that_does_not_hold_the_lock_does_not_block(tmp_path, capsys):
    """After a reboot the recorded PID may belong to another process: not a holder."""
    stale_record(tmp_path, os.getppid())
    store = Store(tmp_path)
    assert store.lock_state()[0] == "stale"
    said = []
    store.acquire("resume", said.append)
    try:
        assert said and "taking over the stale lock" in said[0]
        record = json.loads(store.lock_path.read_text())
        assert record["pid"] == os.getpid() and record["command"] == "resume"
        assert Store(tmp_path).lock_state()[0] == "live"
        with pytest.raises(SweepError, match="in use by a running sweep"):
            Store(tmp_path).acquire("second", said.append)
    finally:
        store.release()
    assert not store.lock_path.exists()
    assert Store(tmp_path).lock_state()[0] == "free"
