"""Figure style: colours, axes, event marks, titles and footnotes."""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from escalation_sim.analysis.daily import ScheduledEvent, scenario_events
from escalation_sim.store.results import Group, Results, param_unit, short_name

# Okabe & Ito (2008), ordered so that the first colours differ most in lightness too.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
PALETTE = list(OKABE_ITO.values())
LINESTYLES = ["-", "--", "-.", ":"]  # so that identical curves of two groups stay visible
EVENT_COLOR = "#777777"

STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.constrained_layout.use": True,
}


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw inside the project's rc style without changing global settings."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with mpl.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper


def color_of(i: int) -> str:
    """The i-th group colour."""
    return PALETTE[i % len(PALETTE)]


def style_of(i: int) -> str:
    """The i-th group line style."""
    return LINESTYLES[i % len(LINESTYLES)]


# ---------------------------------------------------------------------- helpers
def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.get_figure(root=True), ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _axes_list(
    ax: Sequence[Axes] | None, n: int, nrows: int, ncols: int, figsize: tuple[float, float]
) -> tuple[Figure, list[Axes]]:
    if ax is not None:
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) < n:
            raise ValueError(f"this figure needs {n} axes, got {len(axes)}")
        return axes[0].get_figure(root=True), axes[:n]
    fig = Figure(figsize=figsize, layout="constrained")
    axes = list(np.ravel(fig.subplots(nrows, ncols, squeeze=False)))
    for extra in axes[n:]:
        extra.remove()
    return fig, axes[:n]


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    formatter = mdates.ConciseDateFormatter(locator)
    formatter.offset_formats = ["", "%Y", "%Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)


def _thousands(ax_axis: Any) -> None:
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))


