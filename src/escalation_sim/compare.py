"""Paired comparison of scenarios: the same seeds for every scenario, results side by side.

With the same master seed every scenario gets the same block seeds, so
replication ``i`` of each scenario draws the same uniforms (common random
numbers) as long as the scenarios have the same actors; differences between
scenarios are then paired and far less noisy than between independent runs.
When the actor sets differ the streams are consumed differently; the pairs
are still independent across replications, so the paired interval stays
valid, only wider.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.analysis import COMPARE_METRICS, Results, paired_differences
from escalation_sim.config import Scenario
from escalation_sim.runner import run_scenario
from escalation_sim.scenario import content_hash
from escalation_sim.store import (
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_parquet,
    clear_derived,
)


@dataclass(frozen=True)
class Entry:
    """One scenario of a comparison."""

    label: str
    scenario: Scenario
    file: str


def unique_labels(names: Sequence[str], files: Sequence[str]) -> list[str]:
    """Scenario names, made unique with the file stem, then a number, where they repeat."""
    out: list[str] = []
    for name, file in zip(names, files, strict=True):
        label = name
        same = [f for n, f in zip(names, files, strict=True) if n == name]
        if len(set(same)) > 1 and Path(file).stem != name:
            label = f"{name} ({Path(file).stem})"
        base, k = label, 2
        while label in out:
            label = f"{base} #{k}"
            k += 1
        out.append(label)
    return out


def structure(sc: Scenario) -> tuple[tuple[str, str], ...]:
    """Actors and roles: scenarios with equal structures consume random numbers alike."""
    return tuple((a.name, a.role) for a in sc.actors)


def run_comparison(
    entries: Sequence[Entry],
    replications: int,
    seed: int,
    *,
    keep_traces: int = 20,
    on_progress: Callable[[int], None] | None = None,
    manifest: dict[str, Any] | None = None,
) -> Results:
    """Run every scenario with the same seed; return one Results of kind ``compare``."""
    runs, daily, traces, events = [], [], [], []
    for e in entries:
        res = run_scenario(
            e.scenario, replications, seed, keep_traces=keep_traces, on_progress=on_progress
        )
        runs.append(res.runs.assign(scenario=e.label))
        daily.append(res.daily.to_frame().assign(scenario=e.label))
        if res.traces is not None:
            traces.append(res.traces.assign(scenario=e.label))
        events.append(res.events.assign(scenario=e.label))
    meta: dict[str, Any] = {
        "kind": "compare",
        "scenarios": [
            {
                "label": e.label,
                "name": e.scenario.name,
                "scenario_file": e.file,
                "scenario_hash": content_hash(e.scenario),
                "config": e.scenario.model_dump(mode="json"),
            }
            for e in entries
        ],
        "seed": seed,
        "replications": replications,
        "keep_traces": keep_traces,
        "paired": "common random numbers: the same master seed gives every scenario the same "
        "block seeds, so replication i of each scenario shares its random numbers",
        "aligned": len({structure(e.scenario) for e in entries}) == 1,
    }
    meta.update(manifest or {})
    return Results(
        meta,
        _first(pd.concat(runs, ignore_index=True)),
        _first(pd.concat(daily, ignore_index=True)),
        _first(pd.concat(traces, ignore_index=True)) if traces else None,
        _first(pd.concat(events, ignore_index=True)),
    )


def _first(frame: pd.DataFrame) -> pd.DataFrame:
    cols = ["scenario", *[c for c in frame.columns if c != "scenario"]]
    return frame[cols]


def differences(res: Results, *, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Paired differences of every scenario against the first (B - A, C - A, ...)."""
    groups = res.groups()
    base = groups[0]
    parts = []
    for other in groups[1:]:
        d = paired_differences(base.runs, other.runs, COMPARE_METRICS, n_boot=n_boot, seed=seed)
        d.insert(0, "scenario_a", base.label)
        d.insert(1, "scenario_b", other.label)
        parts.append(d)
    out = pd.concat(parts, ignore_index=True)
    out.attrs["method"] = parts[0].attrs["method"]
    return out


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
