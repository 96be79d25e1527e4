"""Paired differences of a comparison."""

from __future__ import annotations

import pandas as pd

from escalation_sim.analysis.metrics import COMPARE_METRICS
from escalation_sim.analysis.paired_diff import paired_differences
from escalation_sim.store.results import Results


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
