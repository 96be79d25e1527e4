"""One replication's story as lanes of moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from escalation_sim.analysis.daily import ScheduledEvent, scenario_events
from escalation_sim.analysis.stories import pick_story, story_events
from escalation_sim.config.ladder import FORCE_BY_RUNG, rung_info, rung_label
from escalation_sim.present.figures.style import (
    _axes,
    _date_axis,
    _event_handles,
    _mark_events,
    styled,
)
from escalation_sim.store.results import Group, Results

# ---------------------------------------------------------------------- 7. story


def _lanes(
    config: dict[str, Any], ev: pd.DataFrame
) -> tuple[list[str], Callable[[pd.Series], str]]:
    roles = {a["name"]: a["role"] for a in config["actors"]}
    me = next(n for n, r in roles.items() if r == "instigator")
    front = [n for n, r in roles.items() if r == "frontline"]
    sanc = [n for n, r in roles.items() if r == "sanctioner"]
    lanes = [f"{me} -> {f}" for f in front] + [f"{me} -> sanctioners"]
    lanes += [f"{f} -> {me}" for f in front] + [f"{s} -> {me}" for s in sanc]
    lanes += ["ambiguous (author unknown)", "border clashes"]

    def lane(row: pd.Series) -> str:
        if row["actor"] == "border":
            return "border clashes"
        if row["actor"] == "unknown":
            return "ambiguous (author unknown)"
        if row["actor"] == me:
            return f"{me} -> {row['target']}" if row["target"] in front else f"{me} -> sanctioners"
        return f"{row['actor']} -> {me}"

    used = set(ev.apply(lane, axis=1)) if len(ev) else set()
    keep = [ln for ln in lanes if ln in used or ln == "border clashes" or "->" in ln]
    return keep, lane


@styled
def plot_story(
    res: Results,
    replication: int | None = None,
    group: Any = None,
    ax: Axes | None = None,
) -> Figure:
    """One replication's story: a swimlane per actor, moves over time coloured by rung.

    Circles: deliberate moves; triangles: ambiguous incidents; stars: clashes
    and armed incidents (also marked by a vertical line across all lanes).
    Default replication: the first kept one with an armed incident.
    """
    if replication is None:
        group, replication = pick_story(res, group)
    elif group is None:
        group = res.groups()[0].key
    g = next(x for x in res.groups() if x.key == group)
    ev = story_events(res, group, replication)
    lanes, lane_of = _lanes(g.config, ev)
    fig, ax = _axes(ax, (12, 0.42 * (len(lanes) + LABEL_BAND) + 2.6))
    ypos = {ln: len(lanes) - 1 - i for i, ln in enumerate(lanes)}
    if len(ev):
        ev = ev.assign(lane=ev.apply(lane_of, axis=1))
        ev["y"] = ev["lane"].map(ypos)
        is_inc = _draw_moves(ax, ev)
        _mark_incidents(ax, ev[is_inc], top=len(lanes) - 0.3)
    events = scenario_events(g.config)
    _mark_events(ax, events)
    _lane_axes(ax, g, lanes, ypos)
    ax.set_title(_story_title(res, g, replication))
    _story_legend(ax, ev, events)
    return fig


LABEL_BAND = 3.2  # lanes' worth of room above the lanes for the incident labels


def _draw_moves(ax: Axes, ev: pd.DataFrame) -> np.ndarray:
    """Scatter the moves by kind and rung colour; return which rows are incidents."""
    x = pd.to_datetime(ev["date"]).to_numpy()
    colors = [rung_info(int(r)).color for r in ev["rung"]]
    is_inc = ev["move"].isin(list(FORCE_BY_RUNG.values())).to_numpy()
    is_amb = (ev["move"] == "ambiguous_incident").to_numpy()
    plain = ~is_inc & ~is_amb
    for mask, marker, size, gid in (
        (plain, "o", 28, "moves"),
        (is_amb, "^", 40, "ambiguous"),
        (is_inc, "*", 220, "incidents"),
    ):
        if mask.any():
            ax.scatter(
                x[mask],
                ev["y"].to_numpy()[mask],
                c=[colors[i] for i in np.nonzero(mask)[0]],
                marker=marker,
                s=size,
                edgecolors="black" if marker == "*" else "none",
                linewidths=0.6,
                zorder=3,
                gid=gid,
            )
    return is_inc


def _mark_incidents(ax: Axes, incidents: pd.DataFrame, top: float) -> None:
    """A vertical line for every clash or armed incident, labelled above the lanes.

    The labels stand in a band above the top lane, so they never cover a marker.
    """
    for _, row in incidents.iterrows():
        ax.axvline(
            row["date"],
            color=rung_info(int(row["rung"])).color,
            linewidth=1.0,
            linestyle="-",
            alpha=0.7,
            zorder=1,
        )
        where = str(row["target"]).split("-")[-1]
        short = {
            "nonlethal_clash": "clash",
            "armed_incident": "ARMED INCIDENT",
            "armed_conflict": "ARMED CONFLICT",
        }[row["move"]]
        ax.annotate(
            f"{short}, {where}",
            (row["date"], top + 0.15),
            xytext=(-2, 0),
            textcoords="offset points",
            rotation=90,
            fontsize=7.5,
            ha="right",
            va="bottom",
            color="#222222",
            zorder=4,
            gid="incident-label",
        )


def _lane_axes(ax: Axes, g: Group, lanes: list[str], ypos: dict[str, int]) -> None:
    """One lane per actor pair, dates over the horizon."""
    ax.set_yticks([ypos[ln] for ln in lanes], [ln.replace("->", "\u2192") for ln in lanes])
    ax.set_ylim(-0.7, len(lanes) - 0.3 + LABEL_BAND)
    start = np.datetime64(g.start, "D")
    ax.set_xlim(start, start + np.timedelta64(g.days, "D"))
    _date_axis(ax)
    ax.grid(axis="x", alpha=0.25)
    ax.grid(axis="y", visible=False)
    for yv in range(len(lanes)):
        ax.axhline(yv, color="#dddddd", linewidth=0.6, zorder=0)


def _story_title(res: Results, g: Group, replication: int) -> str:
    """Which replication, and how it ended."""
    row = g.runs[g.runs["replication"] == replication]
    first = row["first_armed_incident_day"].iloc[0] if len(row) else np.nan
    outcome = (
        "no armed incident"
        if not np.isfinite(first)
        else f"first armed incident {g.start + dt.timedelta(days=int(first)):%d %b %Y}"
    )
    scenario = g.config.get("name", res.name)
    who = scenario if res.kind != "sweep" else f"{scenario}, {g.label}"
    return f"{who}: replication {replication} of seed {res.seed} - {outcome}"


def story_legend_entries(ev: pd.DataFrame) -> tuple[list[int], list[str]]:
    """The rungs and the marker kinds that a story actually draws (for its legend)."""
    if not len(ev):
        return [], []
    rungs = sorted({int(r) for r in ev["rung"]})
    moves = ev["move"]
    is_inc = moves.isin(list(FORCE_BY_RUNG.values()))
    is_amb = moves == "ambiguous_incident"
    kinds = [
        name
        for name, present in (
            ("deliberate move", bool((~is_inc & ~is_amb).any())),
            ("ambiguous incident", bool(is_amb.any())),
            ("clash / armed incident", bool(is_inc.any())),
        )
        if present
    ]
    return rungs, kinds


_MARKERS = {
    "deliberate move": {"marker": "o"},
    "ambiguous incident": {"marker": "^"},
    "clash / armed incident": {"marker": "*", "markersize": 12},
}


def _story_legend(ax: Axes, ev: pd.DataFrame, events: list[ScheduledEvent]) -> None:
    """Rung colours, marker kinds and scenario events that are drawn, outside the axes."""
    rungs, kinds = story_legend_entries(ev)
    handles: list[Any] = [Patch(color=rung_info(r).color) for r in rungs]
    labels = [rung_label(r) for r in rungs]
    for kind in kinds:
        handles.append(Line2D([], [], linestyle="none", color="#666666", **_MARKERS[kind]))
        labels.append(kind)
    eh, el = _event_handles(events)
    ax.legend(
        handles + eh,
        labels + el,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        frameon=False,
        title="rung of the move",
    )
