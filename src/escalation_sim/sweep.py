"""Batch sweeps: an experiment expanded into fixed tasks, run anywhere, stored crash-safe.

Three layers, each replaceable:

* **Plan** -- :func:`expand` turns a checked
  :class:`~escalation_sim.experiment.Experiment` into design points and
  numbered tasks. It is a pure function of the experiment: design point ``d``,
  block ``b`` always gets seed ``block_seed(master, d, b)`` and holds
  replications ``b * BLOCK_SIZE ..``; tasks pack consecutive (design point,
  block) pairs into one vectorised model call of at most ``task_size`` runs and
  :data:`MAX_POINTS_PER_TASK` design points. Nothing depends on the number or
  kind of workers. Adaptive replications (``until``) add blocks round by round
  with :func:`next_round`, again a pure function of the finished results.
* **Task function** -- :func:`run_task` runs one task and returns its results
  as bytes (Parquet runs, compressed daily summary arrays, kept traces and
  events). It writes nothing, so a task that is rerun (a Dask worker that
  died, a resumed sweep) gives the same bytes. Exceptions become a failed
  :class:`TaskOutput` carrying the traceback.
* **Executors and store** -- in-process (:class:`SerialExecutor`), a local
  process pool (:class:`PoolExecutor`, the default) or a Dask cluster
  (:class:`DaskExecutor`) yield task outputs; the parent alone writes them
  (:class:`Store`): one part per finished task, each file written under a
  temporary name, synced and renamed, the runs part last as the task's commit
  mark. A lock file keeps a second sweep out; the manifest records the
  experiment hash so ``--resume`` refuses a different experiment. At the end
  the parts are consolidated, streaming, into ``runs.parquet``,
  ``daily.parquet``, ``traces.parquet`` and ``events.parquet``.

Test hooks (read only inside the task function, for fault-injection tests):
``ESCALATION_SIM_FAIL_TASKS=3,7`` makes those task ids raise;
``ESCALATION_SIM_DIE_TASKS=3`` makes the worker process running those tasks
kill itself with SIGKILL (only on the first attempt when
``ESCALATION_SIM_DIE_ONCE_DIR`` names a folder for attempt markers);
``ESCALATION_SIM_TASK_DELAY=0.5`` sleeps that many seconds in every task.
"""

from __future__ import annotations

import collections
import gc
import io
import json
import math
import multiprocessing
import os
import signal
import socket
import sys
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from escalation_sim.config import Scenario
from escalation_sim.experiment import (
    MODEL_LEVEL,
    Adaptive,
    Experiment,
    design_points,
    design_seed,
    salib_problem,
    scenario_variant,
)
from escalation_sim.model import BLOCK_SIZE, Block, EscalationModel, block_seed
from escalation_sim.outcomes import DailySummary, wilson_interval
from escalation_sim.scenario import content_hash
from escalation_sim.store import atomic_write_bytes, atomic_write_json, git_commit, now_iso

MAX_POINTS_PER_TASK = 16  # each design point in a model keeps a ~7 MB daily histogram
MAX_ATTEMPTS = 3  # a task whose worker process dies is rerun up to this many times in all
# A local worker is replaced (forked afresh from the fork server, ~20 ms) after this many
# tasks: a long-lived worker's memory creeps up ~80 MB as it un-shares the fork server's
# pages and its allocators keep freed memory; fresh workers keep the tree's peak flat.
TASKS_PER_WORKER = 4
ROUND_TO = BLOCK_SIZE  # adaptive rounds grow a design point to whole blocks


class SweepError(Exception):
    """A sweep cannot start or go on: refused resume, lock held, inconsistent folder."""


class SweepInterrupted(Exception):
    """Ctrl-C (or SIGTERM): the sweep stopped cleanly; the message says how to resume."""


# ====================================================================== plan
@dataclass(frozen=True)
class Unit:
    """Replications ``start .. stop-1`` of block ``block`` of design point ``design_point``.

    The model simulates the block's first ``stop`` replications (a block's
    replication depends only on its seed and position) and keeps those from
    ``start``: an adaptive round extends a block that an earlier round left short.
    """

    design_point: int
    block: int
    seed: int
    start: int
    stop: int

    @property
    def runs(self) -> int:
        """Replications this unit adds."""
        return self.stop - self.start

    def to_json(self) -> dict[str, int]:
        """Manifest form."""
        return {
            "design_point": self.design_point,
            "block": self.block,
            "seed": self.seed,
            "start": self.start,
            "stop": self.stop,
        }