def _dates(start: dt.date, days: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.datetime64(start, "D") + np.asarray(days, dtype="timedelta64[D]")


def _horizon_text(group: Group) -> str:
    return f"{group.days} days from {group.start:%d %b %Y}"


def _events_of(groups: Sequence[Group]) -> list[ScheduledEvent]:
    """Scheduled events of all groups; those not shared by all are tagged with their group."""
    per = [scenario_events(g.config) for g in groups]
    seen: list[ScheduledEvent] = []
    for g, evs in zip(groups, per, strict=True):
        for ev in evs:
            if all(ev in other for other in per):
                if ev not in seen:
                    seen.append(ev)
            else:
                tagged = ScheduledEvent(ev.kind, f"{ev.label} [{g.label}]", ev.start, ev.end)
                if tagged not in seen:
                    seen.append(tagged)
    return seen


def _mark_events(
    ax: Axes,
    events: Sequence[ScheduledEvent],
    label: bool = False,
    over: bool = False,
    label_y: float = 0.97,
) -> None:
    """Shade event windows, draw one-day events as dashed lines; optionally write their names.

    ``over``: draw windows as edge lines above the data (for filled areas that would hide
    a shaded span).
    """
    trans = mpl.transforms.blended_transform_factory(ax.transData, ax.transAxes)
    for i, ev in enumerate(events):
        start = np.datetime64(ev.start, "D")
        if ev.end is not None and over:
            end = np.datetime64(ev.end, "D") + np.timedelta64(1, "D")
            for edge in (start, end):
                ax.axvline(edge, color="white", linewidth=2.2, zorder=4)
                ax.axvline(
                    edge,
                    color="#333333",
                    linewidth=1.0,
                    linestyle="--",
                    zorder=4.1,
                    gid=f"event:{ev.label}",
                )
        elif ev.end is not None:
            end = np.datetime64(ev.end, "D") + np.timedelta64(1, "D")
            hatch = "//" if ev.kind == "supply_cut" else None
            ax.axvspan(
                start,
                end,
                facecolor=EVENT_COLOR,
                alpha=0.12 if hatch is None else 0.06,
                hatch=hatch,
                edgecolor=EVENT_COLOR,
                linewidth=0,
                zorder=0,
                gid=f"event:{ev.label}",
            )
        else:
            ax.axvline(
                start,
                color="#333333" if over else EVENT_COLOR,
                linestyle="--",
                linewidth=0.9,
                zorder=4 if over else 0.5,
                gid=f"event:{ev.label}",
            )
        if label:
            ax.text(
                start,
                label_y - 0.11 * (i % 3),
                " " + ev.label,
                transform=trans,
                ha="left",
                va="top",
                fontsize=8,
                color="#333333",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                zorder=5,
                clip_on=True,
            )


def _event_handles(events: Sequence[ScheduledEvent]) -> tuple[list[Any], list[str]]:
    """Legend entries that explain the event marks."""
    handles: list[Any] = []
    labels: list[str] = []
    for ev in events:
        if ev.kind == "supply_cut":
            handles.append(
                Patch(
                    facecolor=EVENT_COLOR,
                    alpha=0.15,
                    hatch="//",
                    edgecolor=EVENT_COLOR,
                    linewidth=0,
                )
            )
        elif ev.end is not None:
            handles.append(Patch(facecolor=EVENT_COLOR, alpha=0.25, linewidth=0))
        else:
            handles.append(Line2D([], [], color=EVENT_COLOR, linestyle="--", linewidth=0.9))
        labels.append(ev.label)
    return handles, labels


def _footnote(fig: Figure, ax: Axes, text: str, own: bool) -> None:
    """A small note under the plot that does not squeeze the axes.

    On a figure of our own, the layout leaves room at the bottom and the note goes
    there; on a caller's axes it hangs below the axes outside the layout.
    """
    text = "\n".join(textwrap.fill(part, 130) for part in text.split("\n"))
    lines = text.count("\n") + 1
    if own:
        frac = (0.16 * lines + 0.08) / fig.get_figheight()
        engine = fig.get_layout_engine()
        if engine is not None:
            engine.set(rect=(0, frac, 1, 1 - frac))
        fig.text(0.01, 0.01, text, ha="left", va="bottom", fontsize=8, color="#444444")
    else:
        note = ax.text(
            0.0,
            -0.18,
            text,
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=8,
            color="#444444",
        )
        note.set_in_layout(False)


def _suptitle(fig: Figure, title: str, detail: str) -> None:
    fig.suptitle(f"{title}\n{detail}", fontweight="bold", fontsize=11, linespacing=1.5)


def _title_groups(res: Results, groups: Sequence[Group]) -> str:
    ns = sorted({g.n for g in groups})
    each = f"{ns[0]:,}" if len(ns) == 1 else f"{ns[0]:,}-{ns[-1]:,}"
    if len(groups) == 1:
        return f"{groups[0].label}: {each} replications, {_horizon_text(groups[0])}"
    return f"{res.name}: {each} replications per group, {_horizon_text(groups[0])}"


def param_label(res: Results, path: str) -> str:
    """Axis label of a swept parameter from the parameter table: name in words and unit."""
    unit = param_unit(path, res.config_of())
    words = short_name(path).replace("_", " ").replace(".", " ")
    return words + (f" ({unit})" if unit else "")


def others_varying(res: Results, *params: str) -> list[str]:
    """The swept parameters other than ``params`` that take more than one value."""
    return [p for p in res.parameters if p not in params and res.runs[p].nunique() > 1]


def pooled_text(res: Results, *params: str) -> str:
    """What a pooled group averages over, in words ('' when nothing else varies)."""
    others = others_varying(res, *params)
    if not others:
        return ""
    names = ", ".join(short_name(p).replace("_", " ") for p in others)
    return f"pooled over {names}"


MAX_CURVES = 8


def level_groups(res: Results, by: str | None = None) -> tuple[list[Group], str, str]:
    """Groups a figure overlays, what they are, and what each pools ('' if nothing).

    A run or comparison: its own groups. A sweep: replications by level of
    ``by`` (default the first swept parameter); a grid's or explicit list's
    levels are used as they are (up to :data:`MAX_CURVES`), never cut into
    quantile bins; a continuous parameter is cut into 4 bins of about equal
    counts. The last item names the other swept parameters each group pools.
    """
    if res.kind != "sweep":
        groups, what = res.by(by)
        return groups, what, ""
    param = by or res.parameters[0]
    levels = res.runs[param].nunique()
    discrete = res.design in ("grid", "explicit") or levels <= 4
    groups, what = res.by(param, max_levels=min(levels, MAX_CURVES) if discrete else 4)
    return groups, what, pooled_text(res, param)
