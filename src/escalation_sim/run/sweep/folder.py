"""A sweep's folder: lock, task parts, failures and manifest."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from escalation_sim.config.design import design_seed, salib_problem
from escalation_sim.config.scenario import content_hash
from escalation_sim.engine.randomness import BLOCK_SIZE
from escalation_sim.run.sweep.executors import SweepError
from escalation_sim.run.sweep.plan import Plan, Task
from escalation_sim.run.sweep.tasks import TaskOutput
from escalation_sim.store.files import atomic_write_bytes, atomic_write_json, now_iso
from escalation_sim.store.lock import LOCK, FolderBusy, FolderLock, describe, is_held, read_holder
from escalation_sim.store.results import (
    FAILURES,
    MANIFEST,
    new_manifest,
    read_manifest_checked,
    table_path,
)


# ====================================================================== store
def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_write(path: Path, data: bytes) -> None:
    """Write under a temporary name, fsync, rename over ``path``, fsync the folder."""
    atomic_write_bytes(path, data)
    _fsync_dir(path.parent)


class Store:
    """The files of one sweep folder."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.parts = self.out / "parts"
        self.manifest_path = self.out / MANIFEST
        self.failures_path = self.out / FAILURES
        self.lock_path = self.out / LOCK
        self._lock = FolderLock(self.out)

    # -- lock ---------------------------------------------------------------
    def read_lock(self) -> dict[str, Any] | None:
        """The record of the lock's last holder, or None (no lock file)."""
        return read_holder(self.out)

    def lock_state(self) -> tuple[str, dict[str, Any] | None]:
        """('free' | 'live' | 'stale' | 'foreign', holder).

        Live: a process holds the OS lock. Stale: the file of a holder that died
        (the OS dropped its lock). Foreign: the record of another host, whose lock
        this host cannot see on every file system: never taken over silently.
        """
        held = self.read_lock()
        if held is None:
            return "free", None
        if is_held(self.out):
            return "live", held
        if held.get("host") not in (None, socket.gethostname()):
            return "foreign", held
        return "stale", held

    def acquire(self, command: str, log: Callable[[str], None]) -> None:
        """Take the lock, or raise SweepError if a live sweep (or another host's) holds it."""
        state, held = self.lock_state()
        if state == "foreign":
            raise SweepError(
                f"{self.out} is locked by a sweep on another host ({describe(held)}); if it "
                f"is no longer running, delete {self.lock_path}"
            )
        try:
            self._lock.acquire(command)
        except FolderBusy as exc:
            raise SweepError(
                f"{self.out} is in use by a running sweep ({describe(exc.holder)}); "
                "wait for it to finish or stop it first"
            ) from None
        if self._lock.previous:
            log(f"taking over the stale lock of a sweep that is gone ({describe(held)})")
        _fsync_dir(self.out)

    def release(self) -> None:
        """Drop the lock if this process holds it."""
        self._lock.release()

    # -- manifest -----------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when there is none (a damaged one: a located InputError)."""
        return read_manifest_checked(self.out)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically (and durably)."""
        manifest["updated"] = now_iso()
        atomic_write_json(self.manifest_path, manifest)
        _fsync_dir(self.out)

    # -- parts --------------------------------------------------------------
    def part(self, task: int, kind: str = "runs") -> Path:
        """Path of one of a task's files: runs (the commit mark), daily, traces, events."""
        suffix = {
            "runs": ".parquet",
            "daily": ".daily.npz",
            "traces": ".traces.parquet",
            "events": ".events.parquet",
            "daily_frame": ".daily.parquet",
            "sums": ".sums.json",
        }[kind]
        return self.parts / f"task-{task:06d}{suffix}"

    def write(self, task: Task, out: TaskOutput) -> None:
        """Write a finished task: companions, their sizes and checksums, the runs part last.

        The runs part is the commit mark; the checksums (``task-N.sums.json``) let
        ``--resume`` find a companion damaged or lost after the task was written.
        """
        sums: dict[str, dict[str, Any]] = {}
        for kind, data in (
            ("daily", out.daily),
            ("traces", out.traces),
            ("events", out.events),
            ("daily_frame", out.daily_frame),
        ):
            if data is not None:
                durable_write(self.part(task.id, kind), data)
                sums[kind] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            else:
                self.part(task.id, kind).unlink(missing_ok=True)
        durable_write(self.part(task.id, "sums"), json.dumps(sums, indent=1).encode())
        durable_write(self.part(task.id), out.runs)

    def done(self, tasks: Iterable[Task], verify: bool = False) -> set[int]:
        """Ids of tasks whose results are on disk (``verify``: complete and intact)."""
        have = {p.name for p in self.parts.glob("task-*.parquet")} if self.parts.exists() else set()
        out = set()
        for t in tasks:
            path = self.part(t.id)
            if path.name not in have:
                continue
            if verify and not self._valid(t, path):
                path.unlink(missing_ok=True)  # the task is run again
                self.part(t.id, "sums").unlink(missing_ok=True)
                continue
            out.add(t.id)
        return out

    def _valid(self, task: Task, path: Path) -> bool:
        """The runs part is readable with the task's rows; every companion is as written."""
        try:
            if pq.ParquetFile(path).metadata.num_rows != task.runs:
                return False
            sums = json.loads(self.part(task.id, "sums").read_bytes())
            for kind, want in sums.items():
                data = self.part(task.id, kind).read_bytes()
                if len(data) != want["bytes"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
                    return False
            with zipfile.ZipFile(self.part(task.id, "daily")) as z:
                names = set(z.namelist())
            return all(f"d{d}_hist.npy" in names for d in task.design_points)
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, pa.ArrowException):
            return False

    def clean_temporaries(self) -> None:
        """Remove temporary files a killed writer left behind."""
        for folder in (self.out, self.parts):
            if folder.exists():
                for tmp in folder.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)

    # -- failures -----------------------------------------------------------
    def failures(self) -> pd.DataFrame:
        """Recorded task failures (empty frame if none)."""
        if not self.failures_path.exists():
            return pd.DataFrame(columns=FAILURE_COLUMNS)
        return pd.read_parquet(self.failures_path)

    def set_failures(self, frame: pd.DataFrame) -> None:
        """Replace the failures table (removed when empty)."""
        if len(frame):
            sink = pa.BufferOutputStream()
            table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
            pq.write_table(table, sink)
            durable_write(self.failures_path, sink.getvalue().to_pybytes())
        else:
            self.failures_path.unlink(missing_ok=True)


