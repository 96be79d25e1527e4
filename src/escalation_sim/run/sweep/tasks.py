"""One task: run its design points and return its records."""

from __future__ import annotations

import io
import os
import socket
import time
import traceback
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from escalation_sim.config.scenario import Scenario, content_hash
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import BLOCK_SIZE, Block
from escalation_sim.engine.records import DailySummary
from escalation_sim.run.sweep.plan import Plan, Task, Unit, complete_points


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


Segments = list[tuple[int | None, int]]


def _segments(units: Sequence[Unit]) -> Segments:
    """(design point, runs) groups of a task's model; a re-simulated prefix is ``None``."""
    segments: Segments = []
    for u in units:
        pieces = (
            [(None, u.start), (u.design_point, u.runs)] if u.start else [(u.design_point, u.stop)]
        )
        for d, n in pieces:
            if segments and d is not None and segments[-1][0] == d:
                segments[-1] = (d, segments[-1][1] + n)
            else:
                segments.append((d, n))
    return segments


def _runs_frame(payload: TaskPayload, runs: pd.DataFrame) -> pd.DataFrame:
    """The task's runs: design point, swept values, then the engine's columns."""
    units = payload.task.units
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
    return pd.DataFrame(cols)


def _daily(
    payload: TaskPayload, segments: Segments, by_group: list[DailySummary]
) -> tuple[bytes, bytes | None]:
    """Daily summaries per design point (npz), and the final frames of complete points.

    Points whose runs all lie in this task: their daily frame (quantiles from the
    histograms) is final, so the workers compute it rather than the parent at the end.
    """
    arrays: dict[str, np.ndarray] = {}
    frames = []
    for (d, _n), daily in zip(segments, by_group, strict=True):
        if d is None:
            continue
        for name in ("rung_counts", "hist", "sums", "border"):
            key = f"d{d}_{name}"
            value = getattr(daily, name)
            arrays[key] = arrays[key] + value if key in arrays else value
        if d in payload.complete:
            frame_d = daily.to_frame()
            frame_d.insert(0, "design_point", d)
            frames.append(frame_d)
    daily_frame = _to_parquet(pd.concat(frames, ignore_index=True)) if frames else None
    return _npz(arrays), daily_frame


def _kept_sample(payload: TaskPayload, sc: Scenario) -> tuple[bytes | None, bytes | None]:
    """Traces and events of the first replications of each design point's first block."""
    units = payload.task.units
    kept = [(u, min(payload.keep_traces, u.stop)) for u in units if u.block == 0 and u.start == 0]
    kept = [(u, k) for u, k in kept if k > 0]
    if not kept:
        return None, None
    sizes = [(u.design_point, k) for u, k in kept]
    sample = (
        EscalationModel(
            sc,
            blocks=[Block(u.seed, k) for u, k in kept],
            overrides=_arrays(payload, sizes),
            keep_traces=sum(k for _, k in sizes),
        )
        .run()
        .result()
    )
    owner = np.concatenate([np.full(k, d, np.int64) for d, k in sizes])
    position = np.concatenate([np.arange(k) for _, k in sizes])
    return (
        _to_parquet(_relabel(sample.traces, owner, position)),
        _to_parquet(_relabel(sample.events, owner, position)),
    )


# Where a running task reports its progress: ``sink(task id, runs)`` after every simulated
# day (set in each worker process by the executor; None: no reports).
_progress_sink: Callable[[int, float], None] | None = None


def report_progress_to(sink: Callable[[int, float], None] | None) -> None:
    """Have tasks run in this process report ``(task id, runs)`` after every simulated day.

    The reports of one task add up to its ``runs`` (replications re-simulated to
    reach a later block's start are not counted).
    """
    global _progress_sink
    _progress_sink = sink


def _compute(payload: TaskPayload) -> TaskOutput:
    """One vectorised model over the task's blocks, then its records as bytes."""
    units = payload.task.units
    sc = _scenario(payload)
    segments = _segments(units)
    model = EscalationModel(
        sc,
        blocks=[Block(u.seed, u.stop) for u in units],
        overrides=_arrays(payload, [(u.design_point, u.stop) for u in units]),
        groups=[n for _, n in segments],
    )
    per_day = payload.task.runs / sc.days
    while model.day < sc.days:  # model.run(), a day at a time for the progress reports
        model.step()
        if _progress_sink is not None:
            _progress_sink(payload.task.id, per_day)
    result = model.result()
    keep = np.concatenate([np.arange(u.stop) >= u.start for u in units])
    frame = _runs_frame(payload, result.runs.loc[keep].reset_index(drop=True))
    daily_npz, daily_frame = _daily(payload, segments, result.daily_by_group or [])
    traces, events = _kept_sample(payload, sc)
    return TaskOutput(
        payload.task.id,
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
