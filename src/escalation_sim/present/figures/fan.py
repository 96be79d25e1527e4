"""Fan charts of daily series."""

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

from escalation_sim.analysis.daily import FAN_SERIES, fan, rung_shares, scenario_events
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
FAN_PANELS = ("rung", "tension", "sanctions_level", "arrivals")


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
    "rung": "rung (0-6)",
    "tension": "mutual perceived threat (0-1)",
    "sanctions_level": "packages in force",
    "arrivals": "persons (cumulative)",
}
_DISCRETE = ("rung", "sanctions_level")


def _fan(ax: Axes, groups: Sequence[Group], series: str) -> None:
    single = len(groups) == 1
    discrete = series in _DISCRETE
    step = "post" if discrete else None
    draw = "steps-post" if discrete else "default"
    for i, g in enumerate(groups):
        f = fan(g.daily, series)
        x = f["date"].to_numpy()
        c = color_of(i)
        # Discrete series of several groups are dodged a little so that equal steps stay visible.
        dy = (i - (len(groups) - 1) / 2) * 0.08 if discrete and not single else 0.0
        q = {k: f[k].to_numpy() + dy for k in ("q05", "q25", "q50", "q75", "q95")}
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
                alpha=0.35,
                linewidth=0,
                step=step,
                label="50% of replications",
            )
        else:
            ax.fill_between(x, q["q25"], q["q75"], color=c, alpha=0.22, linewidth=0, step=step)
            for k in ("q05", "q95"):
                ax.plot(x, q[k], color=c, linewidth=0.8, linestyle=":", drawstyle=draw)
        ax.plot(
            x,
            q["q50"],
            color=c,
            linewidth=1.8,
            linestyle=style_of(i),
            label="median" if single else g.label,
            drawstyle=draw,
        )
    ax.set_title(FAN_SERIES[series].split(" (")[0])
    ax.set_ylabel(FAN_UNITS[series])
    if series == "rung":
        ax.set_yticks(range(N_RUNGS), [f"{r} {RUNGS[r].short}" for r in range(N_RUNGS)])
        ax.set_ylim(-0.3, 6.3)
    elif series == "tension":
        ax.set_ylim(0, 1)
    elif series == "arrivals":
        _thousands(ax.yaxis)
        ax.set_ylim(bottom=0)
    elif series == "sanctions_level":
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        lo, hi = ax.get_ylim()
        if hi - lo < 4:
            mid = (lo + hi) / 2
            ax.set_ylim(mid - 2, mid + 2)
    _date_axis(ax)


def _rung_area(ax: Axes, group: Group, width: int = 80) -> None:
    shares = rung_shares(group.daily)
    x = shares["date"].to_numpy()
    ax.stackplot(
        x,
        *[shares[r].to_numpy() for r in range(N_RUNGS)],
        colors=[r.color for r in RUNGS],
        labels=[rung_label(r) for r in range(N_RUNGS)],
        linewidth=0,
    )
    ax.set_ylim(0, 1)
    ax.set_xlim(x[0], x[-1])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("share of replications")
    ax.set_title(
        textwrap.fill(f"Highest rung today - {group.label}", width),
        fontsize=10 if width > 60 else 9,
    )
    ax.grid(False)
    _date_axis(ax)


@styled
def plot_fan_chart(
    res: Results, groups: Sequence[Group] | None = None, ax: Sequence[Axes] | None = None
) -> Figure:
    """Fan chart over calendar dates: median, 50% and 90% bands, rung shares, events.

    Top: share of replications at each rung per day (stacked, one panel per
    group). Below: highest rung, tension, sanctions level and arrivals, median
    with 50% and 90% bands (from the daily quantiles). Scenario events are
    shaded (windows) or dashed (one-day events) and named on the top panels.
    ``ax``: ``len(groups) + 4`` axes (rung-share panels first).
    """
    groups = list(groups) if groups is not None else fan_groups(res)
    if not groups:
        raise ValueError("no daily table in these results")
    ng = len(groups)
    if ax is not None:
        fig, axes = _axes_list(ax, ng + 4, 1, ng + 4, (1, 1))
        top, panels = axes[:ng], axes[ng:]
    else:
        fig = Figure(figsize=(12, 10.5), layout="constrained")
        upper, lower = fig.subfigures(2, 1, height_ratios=[1, 2.1])
        top = list(np.ravel(upper.subplots(1, ng, sharey=True, squeeze=False)))
        panels = list(np.ravel(lower.subplots(2, 2)))
        upper.legend(
            [Patch(color=c) for c in reversed([r.color for r in RUNGS])],
            [rung_label(r) for r in reversed(range(N_RUNGS))],
            loc="outside right center",
            title="highest rung",
            frameon=False,
        )
    events = _events_of(groups)
    for a, g in zip(top, groups, strict=True):
        _rung_area(a, g, width=int(110 / ng))
        _mark_events(a, scenario_events(g.config), label=True, over=True)
    for a, series in zip(panels, FAN_PANELS, strict=True):
        _fan(a, groups, series)
        _mark_events(a, events)
        a.set_xlim(top[0].get_xlim())
    for a in top[1:] + panels:
        if len(a.get_shared_x_axes().get_siblings(a)) == 1:
            a.sharex(top[0])
    if ng > 1:
        handles: list[Any] = [
            Line2D([], [], color=color_of(i), linewidth=2, linestyle=style_of(i)) for i in range(ng)
        ]
        labels = [f"{g.label} (median)" for g in groups]
        handles += [
            Patch(color="#888888", alpha=0.4),
            Line2D([], [], color="#888888", linestyle=":"),
        ]
        labels += ["middle 50% of replications", "5% and 95% quantiles"]
    else:
        handles, labels = panels[0].get_legend_handles_labels()
    eh, el = _event_handles(events)
    if ax is None and ng > 1:  # long group labels: one legend under the panels
        lower.legend(
            handles + eh,
            labels + el,
            loc="outside lower center",
            ncols=1 if max(len(x) for x in labels) > 45 else 2,
            fontsize=8,
            frameon=False,
        )
    else:
        panels[1].legend(handles, labels, loc="upper left", fontsize=8)
        if el:
            panels[3].legend(eh, el, loc="upper left", fontsize=8, title="scenario events")
    if ax is None:
        sub = ""
        if res.kind == "sweep" and len(res.groups()) > ng:
            sub = " - design points with the lowest, middle and highest P(armed incident)"
        _suptitle(fig, "Fan chart: the crisis day by day" + sub, _title_groups(res, groups))
    return fig
