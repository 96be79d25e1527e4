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

import pandas as pd

from escalation_sim.config.scenario import Scenario, content_hash
from escalation_sim.engine.result import ModelResult
from escalation_sim.run.ensemble import Ensemble
from escalation_sim.run.scenario import run_scenario
from escalation_sim.store.folder import save
from escalation_sim.store.results import DIFFERENCES, Results, new_manifest


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
    on_progress: Callable[[float], None] | None = None,
    ensembles: Sequence[Ensemble] | None = None,
) -> Results:
    """Run every scenario with the same seed; return one Results of kind ``compare``.

    With ``ensembles`` (one per entry) each scenario's replications draw their parameters;
    the same seed gives replication i the same uniforms in every scenario.
    """
    runs, daily, traces, events = [], [], [], []
    for i, e in enumerate(entries):
        res = run_scenario(
            e.scenario,
            replications,
            seed,
            keep_traces=keep_traces,
            on_progress=on_progress,
            ensemble=ensembles[i] if ensembles is not None else None,
        )
        runs.append(res.runs.assign(scenario=e.label))
        daily.append(res.daily.to_frame().assign(scenario=e.label))
        if res.traces is not None:
            traces.append(res.traces.assign(scenario=e.label))
        events.append(res.events.assign(scenario=e.label))
    meta = new_manifest(
        "compare",
        scenarios=[
            {
                "label": e.label,
                "name": e.scenario.name,
                "scenario_file": e.file,
                "scenario_hash": content_hash(e.scenario),
                "config": e.scenario.model_dump(mode="json"),
            }
            for e in entries
        ],
        seed=seed,
        replications=replications,
        keep_traces=keep_traces,
        paired="common random numbers: the same master seed gives every scenario the same "
        "block seeds, so replication i of each scenario shares its random numbers",
        aligned=len({structure(e.scenario) for e in entries}) == 1,
        **({"ensemble": ensembles[0].describe()} if ensembles else {}),
    )
    return Results(
        meta,
        _scenario_first(pd.concat(runs, ignore_index=True)),
        _scenario_first(pd.concat(daily, ignore_index=True)),
        _scenario_first(pd.concat(traces, ignore_index=True)) if traces else None,
        _scenario_first(pd.concat(events, ignore_index=True)),
    )


def comparison_files(res: Results, diffs: pd.DataFrame) -> dict[str, bytes]:
    """A comparison's extra files (its paired differences as a CSV); notes the method."""
    res.manifest["differences_method"] = diffs.attrs.get("method", "")
    return {DIFFERENCES: diffs.to_csv(index=False).encode()}


def save_comparison(out: Path, res: Results, diffs: pd.DataFrame) -> list[str]:
    """Write a comparison's results folder; return the earlier files it replaced."""
    return save(out, res, comparison_files(res, diffs))


def run_pair(
    base: Scenario,
    other: Scenario,
    replications: int,
    seed: int,
    *,
    keep_traces: int = 0,
) -> tuple[ModelResult, ModelResult]:
    """Run both scenarios with the same master seed (common random numbers)."""
    if base.days != other.days or base.start != other.start:
        raise ValueError("paired scenarios must share start date and horizon")
    return (
        run_scenario(base, replications, seed, keep_traces=keep_traces),
        run_scenario(other, replications, seed, keep_traces=keep_traces),
    )


def _scenario_first(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its ``scenario`` column first."""
    cols = ["scenario", *[c for c in frame.columns if c != "scenario"]]
    return frame[cols]
