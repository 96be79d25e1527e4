"""Which replication's story to tell."""

from __future__ import annotations

from typing import Any

import pandas as pd

from escalation_sim.store.results import Results


# ---------------------------------------------------------------------- stories
def kept_replications(res: Results, group: Any = None) -> list[int]:
    """Replications of a group whose event log was kept."""
    seen: set[int] = set()
    col = res.group_column
    for frame in (res.events, res.traces):
        if frame is None or not len(frame):
            continue
        if col is not None and group is not None:
            frame = frame[frame[col] == group]
        seen |= {int(r) for r in frame["replication"].unique()}
    return sorted(seen)


def pick_story(res: Results, group: Any = None) -> tuple[Any, int]:
    """A typical escalating replication of a group, among those whose event log was kept.

    Among kept replications with an armed incident: the one whose first armed
    incident is closest to the group's median day of first armed incident (so
    the story is neither the earliest nor the latest escalation). Without any:
    the most escalated kept replication.
    """
    groups = res.groups()
    if group is None:
        group = groups[0].key
    kept = kept_replications(res, group)
    if not kept:
        raise ValueError("no event log kept for this group; rerun with --keep-traces")
    all_runs = next(g.runs for g in groups if g.key == group)
    runs = all_runs[all_runs["replication"].isin(kept)].sort_values("replication")
    if runs.empty:
        return group, kept[0]
    armed = runs[runs["armed_incident"].astype(bool)]
    if len(armed):
        median = float(all_runs["first_armed_incident_day"].median())
        gap = (armed["first_armed_incident_day"] - median).abs()
        return group, int(armed.loc[gap.sort_values(kind="stable").index[0], "replication"])
    best = runs.sort_values(["max_rung", "nonlethal_clashes"], ascending=False, kind="stable")
    return group, int(best["replication"].iloc[0])


def story_events(res: Results, group: Any, replication: int) -> pd.DataFrame:
    """The event log of one kept replication (without scheduled-event rows)."""
    if res.events is None:
        raise ValueError("no event log in these results")
    ev = res.events
    col = res.group_column
    if col is not None and group is not None:
        ev = ev[ev[col] == group]
    ev = ev[ev["replication"] == replication]
    if ev.empty and replication not in kept_replications(res, group):
        raise KeyError(f"replication {replication} was not kept; rerun with more --keep-traces")
    return ev[ev["move"] != "scheduled event"].reset_index(drop=True)