FAILURE_COLUMNS = [
    "task",
    "round",
    "design_points",
    "parameters",
    "seed",
    "error",
    "traceback",
    "worker",
    "created",
]


# ====================================================================== the sweep
def sweep_manifest(plan: Plan, command: str) -> dict[str, Any]:
    """The manifest of a new sweep (status 'running')."""
    exp = plan.experiment
    kinds = {p.path: p.kind for p in exp.parameters}
    return new_manifest(
        "sweep",
        command,
        experiment=exp.name,
        description=exp.description,
        experiment_file=exp.file,
        experiment_hash=exp.hash,
        scenario=exp.scenario.name,
        scenario_file=exp.scenario_file,
        scenario_hash=content_hash(exp.scenario),
        set=exp.fixed,
        design=exp.design,
        parameters=exp.raw_parameters(),
        parameter_types=kinds,
        samples=exp.samples,
        design_seed=design_seed(exp) if exp.samples is not None else None,
        design_points=[{"design_point": i, **pt} for i, pt in enumerate(plan.points)],
        variants=[{"variant": i, **v} for i, v in enumerate(plan.variants)],
        replications=exp.replications_spec(),
        seed=exp.seed,
        keep_traces=exp.keep_traces,
        task_size=exp.task_size,
        block_size=BLOCK_SIZE,
        config=exp.scenario.model_dump(mode="json"),
        salib_problem=salib_problem(exp),
        rounds=[{"round": 0, "tasks": [t.id for t in plan.tasks]}],
        tasks=[t.to_json() for t in plan.tasks],
        status="running",
        **({"ensemble": plan.ensemble.describe()} if plan.ensemble is not None else {}),
    )


def sweep_status(out: Path) -> dict[str, Any]:
    """Done / failed / remaining tasks and runs of a sweep folder."""
    store = Store(out)
    m = read_manifest_checked(out)
    if m is None or m.get("kind") != "sweep":
        raise SweepError(f"{out}: no sweep here (no manifest.json of kind 'sweep')")
    tasks = [Task.from_json(t) for t in m.get("tasks", [])]
    done = store.done(tasks)
    failures = store.failures()
    failed = {int(t) for t in failures["task"]} - done if len(failures) else set()
    state, held = store.lock_state()
    return {
        "manifest": m,
        "tasks": len(tasks),
        "done": len(done),
        "failed": sorted(failed),
        "remaining": len(tasks) - len(done) - len(failed),
        "runs_done": sum(t.runs for t in tasks if t.id in done),
        "runs_planned": sum(t.runs for t in tasks),
        "lock": state,
        "holder": held,
        "consolidated": table_path(store.out, "runs").exists() and m.get("status") == "complete",
        "partly_consolidated": table_path(store.out, "runs").exists()
        and m.get("status") != "complete",
    }
