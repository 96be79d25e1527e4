"""Combining the results of separate runs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from escalation_sim.engine.records import DailySummary
from escalation_sim.engine.result import ModelResult
from tests.support import daily_values as values

START = dt.date(2021, 8, 12)


def _result(rungs: np.ndarray, v: np.ndarray, groups: int | None) -> ModelResult:
    def summary() -> DailySummary:
        s = DailySummary.empty(START, ["A", "B"], 1)
        s.add_day(0, rungs, v)
        return s

    runs = pd.DataFrame({"replication": np.arange(rungs.shape[1])})
    by_group = None if groups is None else [summary() for _ in range(groups)]
    return ModelResult(runs, summary(), None, pd.DataFrame(), daily_by_group=by_group)


def test_merge_keeps_per_group_summaries_and_refuses_mismatched_groups():
    rng = np.random.default_rng(2)
    v = values(rng, 100)
    rungs = rng.integers(0, 7, (3, 100))
    merged = _result(rungs, v, 2).merge(_result(rungs, v, 2))
    assert merged.daily_by_group is not None and len(merged.daily_by_group) == 2
    assert all(s.replications == 200 for s in merged.daily_by_group)
    assert merged.merge(_result(rungs, v, 2)).daily_by_group[1].replications == 300
    assert _result(rungs, v, None).merge(_result(rungs, v, None)).daily_by_group is None
    for other in (_result(rungs, v, None), _result(rungs, v, 3)):
        with pytest.raises(ValueError, match="per-group"):
            _result(rungs, v, 2).merge(other)
