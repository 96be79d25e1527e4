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

from escalation_sim.analysis.daily import scenario_events
from escalation_sim.analysis.stories import pick_story, story_events
from escalation_sim.config.ladder import FORCE_BY_RUNG, N_RUNGS, RUNGS, rung_label
from escalation_sim.present.figures.style import (
    _axes,
    _date_axis,
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
    fig, ax = _axes(ax, (12, 0.42 * len(lanes) + 2.6))
    ypos = {ln: len(lanes) - 1 - i for i, ln in enumerate(lanes)}
    if len(ev):
        ev = ev.assign(lane=ev.apply(lane_of, axis=1))
        ev["y"] = ev["lane"].map(ypos)
        is_inc = _draw_moves(ax, ev)
        _mark_incidents(ax, ev[is_inc])
    _mark_events(ax, scenario_events(g.config), label=True)
    _lane_axes(ax, g, lanes, ypos)
    ax.set_title(_story_title(res, g, replication))
    _story_legend(ax)
    return fig


def _draw_moves(ax: Axes, ev: pd.DataFrame) -> np.ndarray:
    """Scatter the moves by kind and rung colour; return which rows are incidents."""
    x = pd.to_datetime(ev["date"]).to_numpy()
    colors = [RUNGS[int(r)].color for r in ev["rung"]]
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


def _mark_incidents(ax: Axes, incidents: pd.DataFrame) -> None:
    """A vertical line and a label for every clash or armed incident."""
    for k, (_, row) in enumerate(incidents.iterrows()):
        ax.axvline(
            row["date"],
            color=RUNGS[int(row["rung"])].color,
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
            (row["date"], 0.5 + 0.35 * (k % 2)),
            xycoords=("data", "axes fraction"),
            xytext=(-2, 0),
            textcoords="offset points",
            rotation=90,
            fontsize=7.5,
            ha="right",
            va="center",
            color="#222222",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
            zorder=4,
        )


def _lane_axes(ax: Axes, g: Group, lanes: list[str], ypos: dict[str, int]) -> None:
    """One lane per actor pair, dates over the horizon."""
    ax.set_yticks([ypos[ln] for ln in lanes], [ln.replace("->", "\u2192") for ln in lanes])
    ax.set_ylim(-0.7, len(lanes) - 0.3)
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
    who = "" if res.kind == "run" else f"{g.label}, "
    return f"One replication's story: {who}replication {replication} - {outcome}"


def _story_legend(ax: Axes) -> None:
    """Rung colours and marker kinds, outside the axes."""
    handles = [Patch(color=RUNGS[r].color) for r in range(N_RUNGS)]
    labels = [rung_label(r) for r in range(N_RUNGS)]
    handles += [
        Line2D([], [], marker="o", linestyle="none", color="#666666"),
        Line2D([], [], marker="^", linestyle="none", color="#666666"),
        Line2D([], [], marker="*", linestyle="none", color="#666666", markersize=12),
    ]
    labels += ["deliberate move", "ambiguous incident", "clash / armed incident"]
    ax.legend(
        handles,
        labels,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        frameon=False,
        title="rung of the move",
    )
