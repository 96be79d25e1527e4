"""Results folders in memory: kinds, groups, pooled levels, what is not a results folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalation_sim.store.results import Results, load


# ---------------------------------------------------------------------- results and groups
def test_kinds_and_groups(run_res: Results, compare_res: Results, grid_res: Results) -> None:
    assert run_res.kind == "run" and len(run_res.groups()) == 1
    assert compare_res.labels() == ["fixture_base", "fixture_supply_cut"]
    assert all(g.n == 200 for g in compare_res.groups())
    assert grid_res.parameters == ["mechanisms.incident_hazard", "mechanisms.hostile_bias"]
    groups = grid_res.groups()
    assert len(groups) == 9 and all(g.n == 40 and len(g.daily) == 30 for g in groups)
    assert groups[5].label == "point 5: incident_hazard=0.03, hostile_bias=1"
    levels, what = grid_res.by()
    assert what == "incident_hazard"
    assert [g.label for g in levels] == [
        "incident_hazard = 0.01",
        "incident_hazard = 0.03",
        "incident_hazard = 0.06",
    ]
    assert all(g.n == 120 for g in levels)


def test_continuous_parameters_are_pooled_into_bins(sobol_res: Results) -> None:
    levels, _ = sobol_res.by("mechanisms.hostile_bias", max_levels=4)
    assert len(levels) == 4
    assert sum(g.n for g in levels) == len(sobol_res.runs)


def test_load_refuses_what_is_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no manifest\.json"):
        load(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such results folder"):
        load(tmp_path / "missing")
