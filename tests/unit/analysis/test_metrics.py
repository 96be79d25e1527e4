"""Risk and heatmap tables with their Wilson intervals."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.analysis.metrics import heatmap_table, risk_table
from escalation_sim.analysis.stats import wilson_interval
from escalation_sim.store.results import Results


# ---------------------------------------------------------------------- risk and heatmap
def test_risk_table_per_level_pools_points_with_a_cluster_interval(grid_res: Results) -> None:
    t = risk_table(grid_res.runs, "mechanisms.incident_hazard")
    assert list(t["x"]) == pytest.approx([0.01, 0.03, 0.06])
    assert list(t["replications"]) == [120, 120, 120]
    assert list(t["points"]) == [3, 3, 3]  # each level pools the three hostile_bias points
    runs = grid_res.runs
    for _, row in t.iterrows():
        part = runs[np.isclose(runs["mechanisms.incident_hazard"], row["x"])]
        assert row["p"] == pytest.approx(part["armed_incident"].mean())
        lo, hi = wilson_interval(int(part["armed_incident"].sum()), len(part))
        assert row["low"] <= lo + 1e-12 and row["high"] >= hi - 1e-12  # never narrower


def test_risk_table_of_single_points_is_wilson(grid_res: Results) -> None:
    runs = grid_res.runs
    by = risk_table(runs, "mechanisms.incident_hazard", by="mechanisms.hostile_bias")
    assert len(by) == 9 and set(by["replications"]) == {40} and set(by["points"]) == {1}
    for _, row in by.iterrows():
        assert (row["low"], row["high"]) == pytest.approx(
            wilson_interval(int(row["events"]), int(row["replications"]))
        )


def test_risk_table_bins_a_continuous_parameter(sobol_res: Results) -> None:
    t = risk_table(sobol_res.runs, "mechanisms.patron_restraint", bins=5)
    assert t["binned"].all() and len(t) == 5
    assert t["replications"].sum() == len(sobol_res.runs)
    assert t["x"].is_monotonic_increasing


def test_heatmap_table_counts_every_cell(grid_res: Results) -> None:
    t = heatmap_table(grid_res.runs, "mechanisms.incident_hazard", "mechanisms.hostile_bias")
    assert t["n"].shape == (3, 3) and (t["n"] == 40).all()
    assert t["x_ticks"] == ["0.01", "0.03", "0.06"]
    runs = grid_res.runs
    cell = runs[
        np.isclose(runs["mechanisms.incident_hazard"], 0.06)
        & np.isclose(runs["mechanisms.hostile_bias"], 1.0)
    ]
    assert t["p"][2, 2] == pytest.approx(cell["armed_incident"].mean())
