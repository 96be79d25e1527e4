"""Scenario discovery's boxes and the main effects of a grid sweep, against the data."""

from __future__ import annotations

import pandas as pd
import pytest

from escalation_sim.store.results import load
from tests.support import ROOT

RESULTS = ROOT / "tests" / "fixtures" / "results"
pytest.importorskip("ema_workbench")


def test_discovery_box_statistics_agree_with_the_points() -> None:
    from escalation_sim.analysis.discovery import discover

    found = discover(load(RESULTS / "sobol"), "armed_incident", 0.02)
    box = found.boxes[0]
    pts = found.points
    inside = pd.Series(True, index=pts.index)
    for r in box.restricted.itertuples():
        inside &= pts[r.parameter].between(r.low, r.high)
    assert inside.sum() == box.points
    assert box.density == pytest.approx(pts.loc[inside, "of_interest"].mean())
    assert box.coverage == pytest.approx(pts.loc[inside, "of_interest"].sum() / found.cases)
    assert box.density > pts["of_interest"].mean()  # denser than the whole space
    assert box.restricted["qp"].between(0, 1).all()


def test_main_effects_pool_each_level_over_the_other_parameters() -> None:
    from escalation_sim.analysis.discovery import main_effects

    res = load(RESULTS / "grid")
    table = main_effects(res, "armed_incident")
    assert len(table) == sum(res.runs[p].nunique() for p in res.parameters)
    for r in table.itertuples():
        level = res.runs[res.runs[r.parameter] == r.level]
        assert r.replications == len(level)
        assert r.value == pytest.approx(level["armed_incident"].mean())
        assert r.low <= r.value <= r.high
    with pytest.raises(ValueError, match="grid sweep"):
        main_effects(load(RESULTS / "sobol"))
