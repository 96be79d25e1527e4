"""Fan charts of daily series: the top rungs day by day, rung shares, and fans."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from escalation_sim.analysis.daily import (
    FAN_SERIES,
    fan,
    rung_at_least,
    rung_shares,
    scenario_events,
)
from escalation_sim.config.ladder import N_RUNGS, RUNGS, rung_label
from escalation_sim.present.figures.style import (
    _axes_list,
    _date_axis,
    _event_handles,
    _events_of,
    _mark_events,
    _suptitle,
    _thousands,
    _title_groups,
    color_of,
    style_of,
    styled,
)
from escalation_sim.store.results import Group, Results

# ---------------------------------------------------------------------- 4. fan chart
TOP_RUNGS = (4, 5)  # P(highest rung today >= r) panels
FAN_PANELS = ("tension", "sanctions_level", "stranded")


def fan_groups(res: Results, limit: int = 3) -> list[Group]:
    """Groups for the fan chart: all (run, comparison) or three telling design points.

    Daily quantiles cannot be pooled across design points, so a sweep shows
    the points with the lowest, middle and highest P(armed incident).
    """
    groups = [g for g in res.groups() if g.daily is not None and len(g.daily)]
    if res.kind != "sweep" or len(groups) <= limit:
        return groups[: max(limit, 4)]
    ranked = sorted(groups, key=lambda g: (float(g.runs["armed_incident"].mean()), g.key))
    picks = [ranked[0], ranked[len(ranked) // 2], ranked[-1]]
    return [g for i, g in enumerate(picks) if all(g.key != p.key for p in picks[:i])]


FAN_UNITS = {
    "tension": "mutual perceived threat (0-1)",
    "sanctions_level": "packages in force",
    "stranded": "persons",
    "arrivals": "persons (cumulative)",
}
FAN_TITLES = {
    "tension": "Tension",
    "sanctions_level": "Sanctions packages in force",
    "stranded": "Migrants stranded between the lines",
}
_DISCRETE = ("sanctions_level",)


def _fan(ax: Axes, groups: Sequence[Group], series: str) -> None:
    """Median and bands of a daily series: 50% and 90% for one group, 50% for several."""
    single = len(groups) == 1
    discrete = series in _DISCRETE
    step = "post" if discrete else None
    draw = "steps-post" if discrete else "default"
    for i, g in enumerate(groups):
        f = fan(g.daily, series)
        x = f["date"].to_numpy()
        c = color_of(i)
        q = {k: f[k].to_numpy() for k in ("q05", "q25", "q50", "q75", "q95")}
        if single:
            ax.fill_between(
                x,
                q["q05"],
                q["q95"],
                color=c,
                alpha=0.15,
                linewidth=0,
                step=step,
                label="90% of replications",
            )
        ax.fill_between(
            x,
            q["q25"],
            q["q75"],
            color=c,
            alpha=0.35 if single else 0.15,
            linewidth=0,
            step=step,
            label="50% of replications" if single else f"_band {g.label}",
        )
        ax.plot(
            x,
            q["q50"],
            color=c,
            linewidth=1.8,
            linestyle=style_of(i),
            label="median" if single else f"{g.label} (median)",
            drawstyle=draw,
        )
    ax.set_title(FAN_TITLES.get(series, FAN_SERIES.get(series, series).split(" (")[0]))
    ax.set_ylabel(FAN_UNITS.get(series, ""))
    if series == "tension":
        ax.set_ylim(0, 1)
    elif series in ("arrivals", "stranded"):
        _thousands(ax.yaxis)
        ax.set_ylim(bottom=0)
    elif series == "sanctions_level":
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        lo, hi = ax.get_ylim()
        if hi - lo < 4:
            mid = (lo + hi) / 2
            ax.set_ylim(mid - 2, mid + 2)
    _date_axis(ax)


def _top_rung(ax: Axes, groups: Sequence[Group], rung: int) -> None:
    """P(highest rung today >= ``rung``) per day for each group, with its Wilson band."""
    top = 0.0
    for i, g in enumerate(groups):
        t = rung_at_least(g.daily, rung)
        x = t["date"].to_numpy()
        c = color_of(i)
        ax.fill_between(
            x, t["low"], t["high"], color=c, alpha=0.2, linewidth=0, gid=f"band:{g.label}"
        )
        ax.plot(x, t["p"], color=c, linewidth=1.6, linestyle=style_of(i), gid=f"p:{g.label}")
        top = max(top, float(np.nanmax(t["high"])))
    ax.set_ylim(0, max(0.01, top * 1.1))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if top < 0.05 else 0))
    ax.set_title(f"P(rung {rung} or above today: {RUNGS[rung].short} or worse)")
    ax.set_ylabel("share of replications")
    _date_axis(ax)


def _rung_lines(ax: Axes, group: Group, width: int = 110) -> None:
    """Share of replications at each rung per day, on a log scale so rungs 4-6 show."""
    shares = rung_shares(group.daily)
    x = shares["date"].to_numpy()
    n = float(group.n)
    for r in range(N_RUNGS):
        y = shares[r].to_numpy(dtype=float)
        ax.plot(
            x,
            np.where(y > 0, y, np.nan),
            color=RUNGS[r].color,
            linewidth=1.4 if r >= 4 else 1.0,
            gid=f"rung:{r}",
        )
    ax.set_yscale("log")
    ax.set_ylim(0.5 / max(n, 1), 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlim(x[0], x[-1])
    ax.set_ylabel("share (log scale)")
    ax.set_title(textwrap.fill(f"Share at each rung today - {group.label}", width), fontsize=9)
    _date_axis(ax)


def _fan_layout(ng: int) -> tuple[Figure, Any, list[Axes], list[Axes], list[Axes]]:
    """Our own figure: top-rung panels, one rung-share panel per group, fans; legend column."""
    fig = Figure(figsize=(14, 11), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[5, 1.4])
    rows = left.subfigures(3, 1, height_ratios=[1, 1, 1])
    top = list(rows[0].subplots(1, len(TOP_RUNGS), sharex=True))
    shares = list(np.ravel(rows[1].subplots(1, ng, sharey=True, squeeze=False)))
    panels = list(rows[2].subplots(1, len(FAN_PANELS)))
    return fig, right, top, shares, panels


@styled
def plot_fan_chart(
    res: Results, groups: Sequence[Group] | None = None, ax: Sequence[Axes] | None = None
) -> Figure:
    """The crisis day by day over calendar dates, with one legend outside the panels.

    Top: P(highest rung today >= 4) and >= 5 per group with Wilson 95% bands
    (exact from the daily rung counts). Middle: share of replications at each
    rung per day on a log scale (one panel per group), so that the rare top
    rungs are visible. Bottom: tension, sanctions in force and migrants
    stranded: median with the middle 50% (and, for one group, 90%) of
    replications. Scenario events are shaded (windows) or dashed (one-day).
    ``ax``: ``2 + len(groups) + 3`` axes in that order.
    """
    groups = list(groups) if groups is not None else fan_groups(res)
    if not groups:
        raise ValueError("no daily table in these results")
    ng = len(groups)
    n_axes = len(TOP_RUNGS) + ng + len(FAN_PANELS)
    if ax is not None:
        fig, axes = _axes_list(ax, n_axes, 1, n_axes, (1, 1))
        top, shares = axes[: len(TOP_RUNGS)], axes[len(TOP_RUNGS) : len(TOP_RUNGS) + ng]
        panels, legend_holder = axes[len(TOP_RUNGS) + ng :], None
    else:
        fig, legend_holder, top, shares, panels = _fan_layout(ng)
    events = _events_of(groups)
    for a, rung in zip(top, TOP_RUNGS, strict=True):
        _top_rung(a, groups, rung)
        _mark_events(a, events)
    for a, g in zip(shares, groups, strict=True):
        _rung_lines(a, g, width=int(100 / ng))
        _mark_events(a, scenario_events(g.config))
    for a, series in zip(panels, FAN_PANELS, strict=True):
        _fan(a, groups, series)
        _mark_events(a, events)
    for a in [*top, *shares, *panels][1:]:
        a.set_xlim(top[0].get_xlim())
    handles, labels = _fan_legend(groups, panels[0], events)
    if legend_holder is not None:
        legend_holder.legend(handles, labels, loc="center left", fontsize=8, frameon=False)
        sub = ""
        if res.kind == "sweep" and len(res.groups()) > ng:
            sub = " - design points with the lowest, middle and highest P(armed incident)"
        _suptitle(fig, "The crisis day by day" + sub, _title_groups(res, groups))
    else:
        fig.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False)
    return fig


def _fan_legend(
    groups: Sequence[Group], fan_ax: Axes, events: Sequence[Any]
) -> tuple[list[Any], list[str]]:
    """Every entry of the one legend: groups or bands, rungs, scenario events."""
    if len(groups) > 1:
        handles: list[Any] = [
            Line2D([], [], color=color_of(i), linewidth=2, linestyle=style_of(i))
            for i in range(len(groups))
        ]
        labels = [textwrap.fill(g.label, 34) for g in groups]
        handles += [Patch(color="#888888", alpha=0.3)]
        labels += ["shaded: Wilson 95% band (top),\nmiddle 50% of replications (bottom)"]
    else:
        handles, labels = fan_ax.get_legend_handles_labels()
        handles = [Patch(color=color_of(0), alpha=0.2), *handles]
        labels = ["Wilson 95% band (top panels)", *labels]
    handles += [Line2D([], [], color=RUNGS[r].color, linewidth=2) for r in range(N_RUNGS)]
    labels += [f"rung {rung_label(r)}" for r in range(N_RUNGS)]
    eh, el = _event_handles(events)
    return handles + eh, labels + el
