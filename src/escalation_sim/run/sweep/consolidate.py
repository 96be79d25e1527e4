"""Consolidate a sweep's task parts into one results folder."""

from __future__ import annotations

import collections
import gc
import os
import uuid
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

    writer = _StreamWriter(table_path(store.out, "runs"))
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
    writer = _StreamWriter(table_path(store.out, "daily"), rows=50_000)
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
