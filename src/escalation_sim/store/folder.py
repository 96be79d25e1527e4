"""A single run's results folder: save and load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.engine.result import ModelResult
from escalation_sim.store.files import atomic_write_json, atomic_write_parquet

DERIVED = ("figures", "report.html")  # drawn from a results folder by plot / report


def clear_derived(out: Path) -> None:
    """Remove figures and reports drawn from earlier results in ``out`` (now stale)."""
    import shutil

    for name in DERIVED:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def save_run(out: Path, result: ModelResult, manifest: dict[str, Any]) -> None:
    """Write runs, daily summary, traces, events; the manifest last, as the commit mark.

    Each file is replaced atomically. The old manifest goes first, so a folder
    caught half-rewritten (killed mid-way) has no manifest and reads as incomplete
    rather than pairing new tables with an old description.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)
    clear_derived(out)
    atomic_write_parquet(out / "runs.parquet", result.runs)
    atomic_write_parquet(out / "daily.parquet", result.daily.to_frame())
    if result.traces is not None:
        atomic_write_parquet(out / "traces.parquet", result.traces)
    else:
        (out / "traces.parquet").unlink(missing_ok=True)
    atomic_write_parquet(out / "events.parquet", result.events)
    atomic_write_json(out / "manifest.json", manifest)


def load_results(out: str | Path) -> dict[str, Any]:
    """Read a results folder: manifest, runs, daily, and traces/events where present."""
    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"{out}: no manifest.json; not a results folder")
    data: dict[str, Any] = {"manifest": json.loads(manifest_path.read_text())}
    for name in ("runs", "daily", "traces", "events"):
        path = out / f"{name}.parquet"
        data[name] = pd.read_parquet(path) if path.exists() else None
    return data
