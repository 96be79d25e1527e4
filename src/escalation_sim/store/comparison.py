"""A comparison's results folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from escalation_sim.analysis.results import Results
from escalation_sim.store.files import atomic_write_bytes, atomic_write_json, atomic_write_parquet
from escalation_sim.store.folder import clear_derived


def save_comparison(out: Path, res: Results, diffs: pd.DataFrame) -> None:
    """Write a comparison folder: tables, differences.csv, then the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)
    clear_derived(out)
    atomic_write_parquet(out / "runs.parquet", res.runs)
    if res.daily is not None:
        atomic_write_parquet(out / "daily.parquet", res.daily)
    if res.traces is not None:
        atomic_write_parquet(out / "traces.parquet", res.traces)
    if res.events is not None:
        atomic_write_parquet(out / "events.parquet", res.events)
    atomic_write_bytes(out / "differences.csv", diffs.to_csv(index=False).encode())
    manifest = dict(res.manifest)
    manifest["differences_method"] = diffs.attrs.get("method", "")
    atomic_write_json(out / "manifest.json", manifest)
    res.path = out
