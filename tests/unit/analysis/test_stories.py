"""Which replication's story to tell."""

from __future__ import annotations

import pytest

from escalation_sim.analysis.stories import kept_replications, pick_story, story_events
from escalation_sim.store.results import Results


# ---------------------------------------------------------------------- stories
def test_story_picks_a_kept_replication(run_res: Results, grid_res: Results) -> None:
    group, rep = pick_story(run_res)
    assert rep in kept_replications(run_res) == [0, 1]
    ev = story_events(run_res, group, rep)
    assert len(ev) and (ev["replication"] == rep).all()
    assert "scheduled event" not in set(ev["move"])
    g, r = pick_story(grid_res, 4)
    assert g == 4 and r in (0, 1)
    with pytest.raises(KeyError, match="not kept"):
        story_events(run_res, None, 200)
