"""Consolidate a sweep's task parts into one results folder."""

from __future__ import annotations

import collections
import gc
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from escalation_sim.engine.records import DailySummary
from escalation_sim.run.sweep.folder import FAILURE_COLUMNS, Store, _fsync_dir, durable_write
from escalation_sim.run.sweep.plan import Plan, Task
from escalation_sim.store.results import table_path


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


class _Recent:
    """The last few parts opened, so a part that holds several design points is read once."""

    def __init__(self, open_part: Callable[[int], Any], keep: int = 4) -> None:
        self.open_part, self.keep = open_part, keep
        self.items: collections.OrderedDict[int, Any] = collections.OrderedDict()

    def __call__(self, tid: int) -> Any:
        if tid in self.items:
            self.items.move_to_end(tid)
        else:
            self.items[tid] = self.open_part(tid)
            if len(self.items) > self.keep:
                self._drop(self.items.popitem(last=False)[1])
        return self.items[tid]

    def close(self) -> None:
        while self.items:
            self._drop(self.items.popitem()[1])

    @staticmethod
    def _drop(item: Any) -> None:
        if hasattr(item, "close"):
            item.close()


def _with_points(table: pa.Table | None) -> tuple[pa.Table, np.ndarray] | None:
    return None if table is None else (table, table.column("design_point").to_numpy())


def _rows_of(table: pa.Table, points: np.ndarray, d: int) -> pa.Table:
    """The rows of design point ``d`` in a table sorted by design point."""
    lo, hi = np.searchsorted(points, [d, d + 1])
    return table.slice(lo, hi - lo)


def _consolidate(store: Store, plan: Plan, tasks: dict[int, Task]) -> None:
    """Parts -> the results folder's runs, daily, traces and events tables (streaming)."""
    by_point: dict[int, list[int]] = collections.defaultdict(list)
    for t in sorted(tasks.values(), key=lambda t: t.id):
        for d in t.design_points:
            by_point[d].append(t.id)
    _write_runs(store, plan, by_point)
    _release_memory()
    _write_daily(store, plan, by_point)
    _release_memory()
    for kind in ("traces", "events"):
        _write_sample(store, tasks, kind)


def _write_runs(store: Store, plan: Plan, by_point: dict[int, list[int]]) -> None:
    """Runs design point by design point, each from its tasks in order."""
    part = _Recent(lambda tid: _with_points(pq.read_table(store.part(tid))))
    writer = _StreamWriter(table_path(store.out, "runs"))
    try:
        for d in range(len(plan.points)):
            for tid in by_point[d]:
                writer.add(_rows_of(*part(tid), d))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        part.close()


def _merged_daily(store: Store, plan: Plan, tids: list[int], d: int, npz: _Recent) -> pa.Table:
    """Design point ``d``'s daily frame from the per-task summaries, merged in task order."""
    sc = plan.scenarios[plan.point_variant[d]]
    dyads = [a.name for a in sc.actors_of("frontline")]
    total: DailySummary | None = None
    for tid in tids:
        z = npz(tid)
        piece = DailySummary(
            sc.start,
            dyads,
            z[f"d{d}_rung_counts"],
            z[f"d{d}_hist"],
            z[f"d{d}_sums"],
            z.get(f"d{d}_border"),
        )
        total = piece if total is None else total.merge(piece)
    assert total is not None
    frame = total.to_frame()
    frame.insert(0, "design_point", d)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _write_daily(store: Store, plan: Plan, by_point: dict[int, list[int]]) -> None:
    """Daily frames: the worker's own when one task holds the point, else merged here."""

    def read_frame(tid: int) -> tuple[pa.Table, np.ndarray] | None:
        path = store.part(tid, "daily_frame")
        return _with_points(pq.read_table(path)) if path.exists() else None

    npz = _Recent(lambda tid: np.load(store.part(tid, "daily")))
    frames = _Recent(read_frame)
    writer = _StreamWriter(table_path(store.out, "daily"), rows=50_000)
    try:
        for d in range(len(plan.points)):
            tids = by_point[d]
            ready = frames(tids[0]) if len(tids) == 1 else None
            rows = _rows_of(*ready, d) if ready is not None else None
            if rows is not None and rows.num_rows:  # computed by the worker from the same arrays
                writer.add(rows)
            else:
                writer.add(_merged_daily(store, plan, tids, d, npz))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        npz.close()
        frames.close()


def _write_sample(store: Store, tasks: dict[int, Task], kind: str) -> None:
    """Traces or events of the kept sample (small): concatenated in task order."""
    tables = [
        pq.read_table(store.part(tid, kind))
        for tid in sorted(tasks)
        if store.part(tid, kind).exists()
    ]
    tables = [t for t in tables if t.num_rows]
    path = table_path(store.out, kind)
    if tables:
        table = pa.concat_tables(tables, promote_options="default")
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        durable_write(path, sink.getvalue().to_pybytes())
    else:
        path.unlink(missing_ok=True)