@dataclass(frozen=True)
class Task:
    """A fixed batch of units, run as one vectorised model call."""

    id: int
    round: int
    variant: int
    units: tuple[Unit, ...]

    @property
    def runs(self) -> int:
        """Replications this task adds to the results."""
        return sum(u.runs for u in self.units)

    @property
    def simulated(self) -> int:
        """Replications this task simulates (``runs`` plus any re-simulated prefix)."""
        return sum(u.stop for u in self.units)

    @property
    def design_points(self) -> list[int]:
        """Design points in this task, in order."""
        return list(dict.fromkeys(u.design_point for u in self.units))

    def to_json(self) -> dict[str, Any]:
        """Manifest form."""
        return {
            "task": self.id,
            "round": self.round,
            "variant": self.variant,
            "runs": self.runs,
            "design_points": self.design_points,
            "blocks": [u.to_json() for u in self.units],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Task:
        """Inverse of :meth:`to_json`."""
        return cls(
            int(data["task"]),
            int(data["round"]),
            int(data["variant"]),
            tuple(Unit(**{k: int(v) for k, v in b.items()}) for b in data["blocks"]),
        )


@dataclass(frozen=True)
class Plan:
    """An experiment expanded: design points, model-level variants, round-0 tasks."""

    experiment: Experiment
    points: tuple[dict[str, Any], ...]
    variants: tuple[dict[str, Any], ...]  # model-level parameter values of each variant
    point_variant: tuple[int, ...]
    tasks: tuple[Task, ...]  # all tasks (fixed replications) or round 0 (adaptive)
    scenarios: tuple[Scenario, ...] = field(repr=False, default=())

    @property
    def adaptive(self) -> Adaptive | None:
        """The adaptive replication rule, if any."""
        reps = self.experiment.replications
        return reps if isinstance(reps, Adaptive) else None

    @property
    def override_paths(self) -> list[str]:
        """Swept paths passed to the engine as per-replication arrays."""
        return [p for p in self.experiment.paths if p not in MODEL_LEVEL]

    def runs_range(self) -> tuple[int, int]:
        """Fewest and most replication-runs the sweep can take."""
        n = len(self.points)
        a = self.adaptive
        if a is None:
            total = n * int(self.experiment.replications)  # type: ignore[arg-type]
            return total, total
        return n * a.min, n * a.max


def _units(master: int, point: int, first: int, stop: int) -> list[Unit]:
    """Units holding replications ``first .. stop-1`` of a design point."""
    out = []
    for b in range(first // BLOCK_SIZE, -(-stop // BLOCK_SIZE)):
        lo, hi = b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE
        out.append(
            Unit(
                point,
                b,
                block_seed(master, point, b),
                max(first, lo) - lo,
                min(stop, hi) - lo,
            )
        )
    return out


def pack(
    units: Iterable[Unit],
    first_id: int,
    round_no: int,
    point_variant: tuple[int, ...],
    task_size: int,
) -> list[Task]:
    """Consecutive units into tasks: one variant each, at most ``task_size`` simulated runs."""
    tasks: list[Task] = []
    cur: list[Unit] = []
    runs = 0
    points: set[int] = set()
    variant = -1

    def flush() -> None:
        nonlocal cur, runs, points
        if cur:
            tasks.append(Task(first_id + len(tasks), round_no, variant, tuple(cur)))
        cur, runs, points = [], 0, set()

    for u in units:
        v = point_variant[u.design_point]
        new_point = u.design_point not in points
        if cur and (
            v != variant
            or runs + u.stop > task_size
            or (new_point and len(points) >= MAX_POINTS_PER_TASK)
        ):
            flush()
        variant = v
        cur.append(u)
        runs += u.stop
        points.add(u.design_point)
    flush()
    return tasks


def expand(exp: Experiment) -> Plan:
    """Design points, variants and (round-0) tasks of an experiment: a pure function."""
    points = design_points(exp)
    level = [p for p in exp.paths if p in MODEL_LEVEL]
    variant_index: dict[tuple[Any, ...], int] = {}
    point_variant = []
    for pt in points:
        key = tuple(pt[p] for p in level)
        point_variant.append(variant_index.setdefault(key, len(variant_index)))
    variants = tuple(dict(zip(level, key, strict=True)) for key in variant_index)
    scenarios = tuple(scenario_variant(exp.scenario, v) for v in variants)
    reps = exp.replications
    first = reps.min if isinstance(reps, Adaptive) else reps
    units = [u for d in range(len(points)) for u in _units(exp.seed, d, 0, first)]
    tasks = pack(units, 0, 0, tuple(point_variant), exp.task_size)
    return Plan(exp, tuple(points), variants, tuple(point_variant), tuple(tasks), scenarios)


def wilson_half_width(k: int, n: int, z: float) -> float:
    """Half-width of the Wilson score interval of k successes in n trials."""
    return _half_at(k / n, n, z)


def _half_at(p: float, m: int, z: float) -> float:
    return z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def next_round(
    plan: Plan, counts: dict[int, tuple[int, int]], round_no: int, first_id: int
) -> list[Task]:
    """Tasks of the next adaptive round from ``counts`` {design point: (k, n)}.

    A design point whose Wilson interval half-width is still above the target
    (and that has fewer than ``max`` replications) grows to the smallest
    number of replications at which the half-width at its current proportion
    would reach the target, rounded up to whole blocks (at least one more
    replication, at most ``max``). Deterministic: same counts, same tasks.
    """
    a = plan.adaptive
    if a is None:
        return []
    z = _z(a.confidence)
    units: list[Unit] = []
    for d in range(len(plan.points)):
        k, n = counts[d]
        if n >= a.max or wilson_half_width(k, n, z) <= a.ci_half_width:
            continue
        p = k / n
        lo, hi = n + 1, a.max
        if _half_at(p, hi, z) > a.ci_half_width:
            need = hi
        else:
            while lo < hi:  # smallest m with half-width(p, m) <= target
                mid = (lo + hi) // 2
                if _half_at(p, mid, z) <= a.ci_half_width:
                    hi = mid
                else:
                    lo = mid + 1
            need = lo
        target = min(a.max, -(-need // ROUND_TO) * ROUND_TO)
        units.extend(_units(plan.experiment.seed, d, n, target))
    return pack(units, first_id, round_no, plan.point_variant, plan.experiment.task_size)


# ====================================================================== task function
@dataclass
class TaskPayload:
    """Everything a worker needs for one task (small; pickled to the worker)."""

    task: Task
    config: str  # JSON of the task's scenario (model-level values applied)
    config_hash: str
    paths: list[str]  # every swept path: a column of the runs table
    kinds: dict[str, str]  # path -> float | int | bool
    overrides: list[str]  # swept paths passed as per-replication arrays
    values: dict[int, dict[str, Any]]  # design point -> swept values
    keep_traces: int
    complete: list[int] = field(default_factory=list)  # points with all their runs here


@dataclass
class TaskOutput:
    """What a task returns: its tables as bytes, or the error that stopped it."""

    task: int
    ok: bool
    runs: bytes = b""
    daily: bytes = b""
    traces: bytes | None = None
    events: bytes | None = None
    daily_frame: bytes | None = None  # daily frames of the points complete in this task
    rows: int = 0
    error: str = ""
    traceback: str = ""
    seconds: float = 0.0
    worker: str = ""


_SCENARIOS: dict[str, Scenario] = {}


def _scenario(payload: TaskPayload) -> Scenario:
    sc = _SCENARIOS.get(payload.config_hash)
    if sc is None:
        if len(_SCENARIOS) > 16:
            _SCENARIOS.clear()
        sc = _SCENARIOS[payload.config_hash] = Scenario.model_validate_json(payload.config)
    return sc


def _ids(env: str) -> set[int]:
    text = os.environ.get(env, "")
    return {int(x) for x in text.replace(" ", "").split(",") if x}


def _test_hooks(task_id: int) -> None:
    """Deliberate faults for tests (see the module docstring); no-ops unless set."""
    delay = os.environ.get("ESCALATION_SIM_TASK_DELAY")
    if delay:
        time.sleep(float(delay))
    if task_id in _ids("ESCALATION_SIM_DIE_TASKS"):
        marks = os.environ.get("ESCALATION_SIM_DIE_ONCE_DIR")
        mark = Path(marks) / f"died-{task_id}" if marks else None
        if mark is None or not mark.exists():
            if mark is not None:
                mark.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
    if task_id in _ids("ESCALATION_SIM_FAIL_TASKS"):
        raise RuntimeError(f"injected failure of task {task_id} (ESCALATION_SIM_FAIL_TASKS)")


def _column(kind: str, values: np.ndarray) -> np.ndarray:
    dtype = {"float": np.float64, "int": np.int64, "bool": np.bool_}[kind]
    return np.asarray(values, dtype=dtype)


def _to_parquet(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` (readable by ``np.load``) compressed fast: zlib level 1, not 6.

    The daily histograms are mostly zeros; level 1 is three times faster for
    ~10% more bytes, which matters at one archive per design point and task.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, arr in arrays.items():
            with z.open(f"{name}.npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(arr), allow_pickle=False)
    return buf.getvalue()


def _arrays(payload: TaskPayload, sizes: list[tuple[int, int]]) -> dict[str, np.ndarray]:
    """Per-replication override arrays for ``sizes`` [(design point, replications)]."""
    out = {}
    for path in payload.overrides:
        kind = payload.kinds[path]
        out[path] = np.concatenate(
            [
                np.full(n, payload.values[d][path], dtype=bool if kind == "bool" else float)
                for d, n in sizes
            ]
        )
    return out


def _compute(payload: TaskPayload) -> TaskOutput:
    task = payload.task
    sc = _scenario(payload)
    units = task.units
    blocks = [Block(u.seed, u.stop) for u in units]
    # Groups: a re-simulated prefix (start > 0) is its own group, then dropped.
    segments: list[tuple[int | None, int]] = []
    for u in units:
        pieces = (
            [(None, u.start), (u.design_point, u.runs)] if u.start else [(u.design_point, u.stop)]
        )
        for d, n in pieces:
            if segments and d is not None and segments[-1][0] == d:
                segments[-1] = (d, segments[-1][1] + n)
            else:
                segments.append((d, n))
    model = EscalationModel(
        sc,
        blocks=blocks,
        overrides=_arrays(payload, [(u.design_point, u.stop) for u in units]),
        groups=[n for _, n in segments],
    ).run()
    result = model.result()

    keep = np.concatenate([np.arange(u.stop) >= u.start for u in units])
    runs = result.runs.loc[keep].reset_index(drop=True)
    point = np.concatenate([np.full(u.runs, u.design_point, np.int64) for u in units])
    block = np.concatenate([np.full(u.runs, u.block, np.int64) for u in units])
    cols: dict[str, Any] = {"design_point": point}
    for path in payload.paths:
        cols[path] = _column(
            payload.kinds[path],
            np.concatenate([np.full(u.runs, payload.values[u.design_point][path]) for u in units]),
        )
    cols["replication"] = block * BLOCK_SIZE + runs["block_position"].to_numpy()
    cols["seed"] = runs["seed"].to_numpy()
    cols["block_position"] = runs["block_position"].to_numpy()
    for name in runs.columns:
        if name not in ("replication", "seed", "block_position"):
            cols[name] = runs[name].to_numpy()
    frame = pd.DataFrame(cols)

    arrays: dict[str, np.ndarray] = {}
    for (d, _n), daily in zip(segments, result.daily_by_group or [], strict=True):
        if d is None:
            continue
        for name in ("rung_counts", "hist", "sums"):
            key = f"d{d}_{name}"
            value = getattr(daily, name)
            arrays[key] = arrays[key] + value if key in arrays else value
    daily_npz = _npz(arrays)
    # Points whose runs all lie in this task: their daily frame (quantiles from the
    # histograms) is final, so the workers compute it rather than the parent at the end.
    frames = []
    for d, daily in zip(segments, result.daily_by_group or [], strict=True):
        if d[0] is not None and d[0] in payload.complete:
            frame_d = daily.to_frame()
            frame_d.insert(0, "design_point", d[0])
            frames.append(frame_d)
    daily_frame = _to_parquet(pd.concat(frames, ignore_index=True)) if frames else None

    traces = events = None
    kept = [(u, min(payload.keep_traces, u.stop)) for u in units if u.block == 0 and u.start == 0]
    kept = [(u, k) for u, k in kept if k > 0]
    if kept:
        sizes = [(u.design_point, k) for u, k in kept]
        total = sum(k for _, k in sizes)
        sample = (
            EscalationModel(
                sc,
                blocks=[Block(u.seed, k) for u, k in kept],
                overrides=_arrays(payload, sizes),
                keep_traces=total,
            )
            .run()
            .result()
        )
        owner = np.concatenate([np.full(k, d, np.int64) for d, k in sizes])
        position = np.concatenate([np.arange(k) for _, k in sizes])
        traces = _to_parquet(_relabel(sample.traces, owner, position))
        events = _to_parquet(_relabel(sample.events, owner, position))
    return TaskOutput(
        task.id,
        True,
        runs=_to_parquet(frame),
        daily=daily_npz,
        daily_frame=daily_frame,
        traces=traces,
        events=events,
        rows=len(frame),
    )


def _relabel(frame: pd.DataFrame | None, owner: np.ndarray, position: np.ndarray) -> pd.DataFrame:
    """Model-wide replication index -> (design point, replication within it)."""
    assert frame is not None
    frame = frame.copy()
    idx = frame["replication"].to_numpy()
    frame["replication"] = position[idx]
    frame.insert(0, "design_point", owner[idx])
    return frame


def run_task(payload: TaskPayload) -> TaskOutput:
    """Run one task; never raises for a model error (the output carries the traceback)."""
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        _test_hooks(payload.task.id)
        out = _compute(payload)
    except Exception as exc:
        out = TaskOutput(
            payload.task.id,
            False,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    out.seconds = time.perf_counter() - started
    out.worker = worker
    return out


def _failed(payload: TaskPayload, message: str, tb: str = "") -> TaskOutput:
    return TaskOutput(payload.task.id, False, error=message, traceback=tb or message)


# ====================================================================== executors
class Executor:
    """Runs payloads, yielding outputs as tasks finish (in any order)."""

    name = "executor"

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Outputs of ``payloads`` as they finish."""
        raise NotImplementedError

    def stop(self) -> None:
        """Abandon running tasks now (Ctrl-C)."""

    def close(self) -> None:
        """Release workers and connections."""


class SerialExecutor(Executor):
    """In this process, one task after another (``--workers 0``)."""

    name = "in-process"

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Run each payload here."""
        for p in payloads:
            yield run_task(p)


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class PoolExecutor(Executor):
    """A local process pool (forkserver, or spawn where forkserver is missing).

    The start method is set on this pool's own context, never process-wide.
    When a worker process dies (killed, out of memory) every task it had in
    flight is rerun in a fresh pool, up to :data:`MAX_ATTEMPTS` times in all.
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        methods = multiprocessing.get_all_start_methods()
        self.method = "forkserver" if "forkserver" in methods else "spawn"
        self.ctx = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            # The fork server imports the engine once; workers fork from it ready to run
            # (otherwise each worker spends ~1.5 s importing numpy, pandas, scipy, mesa).
            self.ctx.set_forkserver_preload(["escalation_sim.sweep"])
        self.pool: ProcessPoolExecutor | None = None
        self.name = f"{self.workers} local worker process{'es' if self.workers > 1 else ''}"

    def _start(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=self.ctx,
                initializer=_worker_init,
                max_tasks_per_child=TASKS_PER_WORKER,
            )
        return self.pool

    def _restart(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Keep up to two tasks per worker in flight; yield outputs as they finish."""
        pending = collections.deque(payloads)
        running: dict[Future[TaskOutput], TaskPayload] = {}
        attempts: collections.Counter[int] = collections.Counter()
        window = 2 * self.workers
        while pending or running:
            while pending and len(running) < window:
                p = pending.popleft()
                try:
                    running[self._start().submit(run_task, p)] = p
                except BrokenProcessPool:
                    pending.appendleft(p)
                    self._restart()
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = any(isinstance(f.exception(), BrokenProcessPool) for f in done)
            if broken:  # every task in flight is lost with the pool: collect them all
                wait(running)
                done = set(running)
            for f in sorted(done, key=lambda f: running[f].task.id):
                p = running.pop(f)
                exc = f.exception()
                if exc is None:
                    yield f.result()
                elif isinstance(exc, BrokenProcessPool):
                    attempts[p.task.id] += 1
                    if attempts[p.task.id] < MAX_ATTEMPTS:
                        pending.appendleft(p)
                    else:
                        yield _failed(
                            p,
                            f"worker process died {MAX_ATTEMPTS} times while running this "
                            "task (killed, or out of memory?)",
                        )
                else:
                    tb = "".join(traceback.format_exception(exc))
                    yield _failed(p, f"{type(exc).__name__}: {exc}", tb)
            if broken:
                self._restart()

    def stop(self) -> None:
        """Kill the worker processes now; their tasks are rerun on --resume."""
        pool = self.pool
        if pool is None:
            return
        for proc in list(getattr(pool, "_processes", {}).values()):
            if proc.is_alive():
                proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def close(self) -> None:
        """Shut the pool down."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class DaskExecutor(Executor):
    """Tasks on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

    Dask reruns a task elsewhere when its worker dies (up to the scheduler's
    ``allowed-failures``); since :func:`run_task` is pure, that is harmless.
    """

    def __init__(self, address: str, timeout: float = 20.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise SweepError("--scheduler needs Dask: pip install 'escalation-sim[dask]'") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SweepError(f"cannot connect to the Dask scheduler {address}: {exc}") from None
        self.address = address
        self.token = uuid.uuid4().hex[:8]
        self.futures: dict[str, Any] = {}
        self.name = f"Dask cluster {address}"

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Keep up to two tasks per worker thread in flight; yield outputs as they finish."""
        from distributed import as_completed

        pending = collections.deque(payloads)
        owner: dict[str, TaskPayload] = {}
        ready = as_completed(loop=self.client.loop)

        def submit() -> None:
            p = pending.popleft()
            key = f"escalation-sim-{self.token}-task-{p.task.id}"
            fut = self.client.submit(run_task, p, key=key, pure=False, retries=0)
            owner[key] = p
            self.futures[key] = fut
            ready.add(fut)

        def top_up() -> None:  # workers may join or leave while the sweep runs
            window = max(2 * sum(self.client.nthreads().values()), 4)
            while pending and len(owner) < window:
                submit()

        top_up()
        for fut in ready:
            p = owner.pop(fut.key)
            self.futures.pop(fut.key, None)
            try:
                out = fut.result()
            except Exception as exc:  # KilledWorker, lost connection, ...
                tb = "".join(traceback.format_exception(exc))
                out = _failed(p, f"{type(exc).__name__}: {exc}", tb)
            fut.release()
            top_up()
            yield out

    def stop(self) -> None:
        """Cancel the tasks in flight."""
        if self.futures:
            self.client.cancel(list(self.futures.values()))
            self.futures.clear()

    def close(self) -> None:
        """Disconnect (the cluster keeps running)."""
        self.stop()
        self.client.close()


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """Dask if ``scheduler``; in-process if ``workers == 0``; else a local pool."""
    if scheduler:
        return DaskExecutor(scheduler)
    n = default_workers() if workers is None else workers
    return SerialExecutor() if n == 0 else PoolExecutor(n)


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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class Store:
    """The files of one sweep folder."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.parts = self.out / "parts"
        self.manifest_path = self.out / "manifest.json"
        self.failures_path = self.out / "failures.parquet"
        self.lock_path = self.out / "sweep.lock"
        self._locked = False

    # -- lock ---------------------------------------------------------------
    def read_lock(self) -> dict[str, Any] | None:
        """The lock holder's record, or None."""
        try:
            return json.loads(self.lock_path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}

    def lock_state(self) -> tuple[str, dict[str, Any] | None]:
        """('free' | 'live' | 'stale' | 'foreign', holder)."""
        held = self.read_lock()
        if held is None:
            return "free", None
        pid, host = held.get("pid"), held.get("host")
        if not isinstance(pid, int):
            return "stale", held
        if host != socket.gethostname():
            return "foreign", held
        return ("live" if _pid_alive(pid) else "stale"), held

    def acquire(self, command: str, log: Callable[[str], None]) -> None:
        """Take the lock, or raise SweepError if a live sweep holds it."""
        self.out.mkdir(parents=True, exist_ok=True)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": now_iso(),
            "command": command,
        }
        for _ in range(5):
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                state, held = self.lock_state()
                held = held or {}
                who = f"PID {held.get('pid')} on {held.get('host')}, started {held.get('started')}"
                if state == "live":
                    raise SweepError(
                        f"{self.out} is in use by a running sweep ({who}); "
                        "wait for it to finish or stop it first"
                    ) from None
                if state == "foreign":
                    raise SweepError(
                        f"{self.out} is locked by a sweep on another host ({who}); if it is "
                        f"no longer running, delete {self.lock_path}"
                    ) from None
                if state == "free":
                    continue
                stale = self.lock_path.with_name(f"sweep.lock.stale-{uuid.uuid4().hex[:8]}")
                try:
                    os.rename(self.lock_path, stale)
                except FileNotFoundError:
                    continue
                stale.unlink(missing_ok=True)
                log(f"taking over the stale lock of a sweep that is gone ({who})")
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(json.dumps(me) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_dir(self.out)
            self._locked = True
            return
        raise SweepError(f"could not take the lock {self.lock_path}")  # pragma: no cover

    def release(self) -> None:
        """Drop the lock if this process holds it."""
        if self._locked:
            held = self.read_lock() or {}
            if held.get("pid") == os.getpid():
                self.lock_path.unlink(missing_ok=True)
            self._locked = False

    # -- manifest -----------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when there is none."""
        try:
            return json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            return None

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
        }[kind]
        return self.parts / f"task-{task:06d}{suffix}"

    def write(self, task: Task, out: TaskOutput) -> None:
        """Write a finished task: companions first, the runs part last (commit mark)."""
        durable_write(self.part(task.id, "daily"), out.daily)
        for kind, data in (
            ("traces", out.traces),
            ("events", out.events),
            ("daily_frame", out.daily_frame),
        ):
            if data is not None:
                durable_write(self.part(task.id, kind), data)
            else:
                self.part(task.id, kind).unlink(missing_ok=True)
        durable_write(self.part(task.id), out.runs)

    def done(self, tasks: Iterable[Task], verify: bool = False) -> set[int]:
        """Ids of tasks whose results are on disk (``verify``: complete and readable)."""
        have = {p.name for p in self.parts.glob("task-*.parquet")} if self.parts.exists() else set()
        out = set()
        for t in tasks:
            path = self.part(t.id)
            if path.name not in have:
                continue
            if verify and not self._valid(t, path):
                path.unlink(missing_ok=True)
                continue
            out.add(t.id)
        return out

    def _valid(self, task: Task, path: Path) -> bool:
        try:
            if pq.ParquetFile(path).metadata.num_rows != task.runs:
                return False
            with zipfile.ZipFile(self.part(task.id, "daily")) as z:
                names = set(z.namelist())
            return all(f"d{d}_hist.npy" in names for d in task.design_points)
        except (OSError, ValueError, zipfile.BadZipFile, pa.ArrowException):
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
def _versions() -> dict[str, str]:
    from escalation_sim.store import versions

    out = versions()
    for name in ("SALib", "dask", "distributed"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def new_manifest(plan: Plan, command: str) -> dict[str, Any]:
    """The manifest of a new sweep (status 'running')."""
    exp = plan.experiment
    kinds = {p.path: p.kind for p in exp.parameters}
    manifest: dict[str, Any] = {
        "kind": "sweep",
        "experiment": exp.name,
        "description": exp.description,
        "experiment_file": exp.file,
        "experiment_hash": exp.hash,
        "scenario": exp.scenario.name,
        "scenario_file": exp.scenario_file,
        "scenario_hash": content_hash(exp.scenario),
        "set": exp.fixed,
        "design": exp.design,
        "parameters": exp.raw_parameters(),
        "parameter_types": kinds,
        "samples": exp.samples,
        "design_seed": design_seed(exp) if exp.samples is not None else None,
        "design_points": [{"design_point": i, **pt} for i, pt in enumerate(plan.points)],
        "variants": [{"variant": i, **v} for i, v in enumerate(plan.variants)],
        "replications": exp.replications_spec(),
        "seed": exp.seed,
        "keep_traces": exp.keep_traces,
        "task_size": exp.task_size,
        "block_size": BLOCK_SIZE,
        "config": exp.scenario.model_dump(mode="json"),
        "salib_problem": salib_problem(exp),
        "rounds": [{"round": 0, "tasks": [t.id for t in plan.tasks]}],
        "tasks": [t.to_json() for t in plan.tasks],
        "status": "running",
        "versions": _versions(),
        "git_commit": git_commit(),
        "created": now_iso(),
        "command": command,
    }
    return manifest


def _payload(plan: Plan, task: Task) -> TaskPayload:
    exp = plan.experiment
    sc = plan.scenarios[task.variant]
    return TaskPayload(
        task=task,
        config=sc.model_dump_json(),
        config_hash=content_hash(sc),
        paths=exp.paths,
        kinds={p.path: p.kind for p in exp.parameters},
        overrides=plan.override_paths,
        values={d: plan.points[d] for d in task.design_points},
        keep_traces=exp.keep_traces,
        complete=complete_points(plan, task),
    )


def complete_points(plan: Plan, task: Task) -> list[int]:
    """Design points of ``task`` whose every replication is in it (fixed replications)."""
    if plan.adaptive is not None:
        return []  # a later round may add replications
    reps = int(plan.experiment.replications)  # type: ignore[arg-type]
    n: dict[int, int] = collections.Counter()
    for u in task.units:
        n[u.design_point] += u.runs
    return [d for d, k in n.items() if k == reps]


@dataclass
class SweepReport:
    """What a sweep did."""

    out: Path
    status: str
    tasks: int
    done: int
    failed: list[int]
    runs: int
    seconds: float
    ran_runs: int = 0
    resumed: bool = False
    points: pd.DataFrame | None = None  # per design point: n, k and P(outcome) (complete only)


def _say(stream: TextIO | None) -> Callable[[str], None]:
    def log(text: str) -> None:
        if stream is not None:
            stream.write(text + "\n")
            stream.flush()

    return log


def run_sweep(
    exp: Experiment,
    out: Path,
    executor: Executor,
    *,
    resume: bool = False,
    retry_failed: bool = False,
    progress: bool = True,
    stream: TextIO | None = None,
    command: str = "",
    again: str | None = None,
) -> SweepReport:
    """Run (or resume) a sweep into ``out``; return a report.

    ``again`` is the command that continues this sweep (``--resume`` is
    appended in the message printed on Ctrl-C).

    Raises :class:`SweepError` when the folder cannot be used (held by a live
    sweep, made from another experiment, not a sweep) and
    :class:`SweepInterrupted` on Ctrl-C or SIGTERM, after marking the manifest.
    """
    stream = stream if stream is not None else sys.stderr
    log = _say(stream)
    plan = expand(exp)
    store = Store(out)
    resume = resume or retry_failed
    started = time.perf_counter()
    _check_folder(store, resume)
    store.acquire(command, log)
    manifest: dict[str, Any] | None = None
    tasks: dict[int, Task] = {}
    ran = 0
    try:
        if resume:
            manifest = _check_resume(store, plan)
            tasks = {t["task"]: Task.from_json(t) for t in manifest["tasks"]}
            store.clean_temporaries()
            failures = store.failures()
            if len(failures):  # a task rerun successfully just before a crash
                done = store.done(tasks.values(), verify=True)
                store.set_failures(failures[~failures["task"].astype(int).isin(done)])
        else:
            manifest = new_manifest(plan, command)
            tasks = {t.id: t for t in plan.tasks}
            store.write_manifest(manifest)
        log(f"sweep {exp.name}: {executor.name} -> {out}/")
        if manifest.get("status") == "complete" and (out / "runs.parquet").exists():
            log(f"{out}: the sweep is already complete; nothing to do")
            return _report(store, plan, tasks, "complete", started, 0, resume)
        manifest["status"] = "running"
        manifest["command"] = command
        store.write_manifest(manifest)

        round_no = 0
        while True:
            current = [t for t in tasks.values() if t.round == round_no]
            done = store.done(current, verify=resume)
            failures = store.failures()
            failed_before = set(failures["task"].astype(int)) if len(failures) else set()
            todo = [
                t
                for t in current
                if t.id not in done and (retry_failed or t.id not in failed_before)
            ]
            if resume and round_no == 0:
                log(
                    f"resuming {out}: {len(store.done(tasks.values()))} of {len(tasks)} "
                    f"tasks done, {len(todo)} to run"
                    + (f", {len(failed_before)} failed earlier" if failed_before else "")
                )
            ran += _run_tasks(plan, store, executor, todo, progress, stream)
            missing = [t.id for t in current if t.id not in store.done(current)]
            if missing or plan.adaptive is None:
                break
            finished = [t for t in tasks.values() if t.round <= round_no]
            counts = _counts(store, finished, plan)
            new = next_round(plan, counts, round_no + 1, max(t.id for t in finished) + 1)
            if not new:
                break
            round_no += 1
            recorded = [t for t in tasks.values() if t.round == round_no]
            if recorded:
                if [t.to_json() for t in recorded] != [t.to_json() for t in new]:
                    raise SweepError(
                        f"{out}: round {round_no} in the manifest differs from the one the "
                        "finished results call for; the code or the parts changed"
                    )
            else:
                for t in new:
                    tasks[t.id] = t
                manifest["tasks"].extend(t.to_json() for t in new)
                manifest["rounds"].append({"round": round_no, "tasks": [t.id for t in new]})
                store.write_manifest(manifest)
            n_points = len({d for t in new for d in t.design_points})
            log(
                f"round {round_no}: {n_points} design point(s) need more replications "
                f"(+{sum(t.runs for t in new):,} runs in {len(new)} tasks)"
            )

        all_done = store.done(tasks.values())
        if len(all_done) == len(tasks):
            _consolidate(store, plan, tasks)
            status = "complete"
            manifest["replications_by_point"] = _replications_by_point(plan, tasks)
            manifest["runs_total"] = sum(t.runs for t in tasks.values())
        else:
            status = "failed"
        manifest["status"] = status
        manifest["finished"] = now_iso()
        store.write_manifest(manifest)
        return _report(store, plan, tasks, status, started, ran, resume)
    except KeyboardInterrupt:
        executor.stop()
        n_done = len(store.done(tasks.values())) if tasks else 0
        if manifest is not None:
            manifest["status"] = "interrupted"
            store.write_manifest(manifest)
        again = again or f"escalation-sim sweep {exp.file} --out {out}"
        raise SweepInterrupted(
            f"interrupted: {n_done} of {len(tasks)} tasks done and saved in {out}/; "
            f"resume with: {again} --resume"
        ) from None
    finally:
        store.release()


def _check_folder(store: Store, resume: bool) -> None:
    """Refuse a folder a live sweep holds, or a fresh sweep into a used folder."""
    state, held = store.lock_state()
    if state == "live":
        held = held or {}
        raise SweepError(
            f"{store.out} is in use by a running sweep (PID {held.get('pid')} on "
            f"{held.get('host')}, started {held.get('started')}); wait for it or stop it first"
        )
    if resume:
        if store.read_manifest() is None:
            raise SweepError(
                f"nothing to resume in {store.out} (no manifest.json); run without --resume"
            )
        return
    if store.manifest_path.exists():
        m = store.read_manifest() or {}
        raise SweepError(
            f"{store.out} already holds a {m.get('kind', 'result')} "
            f"({m.get('experiment') or m.get('scenario')}, status {m.get('status', '?')}); "
            "use --resume to continue it, or choose another --out"
        )
    if store.out.exists():
        if not store.out.is_dir():
            raise SweepError(f"{store.out} exists and is not a folder")
        extra = [
            p.name
            for p in store.out.iterdir()
            if p.name != "sweep.lock" and not (p.name == "parts" and not any(p.iterdir()))
        ]
        if extra:
            raise SweepError(
                f"{store.out} exists and is not empty ({', '.join(sorted(extra)[:3])}); "
                "choose another --out"
            )


def _check_resume(store: Store, plan: Plan) -> dict[str, Any]:
    m = store.read_manifest()
    exp = plan.experiment
    if m is None:  # pragma: no cover - checked before the lock
        raise SweepError(f"nothing to resume in {store.out}")
    if m.get("kind") != "sweep":
        raise SweepError(f"{store.out} holds a {m.get('kind')!r} result, not a sweep")
    if m.get("experiment_hash") != exp.hash:
        raise SweepError(
            f"{store.out} was made from a different experiment ({m.get('experiment_file')}, "
            f"hash {str(m.get('experiment_hash'))[:12]}); {exp.file} has hash {exp.hash[:12]}. "
            "Refusing to mix their results: use another --out, or delete the folder to "
            "start over"
        )
    points = [{"design_point": i, **pt} for i, pt in enumerate(plan.points)]
    if json.loads(json.dumps(points)) != m.get("design_points"):
        raise SweepError(
            f"{store.out}: the design points differ from the ones recorded (another SALib or "
            "scipy version?); refusing to mix results"
        )
    recorded = [t for t in m.get("tasks", []) if t.get("round") == 0]
    if recorded != [t.to_json() for t in plan.tasks]:
        raise SweepError(
            f"{store.out}: the tasks differ from the ones recorded (another version of "
            "escalation-sim?); refusing to mix results"
        )
    if m.get("git_commit") != git_commit():
        sys.stderr.write(
            f"warning: {store.out} was started from commit {m.get('git_commit')}, this is "
            f"{git_commit()}\n"
        )
    return m


def _run_tasks(
    plan: Plan,
    store: Store,
    executor: Executor,
    todo: list[Task],
    progress: bool,
    stream: TextIO,
) -> int:
    from escalation_sim.progress import Progress

    if not todo:
        return 0
    bar = Progress(sum(t.runs for t in todo), "runs", stream=stream, enabled=progress)
    by_id = {t.id: t for t in todo}
    failures = {int(r["task"]): r for r in store.failures().to_dict("records")}
    ran = 0
    for out in executor.run([_payload(plan, t) for t in todo]):
        task = by_id[out.task]
        if out.ok:
            store.write(task, out)
            if failures.pop(task.id, None) is not None:
                store.set_failures(_failure_frame(failures))
        else:
            failures[task.id] = {
                "task": task.id,
                "round": task.round,
                "design_points": task.design_points,
                "parameters": json.dumps(
                    [{"design_point": d, **plan.points[d]} for d in task.design_points]
                ),
                "seed": [u.seed for u in task.units],
                "error": out.error,
                "traceback": out.traceback,
                "worker": out.worker,
                "created": now_iso(),
            }
            store.set_failures(_failure_frame(failures))
            bar.stream.write(f"task {task.id} failed: {out.error}\n")
        ran += task.runs
        bar.update(task.runs)
    bar.close()
    return ran


def _failure_frame(failures: dict[int, dict[str, Any]]) -> pd.DataFrame:
    rows = [failures[k] for k in sorted(failures)]
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


def _counts(store: Store, tasks: list[Task], plan: Plan) -> dict[int, tuple[int, int]]:
    """(k, n) of the adaptive outcome per design point, from the parts on disk."""
    a = plan.adaptive
    assert a is not None
    k = np.zeros(len(plan.points), np.int64)
    n = np.zeros(len(plan.points), np.int64)
    for t in sorted(tasks, key=lambda t: t.id):
        table = pq.read_table(store.part(t.id), columns=["design_point", a.outcome])
        d = table.column("design_point").to_numpy()
        y = table.column(a.outcome).to_numpy(zero_copy_only=False).astype(np.int64)
        np.add.at(n, d, 1)
        np.add.at(k, d, y)
    return {d: (int(k[d]), int(n[d])) for d in range(len(plan.points))}


def _replications_by_point(plan: Plan, tasks: dict[int, Task]) -> list[int]:
    n = [0] * len(plan.points)
    for t in tasks.values():
        for u in t.units:
            n[u.design_point] += u.runs
    return n


# ====================================================================== consolidation
class _StreamWriter:
    """Append tables to one Parquet file in row groups of ~``rows``; atomic on close."""

    def __init__(self, path: Path, rows: int = 65_536) -> None:
        self.path, self.rows = path, rows
        self.tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        self.writer: pq.ParquetWriter | None = None
        self.schema: pa.Schema | None = None
        self.buffer: list[pa.Table] = []
        self.buffered = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self.buffer.append(table)
        self.buffered += table.num_rows
        if self.buffered >= self.rows:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        if self.writer is None:
            self.schema = self.buffer[0].schema
            self.writer = pq.ParquetWriter(self.tmp, self.schema)
        schema = self.schema
        table = pa.concat_tables([t.cast(schema) if t.schema != schema else t for t in self.buffer])
        self.writer.write_table(table)
        self.buffer, self.buffered = [], 0

    def close(self) -> bool:
        """Finish; rename into place. False (nothing written) when no rows came."""
        self._flush()
        if self.writer is None:
            self.path.unlink(missing_ok=True)
            return False
        self.writer.close()
        with open(self.tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.path)
        _fsync_dir(self.path.parent)
        return True

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        Path(self.tmp).unlink(missing_ok=True)


def _release_memory() -> None:
    """Hand memory freed by Arrow's allocator back to the system between phases."""
    gc.collect()
    pa.default_memory_pool().release_unused()


def _consolidate(store: Store, plan: Plan, tasks: dict[int, Task]) -> None:
    """Parts -> runs.parquet, daily.parquet, traces.parquet, events.parquet (streaming)."""
    by_point: dict[int, list[int]] = collections.defaultdict(list)
    for t in sorted(tasks.values(), key=lambda t: t.id):
        for d in t.design_points:
            by_point[d].append(t.id)

    # runs: design point by design point, each from its tasks in order
    cache: collections.OrderedDict[int, tuple[pa.Table, np.ndarray]] = collections.OrderedDict()

    def part(tid: int) -> tuple[pa.Table, np.ndarray]:
        if tid in cache:
            cache.move_to_end(tid)
            return cache[tid]
        table = pq.read_table(store.part(tid))
        entry = (table, table.column("design_point").to_numpy())
        cache[tid] = entry
        if len(cache) > 4:
            cache.popitem(last=False)
        return entry

    writer = _StreamWriter(store.out / "runs.parquet")
    try:
        for d in range(len(plan.points)):
            for tid in by_point[d]:
                table, points = part(tid)
                lo, hi = np.searchsorted(points, [d, d + 1])
                writer.add(table.slice(lo, hi - lo))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    cache.clear()
    _release_memory()

    # daily: the per-task summaries of each design point, merged in task order
    writer = _StreamWriter(store.out / "daily.parquet", rows=50_000)
    files: collections.OrderedDict[int, Any] = collections.OrderedDict()

    def npz(tid: int) -> Any:
        if tid not in files:
            files[tid] = np.load(store.part(tid, "daily"))
            if len(files) > 4:
                files.popitem(last=False)[1].close()
        return files[tid]

    frames: collections.OrderedDict[int, tuple[pa.Table, np.ndarray]] = collections.OrderedDict()

    def ready_frame(tid: int) -> tuple[pa.Table, np.ndarray] | None:
        path = store.part(tid, "daily_frame")
        if tid not in frames:
            if not path.exists():
                return None
            table = pq.read_table(path)
            frames[tid] = (table, table.column("design_point").to_numpy())
            if len(frames) > 4:
                frames.popitem(last=False)
        return frames[tid]

    try:
        for d in range(len(plan.points)):
            if len(by_point[d]) == 1 and (ready := ready_frame(by_point[d][0])) is not None:
                table, points = ready
                lo, hi = np.searchsorted(points, [d, d + 1])
                if hi > lo:  # computed by the worker from the same arrays
                    writer.add(table.slice(lo, hi - lo))
                    continue
            sc = plan.scenarios[plan.point_variant[d]]
            dyads = [a.name for a in sc.actors_of("frontline")]
            total: DailySummary | None = None
            for tid in by_point[d]:
                z = npz(tid)
                piece = DailySummary(
                    sc.start, dyads, z[f"d{d}_rung_counts"], z[f"d{d}_hist"], z[f"d{d}_sums"]
                )
                total = piece if total is None else total.merge(piece)
            assert total is not None
            frame = total.to_frame()
            frame.insert(0, "design_point", d)
            writer.add(pa.Table.from_pandas(frame, preserve_index=False))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        for f in files.values():
            f.close()
    _release_memory()

    # traces and events of the kept sample (small): concatenated in task order
    for kind in ("traces", "events"):
        tables = [
            pq.read_table(store.part(tid, kind))
            for tid in sorted(tasks)
            if store.part(tid, kind).exists()
        ]
        tables = [t for t in tables if t.num_rows]
        path = store.out / f"{kind}.parquet"
        if tables:
            table = pa.concat_tables(tables, promote_options="default")
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink)
            durable_write(path, sink.getvalue().to_pybytes())
        else:
            path.unlink(missing_ok=True)


def _report(
    store: Store,
    plan: Plan,
    tasks: dict[int, Task],
    status: str,
    started: float,
    ran: int,
    resumed: bool,
) -> SweepReport:
    done = store.done(tasks.values())
    failures = store.failures()
    failed = sorted(int(t) for t in failures["task"]) if len(failures) else []
    points = None
    runs_path = store.out / "runs.parquet"
    if status == "complete" and runs_path.exists():
        outcome = plan.adaptive.outcome if plan.adaptive else "armed_incident"
        table = pq.read_table(runs_path, columns=["design_point", outcome]).to_pandas()
        g = table.groupby("design_point")[outcome]
        points = pd.DataFrame({"n": g.size(), "k": g.sum().astype(int)})
        points["outcome"] = outcome
    return SweepReport(
        out=store.out,
        status=status,
        tasks=len(tasks),
        done=len(done),
        failed=failed,
        runs=sum(tasks[t].runs for t in done),
        seconds=time.perf_counter() - started,
        ran_runs=ran,
        resumed=resumed,
        points=points,
    )


# ====================================================================== plan & status text
# Rough engine costs on one core (measured on the development machine; see docs/sweeps.md).
COST_RUN_DAY = 0.5e-6  # seconds per replication-day
COST_BLOCK_DAY = 0.03e-3  # per block-day (a day-seeded generator for each block)
COST_GROUP_DAY = 0.11e-3  # per design point per day in a model (daily histograms)
COST_TRACE_DAY = 40e-6  # per kept replication-day (traces and event log)
COST_FRAME_DAY = 0.1e-3  # per design point per day: its daily frame (histogram quantiles)
BYTES_PER_RUN = 85  # Parquet, written twice (part and consolidated)
BYTES_PER_POINT_TASK = 200_000  # compressed daily histograms per design point and task
BYTES_PER_TRACE = 8_000  # traces + events per kept replication


def estimate(plan: Plan, tasks: Iterable[Task] | None = None) -> tuple[float, int]:
    """(CPU seconds, bytes on disk) of the planned tasks."""
    exp = plan.experiment
    seconds = 0.0
    disk = 0
    for t in plan.tasks if tasks is None else tasks:
        days = plan.scenarios[t.variant].days
        kept = sum(min(exp.keep_traces, u.stop) for u in t.units if u.block == 0 and u.start == 0)
        seconds += days * (
            t.simulated * COST_RUN_DAY
            + len(t.units) * COST_BLOCK_DAY
            + len(t.design_points) * COST_GROUP_DAY
            + kept * COST_TRACE_DAY
            + len(complete_points(plan, t)) * COST_FRAME_DAY
        )
        disk += 2 * t.runs * BYTES_PER_RUN + len(t.design_points) * BYTES_PER_POINT_TASK
        disk += kept * BYTES_PER_TRACE
    return seconds, disk


def _fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _fmt_time(s: float) -> str:
    if s < 1:
        return "<1 s"
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def format_plan(plan: Plan, workers: int, max_rows: int = 12) -> str:
    """What ``escalation-sim plan`` prints."""
    exp = plan.experiment
    n = len(plan.points)
    lo, hi = plan.runs_range()
    sc = exp.scenario
    lines = [
        f"experiment {exp.name} ({exp.file})",
        f"  scenario       {sc.name} ({exp.scenario_file}), {sc.days} days from {sc.start}"
        + (f"; set {', '.join(f'{k}={v}' for k, v in exp.fixed.items())}" if exp.fixed else ""),
    ]
    shape = {
        "grid": " x ".join(str(len(p.values or ())) for p in exp.parameters),
        "explicit": "explicit list",
        "lhs": f"Latin hypercube of {exp.samples}",
        "sobol": f"Sobol/Saltelli, N={exp.samples}"
        + (", second order" if exp.calc_second_order else ""),
        "morris": f"Morris, {exp.samples} trajectories, {exp.num_levels} levels",
    }[exp.design]
    lines.append(f"  design         {exp.design}: {shape} = {n:,} design points")
    for i, p in enumerate(exp.parameters):
        if p.values is not None:
            vals = list(p.values)
            shown = ", ".join(_fmt_value(v) for v in vals[:6]) + (" ..." if len(vals) > 6 else "")
            what = f"{shown} ({len(vals)} values)"
        else:
            r = p.range
            assert r is not None
            what = f"{_fmt_value(r.low)} .. {_fmt_value(r.high)} ({r.dist})"
        lines.append(f"  {'parameters' if i == 0 else '':<14} {p.path}: {what}")
    a = plan.adaptive
    if a is None:
        lines.append(f"  replications   {exp.replications:,} per design point")
        lines.append(f"  runs           {lo:,} in {len(plan.tasks):,} tasks, seed {exp.seed}")
    else:
        lines.append(
            f"  replications   adaptive: {a.min:,} to {a.max:,} per design point, until the "
            f"{a.confidence:.0%} Wilson CI of P({a.outcome}) is within +/-{a.ci_half_width}"
        )
        lines.append(
            f"  runs           {lo:,} to {hi:,}; round 0: {sum(t.runs for t in plan.tasks):,} "
            f"in {len(plan.tasks):,} tasks, seed {exp.seed}"
        )
    if len(plan.variants) > 1:
        level = ", ".join(plan.variants[0])
        lines.append(f"  model variants {len(plan.variants)} ({level}: each in its own models)")
    if exp.keep_traces:
        lines.append(f"  traces kept    first {exp.keep_traces} replications of each design point")
    cpu, disk = estimate(plan)
    w = max(workers, 1)
    wall = cpu / w + (2.0 if workers > 0 else 0.0)
    where = "in-process" if workers == 0 else f"{workers} worker{'s' if workers > 1 else ''}"
    lines.append(
        f"  estimate       ~{_fmt_time(wall)} with {where} ({_fmt_time(cpu)} of CPU), "
        f"~{_fmt_bytes(disk)} on disk" + (" for round 0" if a is not None else "")
    )
    header = ["design_point", *exp.paths]
    rows = [[str(i), *(_fmt_value(pt[p]) for p in exp.paths)] for i, pt in enumerate(plan.points)]
    if len(rows) > max_rows:
        half = max_rows // 2
        rows = [*rows[:half], ["..."] * len(header), *rows[-half:]]
    widths = [max(len(r[j]) for r in [header, *rows]) for j in range(len(header))]
    lines.append("  design points:")
    for r in [header, *rows]:
        lines.append("    " + "  ".join(c.rjust(widths[j]) for j, c in enumerate(r)))
    return "\n".join(lines)


def sweep_status(out: Path) -> dict[str, Any]:
    """Done / failed / remaining tasks and runs of a sweep folder."""
    store = Store(out)
    m = store.read_manifest()
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
        "consolidated": (store.out / "runs.parquet").exists(),
    }


def format_status(out: Path, st: dict[str, Any]) -> str:
    """What ``escalation-sim status`` prints."""
    m = st["manifest"]
    status = m.get("status", "?")
    holder = st["holder"] or {}
    if st["lock"] == "live":
        status = f"running (PID {holder.get('pid')} on {holder.get('host')})"
    elif status == "running":
        status = "stopped without finishing (killed?); continue with --resume"
    elif status == "interrupted":
        status = "interrupted; continue with --resume"
    elif status == "failed":
        status = "finished with failed tasks; rerun them with --retry-failed"
    lines = [
        f"sweep {m.get('experiment')} in {out} (experiment {m.get('experiment_file')})",
        f"  status     {status}",
        f"  tasks      {st['done']:,} done, {len(st['failed']):,} failed, "
        f"{st['remaining']:,} remaining of {st['tasks']:,}",
        f"  runs       {st['runs_done']:,} done of {st['runs_planned']:,} planned",
    ]
    if isinstance(m.get("replications"), dict):
        lines.append(f"  rounds     {len(m.get('rounds', []))} so far (adaptive replications)")
    if st["failed"]:
        shown = ", ".join(map(str, st["failed"][:10])) + (" ..." if len(st["failed"]) > 10 else "")
        lines.append(f"  failed     tasks {shown} (see {out}/failures.parquet)")
    lines.append(
        "  results    "
        + (f"{out}/runs.parquet (consolidated)" if st["consolidated"] else "not consolidated yet")
    )
    return "\n".join(lines)


def format_report(report: SweepReport, plan: Plan, max_rows: int = 20) -> str:
    """The end-of-sweep summary."""
    exp = plan.experiment
    rate = report.ran_runs / report.seconds if report.seconds > 0 else 0.0
    head = (
        f"sweep {exp.name}: {report.done:,} of {report.tasks:,} tasks, {report.runs:,} runs "
        f"({len(plan.points):,} design points)"
    )
    lines = [head]
    if report.ran_runs:
        lines.append(
            f"  this session: {report.ran_runs:,} runs in {report.seconds:.1f} s "
            f"({rate:,.0f} runs/s)"
        )
    if report.points is not None:
        pts = report.points
        outcome = str(pts["outcome"].iloc[0])
        rows = []
        for d, r in pts.iterrows():
            lo_ci, hi_ci = wilson_interval(int(r["k"]), int(r["n"]))
            params = ", ".join(f"{p}={_fmt_value(plan.points[int(d)][p])}" for p in exp.paths)
            rows.append(
                f"    {int(d):>5}  {r['k'] / r['n']:.3f} [{lo_ci:.3f}, {hi_ci:.3f}]  "
                f"n={int(r['n']):,}  {params}"
            )
        lines.append(f"  P({outcome}) per design point [95% Wilson CI]:")
        if len(rows) > max_rows:
            half = max_rows // 2
            rows = [*rows[:half], "    ...", *rows[-half:]]
        lines.extend(rows)
    lines.append(f"  results in {report.out}/")
    return "\n".join(lines)
