"""Figures of outcome distributions, risk, survival, fan charts, sensitivity and stories.

Drawing only: every number comes from :mod:`escalation_sim.analysis`. Each
figure function takes a :class:`~escalation_sim.analysis.Results` and
``ax=None`` (a single Axes, or a sequence of Axes for the multi-panel
figures) and returns the Figure. Figures are built with
``matplotlib.figure.Figure`` (no pyplot state), so they need no closing and
work with any backend.

Colours: the Okabe-Ito palette for groups (colour-blind safe); a sequential
map (light = calm, dark = violent) for the ordinal escalation rungs.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from escalation_sim import analysis as an
from escalation_sim.outcomes import N_RUNGS

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
# Rungs 0-6: grey, then cool (non-violent coercion) to warm and dark (force). Neighbours
# differ in hue and lightness, so the order reads under the common colour-vision deficiencies.
RUNG_COLORS = ["#D9D9D9", "#56B4E9", "#0072B2", "#E69F00", "#D55E00", "#8B1A1A", "#000000"]
RUNG_SHORT = ("none", "rhetoric", "coercion", "military", "clash", "armed", "conflict")
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


def _horizon_text(group: an.Group) -> str:
    return f"{group.days} days from {group.start:%d %b %Y}"


def _events_of(groups: Sequence[an.Group]) -> list[an.ScheduledEvent]:
    """Scheduled events of all groups; those not shared by all are tagged with their group."""
    per = [an.scenario_events(g.config) for g in groups]
    seen: list[an.ScheduledEvent] = []
    for g, evs in zip(groups, per, strict=True):
        for ev in evs:
            if all(ev in other for other in per):
                if ev not in seen:
                    seen.append(ev)
            else:
                tagged = an.ScheduledEvent(ev.kind, f"{ev.label} [{g.label}]", ev.start, ev.end)
                if tagged not in seen:
                    seen.append(tagged)
    return seen


def _mark_events(
    ax: Axes,
    events: Sequence[an.ScheduledEvent],
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


def _event_handles(events: Sequence[an.ScheduledEvent]) -> tuple[list[Any], list[str]]:
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


def _title_groups(res: an.Results, groups: Sequence[an.Group]) -> str:
    ns = sorted({g.n for g in groups})
    each = f"{ns[0]:,}" if len(ns) == 1 else f"{ns[0]:,}-{ns[-1]:,}"
    if len(groups) == 1:
        return f"{groups[0].label}: {each} replications, {_horizon_text(groups[0])}"
    return f"{res.name}: {each} replications per group, {_horizon_text(groups[0])}"


# ---------------------------------------------------------------------- 1. distributions
_INTEGER_OUTCOMES = ("max_rung", "sanctions_packages")


def _distribution(ax: Axes, groups: Sequence[an.Group], outcome: str) -> None:
    ng = len(groups)
    if outcome in _INTEGER_OUTCOMES:
        if outcome == "max_rung":
            support: list[int] = list(range(N_RUNGS))
        else:
            lo = min(int(g.runs[outcome].min()) for g in groups)
            hi = max(int(g.runs[outcome].max()) for g in groups)
            support = list(range(max(0, lo), max(hi, lo + 3) + 1))  # at least 4 values
        width = 0.8 / ng
        for i, g in enumerate(groups):
            t = an.count_shares_with_ci(g.runs[outcome].to_numpy(), support=support)
            x = t["value"].to_numpy() - 0.4 + width * (i + 0.5)
            ax.bar(
                x,
                t["p"],
                width=width * 0.92,
                color=color_of(i),
                label=g.label,
                yerr=[t["p"] - t["low"], t["high"] - t["p"]],
                error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
            )
        ax.set_xticks(support)
        if outcome == "max_rung":
            ax.set_xticklabels([f"{r}\n{RUNG_SHORT[r]}" for r in support])
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Share of replications (95% Wilson bars)")
        ax.grid(axis="x", visible=False)
    else:
        # Bands of more than two groups would overlap into mud; the DKW band has the same
        # width everywhere, so its half-width is then given in the axis label instead.
        bands = ng <= 2
        for i, g in enumerate(groups):
            v = np.sort(g.runs[outcome].to_numpy(dtype=float))
            y = np.arange(1, len(v) + 1) / len(v)
            eps = an.dkw_band(len(v))
            if bands:
                ax.fill_between(
                    v,
                    np.clip(y - eps, 0, 1),
                    np.clip(y + eps, 0, 1),
                    step="post",
                    color=color_of(i),
                    alpha=0.18,
                    linewidth=0,
                )
            ax.step(
                v,
                y,
                where="post",
                color=color_of(i),
                label=g.label,
                linewidth=1.6,
                linestyle=style_of(i),
            )
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        if bands:
            ax.set_ylabel("Share of replications at or below\n(ECDF, 95% DKW band)")
        else:
            eps = max(an.dkw_band(g.n) for g in groups)
            ax.set_ylabel(
                f"Share of replications at or below\n(ECDF; 95% DKW band \u00b1{eps:.1%})"
            )
        _thousands(ax.xaxis)
        ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel(an.DISTRIBUTIONS.get(outcome, outcome))


@styled
def plot_distributions(
    res: an.Results,
    by: str | None = None,
    outcomes: Sequence[str] = tuple(an.DISTRIBUTIONS),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Outcome distributions per scenario or per level of a swept parameter.

    Integer outcomes (highest rung, sanctions packages) as bars of the share
    of replications with Wilson 95% intervals; continuous ones (arrivals,
    stranded peak) as ECDFs with a 95% Dvoretzky-Kiefer-Wolfowitz band.
    """
    groups, what = res.by(by)
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = -(-len(outcomes) // ncols)
    fig, axes = _axes_list(ax, len(outcomes), nrows, ncols, (11, 3.6 * nrows + 0.8))
    for a, outcome in zip(axes, outcomes, strict=True):
        _distribution(a, groups, outcome)
    if ax is None:
        _suptitle(fig, "Outcome distributions", _title_groups(res, groups))
        if len(groups) > 1:
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(
                handles,
                labels,
                loc="outside lower center",
                ncols=min(len(groups), 3),
                title=what or None,
                frameon=False,
            )
    elif len(groups) > 1:
        axes[0].legend(title=what or None)
    return fig


# ---------------------------------------------------------------------- 2. risk curve
def _default_by(res: an.Results, param: str) -> str | None:
    if res.design not in ("grid", "explicit"):
        return None
    for other in res.parameters:
        if other != param and res.runs[other].nunique() <= 5:
            return other
    return None


@styled
def plot_risk_curve(
    res: an.Results,
    param: str | None = None,
    by: str | None = None,
    outcome: str = "armed_incident",
    ax: Axes | None = None,
) -> Figure:
    """P(outcome within the horizon) against a swept parameter, with Wilson 95% bands.

    For a comparison (no swept parameter): one point per scenario with its
    Wilson interval, for armed incidents and non-lethal clashes.
    """
    own = ax is None
    fig, ax = _axes(ax, (8, 5))
    groups = res.groups()
    days = groups[0].days
    if res.kind != "sweep":
        metrics = ["armed_incident", "nonlethal_clash"]
        x = np.arange(len(groups))
        for j, m in enumerate(metrics):
            rows = [an.proportion(an.METRICS[m].values(g.runs)) for g in groups]
            p = np.array([r["p"] for r in rows])
            lo = np.array([r["low"] for r in rows])
            hi = np.array([r["high"] for r in rows])
            ax.errorbar(
                x + (j - 0.5) * 0.15,
                p,
                yerr=[p - lo, hi - p],
                fmt="os"[j],
                color=color_of(j),
                capsize=4,
                markersize=7,
                linestyle="none",
                label=an.METRICS[m].label + " (Wilson 95%)",
            )
            for xi, pi in zip(x + (j - 0.5) * 0.15, p, strict=True):
                ax.annotate(
                    f"{pi:.2f}",
                    (xi, pi),
                    textcoords="offset points",
                    xytext=(8, 0),
                    va="center",
                    fontsize=8,
                )
        ax.set_xticks(x, [g.label for g in groups])
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylabel(f"Probability within {days} days")
        ax.set_title(f"Risk by scenario ({groups[0].n:,} paired replications each)")
        ax.set_ylim(0, 1)
        ax.legend(loc="best")
        ax.grid(axis="x", visible=False)
        return fig
    param = param or res.parameters[0]
    by = by if by is not None else _default_by(res, param)
    table = an.risk_table(res.runs, param, outcome, by=by)
    label = an.METRICS[outcome].label
    series = list(table.groupby("by_value", sort=True)) if by else [(None, table)]
    span = float(table["x"].max() - table["x"].min()) or 1.0
    for i, (bv, part) in enumerate(series):
        c = color_of(i)
        name = f"{an.short_name(by)} = {an.format_value(bv)}" if by else label
        if len(series) == 1:
            ax.fill_between(
                part["x"],
                part["low"],
                part["high"],
                color=c,
                alpha=0.2,
                linewidth=0,
                label="Wilson 95% interval",
            )
            ax.plot(part["x"], part["p"], marker="o", color=c, label=name, linewidth=1.8)
        else:  # several curves: dodged error bars, so that equal estimates stay visible
            x = part["x"].to_numpy() + (i - (len(series) - 1) / 2) * 0.012 * span
            ax.errorbar(
                x,
                part["p"],
                yerr=[part["p"] - part["low"], part["high"] - part["p"]],
                marker="o",
                color=c,
                linestyle=style_of(i),
                linewidth=1.6,
                capsize=3,
                label=name,
            )
    unit = an.param_unit(param, res.config_of())
    ax.set_xlabel(an.short_name(param) + (f" ({unit})" if unit else ""))
    ax.set_ylabel(f"{label.replace(')', '')} within {days} days)")
    ax.set_ylim(0, min(1.0, max(0.05, float(table["high"].max()) * 1.15)))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ns = sorted(set(table["replications"]))
    n_txt = f"{ns[0]:,}" if len(ns) == 1 else f"{ns[0]:,}-{ns[-1]:,}"
    how = (
        "bins of about equal counts, averaged over the other parameters"
        if bool(table["binned"].iloc[0])
        else (
            "one curve per level"
            if by
            else "averaged over the other parameters"
            if len(res.parameters) > 1
            else "one point per level"
        )
    )
    ax.set_title(f"Risk curve: {label} against {an.short_name(param)}")
    _footnote(
        fig,
        ax,
        f"Bars and shading: Wilson 95% intervals. {n_txt} replications per point; {how}.",
        own,
    )
    ax.legend(loc="best")
    return fig


# ---------------------------------------------------------------------- 3. survival
def _survival(ax: Axes, groups: Sequence[an.Group], event: str) -> None:
    _column, name = an.FIRST_EVENTS[event]
    for i, g in enumerate(groups):
        km = an.survival_of(g, event)
        c = color_of(i)
        end = g.days  # the curve runs to the end of the last day
        days = np.concatenate([[0], km.day, [end]])
        s = np.concatenate([[1.0], km.survival, [km.survival[-1] if km.events else 1.0]])
        lo = np.concatenate([[1.0], km.low, [km.low[-1] if km.events else 1.0]])
        hi = np.concatenate([[1.0], km.high, [km.high[-1] if km.events else 1.0]])
        x = _dates(g.start, days)
        ax.fill_between(x, lo, hi, step="post", color=c, alpha=0.2, linewidth=0)
        risk_lo, risk_hi = 1 - hi[-1], 1 - lo[-1]
        ax.step(
            x,
            s,
            where="post",
            color=c,
            linewidth=1.8,
            linestyle=style_of(i),
            label=f"{g.label}: {km.risk:.0%} within {g.days} d ({risk_lo:.0%}-{risk_hi:.0%})",
        )
    _mark_events(ax, _events_of(groups), label=True, label_y=0.6)  # curves start at the top
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(f"P(no {name} yet)")
    ax.set_title(f"Time to first {name}")
    ax.legend(loc="lower left", fontsize=8, title="P(event) within horizon (95% CI)")
    _date_axis(ax)


@styled
def plot_survival(
    res: an.Results,
    by: str | None = None,
    events: Sequence[str] = ("armed_incident", "nonlethal_clash"),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Kaplan-Meier curves of the time to the first armed incident and non-lethal clash.

    Right-censored at the horizon; shaded: log-log 95% band; over calendar dates.
    """
    groups, _what = res.by(by, max_levels=4)
    fig, axes = _axes_list(ax, len(events), 1, len(events), (6 * len(events), 4.8))
    for a, ev in zip(axes, events, strict=True):
        _survival(a, groups, ev)
    if ax is None:
        _suptitle(
            fig,
            "Time to the first incident (Kaplan-Meier, censored at the horizon)",
            _title_groups(res, groups),
        )
    return fig


# ---------------------------------------------------------------------- 4. fan chart
FAN_PANELS = ("rung", "tension", "sanctions_level", "arrivals")


def fan_groups(res: an.Results, limit: int = 3) -> list[an.Group]:
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


def _fan(ax: Axes, groups: Sequence[an.Group], series: str) -> None:
    single = len(groups) == 1
    discrete = series in _DISCRETE
    step = "post" if discrete else None
    draw = "steps-post" if discrete else "default"
    for i, g in enumerate(groups):
        f = an.fan(g.daily, series)
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
    ax.set_title(an.FAN_SERIES[series].split(" (")[0])
    ax.set_ylabel(FAN_UNITS[series])
    if series == "rung":
        ax.set_yticks(range(N_RUNGS), [f"{r} {RUNG_SHORT[r]}" for r in range(N_RUNGS)])
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


def _rung_area(ax: Axes, group: an.Group, width: int = 80) -> None:
    shares = an.rung_shares(group.daily)
    x = shares["date"].to_numpy()
    ax.stackplot(
        x,
        *[shares[r].to_numpy() for r in range(N_RUNGS)],
        colors=RUNG_COLORS,
        labels=an.RUNG_LABELS,
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
    res: an.Results, groups: Sequence[an.Group] | None = None, ax: Sequence[Axes] | None = None
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
            [Patch(color=c) for c in reversed(RUNG_COLORS)],
            list(reversed(an.RUNG_LABELS)),
            loc="outside right center",
            title="highest rung",
            frameon=False,
        )
    events = _events_of(groups)
    for a, g in zip(top, groups, strict=True):
        _rung_area(a, g, width=int(110 / ng))
        _mark_events(a, an.scenario_events(g.config), label=True, over=True)
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


# ---------------------------------------------------------------------- 5. heatmap
@styled
def plot_heatmap(
    res: an.Results,
    x: str | None = None,
    y: str | None = None,
    outcome: str = "armed_incident",
    ax: Axes | None = None,
) -> Figure:
    """P(outcome) over two swept parameters, each cell annotated with its interval and n."""
    if res.kind != "sweep" or len(res.parameters) < 2:
        raise ValueError("a heatmap needs a sweep over at least two parameters")
    x = x or res.parameters[0]
    y = y or next(p for p in res.parameters if p != x)
    t = an.heatmap_table(res.runs, x, y, outcome)
    p = t["p"]
    ny, nx = p.shape
    fig, ax = _axes(ax, (max(6.5, 1.3 * nx + 3), max(4.8, 0.9 * ny + 2)))
    vmax = max(0.05, float(np.nanmax(p))) if np.isfinite(p).any() else 1.0
    cmap = mpl.colormaps["viridis"]
    norm = mpl.colors.Normalize(0, vmax)
    mesh = ax.pcolormesh(
        np.arange(nx + 1) - 0.5,
        np.arange(ny + 1) - 0.5,
        np.ma.masked_invalid(p),
        cmap=cmap,
        norm=norm,
        edgecolors="white",
        linewidth=1,
    )
    days = res.groups()[0].days
    label = an.METRICS[outcome].label
    bar = fig.colorbar(mesh, ax=ax)
    bar.set_label(f"{label} within {days} days")
    show_ci = nx * ny <= 36
    for i, j in itertools.product(range(ny), range(nx)):
        if t["n"][i, j] == 0:
            ax.text(j, i, "no runs", ha="center", va="center", fontsize=8, color="#555555")
            continue
        r, g, b, _a = cmap(norm(p[i, j]))
        light = 0.299 * r + 0.587 * g + 0.114 * b > 0.55
        text = f"{p[i, j]:.2f}"
        if show_ci:
            text += f"\n[{t['low'][i, j]:.2f}, {t['high'][i, j]:.2f}]"
        text += f"\nn={t['n'][i, j]:,}"
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=8 if show_ci else 7,
            color="black" if light else "white",
        )
    ax.set_xticks(range(nx), t["x_ticks"])
    ax.set_yticks(range(ny), t["y_ticks"])
    ux, uy = an.param_unit(x, res.config_of()), an.param_unit(y, res.config_of())
    ax.set_xlabel(an.short_name(x) + (f" ({ux})" if ux else ""))
    ax.set_ylabel(an.short_name(y) + (f" ({uy})" if uy else ""))
    ax.grid(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    pooled = " (pooled over other parameters)" if len(res.parameters) > 2 else ""
    ax.set_title(
        f"{label} by {an.short_name(x)} and {an.short_name(y)}{pooled}\n"
        f"cells: estimate, Wilson 95% interval, replications",
        fontsize=10,
    )
    return fig


# ---------------------------------------------------------------------- 6. sensitivity
@styled
def plot_sensitivity(
    res: an.Results,
    outcome: str = "armed_incident",
    ax: Axes | None = None,
    si: an.Sensitivity | None = None,
) -> Figure:
    """Sobol first-order and total indices with 95% intervals, or Morris mu* against sigma."""
    si = si if si is not None else an.sensitivity(res, outcome)
    t = si.table
    reps = (
        f"{si.replications_min}"
        if si.replications_min == si.replications_max
        else f"{si.replications_min}-{si.replications_max}"
    )
    note = (
        f"{si.n_points} design points x {reps} replications; indices of the per-point means.\n"
        f"Replication noise alone explains ~{si.noise_share:.0%} of their variance"
        + (
            " - indices unreliable, run more replications per point."
            if si.noise_share > 0.5
            else "."
        )
    )
    names = [an.short_name(p) for p in t["parameter"]]
    own = ax is None
    if si.method == "sobol":
        order = np.argsort(t["ST"].fillna(-1).to_numpy())  # largest at the top
        fig, ax = _axes(ax, (8, max(3.5, 0.6 * len(t) + 2)))
        yy = np.arange(len(t))
        h = 0.38
        for k, (col, name) in enumerate((("S1", "first order S1"), ("ST", "total order ST"))):
            vals = t[col].to_numpy()[order]
            conf = t[f"{col}_conf"].to_numpy()[order]
            ax.barh(
                yy + (k - 0.5) * h,
                vals,
                height=h * 0.95,
                xerr=conf,
                color=color_of(k),
                label=name,
                error_kw={"elinewidth": 0.9, "capsize": 3, "ecolor": "#333333"},
            )
        ax.set_yticks(yy, [names[i] for i in order])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("Sobol index (share of the variance of the per-point means), 95% CI")
        ax.set_title(f"Sobol sensitivity of {si.label}")
        ax.legend(loc="lower right")
        ax.grid(axis="y", visible=False)
    else:
        fig, ax = _axes(ax, (8, 5.5))
        ax.errorbar(
            t["mu_star"],
            t["sigma"],
            xerr=t["mu_star_conf"],
            fmt="o",
            color=color_of(0),
            capsize=3,
            markersize=7,
            label="parameter (\u03bc* with 95% CI)",
        )
        for xi, yi, name in zip(t["mu_star"], t["sigma"], names, strict=True):
            ax.annotate(name, (xi, yi), textcoords="offset points", xytext=(6, 4), fontsize=9)
        top = float(np.nanmax(np.r_[t["mu_star"] + t["mu_star_conf"], t["sigma"], 1e-9])) * 1.15
        ax.plot(
            [0, top],
            [0, top],
            color="#888888",
            linestyle="--",
            linewidth=0.9,
            label="\u03c3 = \u03bc* (non-linear or interacting)",
        )
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(f"\u03bc* (mean |elementary effect| on {si.label}, per full range)")
        ax.set_ylabel("\u03c3 (spread of elementary effects)")
        ax.set_title(f"Morris screening of {si.label}")
        ax.legend(loc="upper left")
    for w in si.extra.get("warnings", []):
        note += f"\nSALib: {w}"
    _footnote(fig, ax, note, own)
    return fig


# ---------------------------------------------------------------------- 7. story
_INCIDENTS = {"nonlethal_clash": 4, "armed_incident": 5, "armed_conflict": 6}


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
    res: an.Results,
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
        group, replication = an.pick_story(res, group)
    elif group is None:
        group = res.groups()[0].key
    g = next(x for x in res.groups() if x.key == group)
    ev = an.story_events(res, group, replication)
    lanes, lane_of = _lanes(g.config, ev)
    fig, ax = _axes(ax, (12, 0.42 * len(lanes) + 2.6))
    ypos = {ln: len(lanes) - 1 - i for i, ln in enumerate(lanes)}
    if len(ev):
        ev = ev.assign(lane=ev.apply(lane_of, axis=1))
        ev["y"] = ev["lane"].map(ypos)
        x = pd.to_datetime(ev["date"]).to_numpy()
        colors = [RUNG_COLORS[int(r)] for r in ev["rung"]]
        is_inc = ev["move"].isin(list(_INCIDENTS)).to_numpy()
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
        for k, (_, row) in enumerate(ev[is_inc].iterrows()):
            ax.axvline(
                row["date"],
                color=RUNG_COLORS[int(row["rung"])],
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
    _mark_events(ax, an.scenario_events(g.config), label=True)
    ax.set_yticks([ypos[ln] for ln in lanes], [ln.replace("->", "\u2192") for ln in lanes])
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    start = np.datetime64(g.start, "D")
    ax.set_xlim(start, start + np.timedelta64(g.days, "D"))
    _date_axis(ax)
    ax.grid(axis="x", alpha=0.25)
    ax.grid(axis="y", visible=False)
    for yv in range(len(lanes)):
        ax.axhline(yv, color="#dddddd", linewidth=0.6, zorder=0)
    row = g.runs[g.runs["replication"] == replication]
    first = row["first_armed_incident_day"].iloc[0] if len(row) else np.nan
    outcome = (
        "no armed incident"
        if not np.isfinite(first)
        else f"first armed incident {g.start + dt.timedelta(days=int(first)):%d %b %Y}"
    )
    who = "" if res.kind == "run" else f"{g.label}, "
    ax.set_title(f"One replication's story: {who}replication {replication} - {outcome}")
    handles = [Patch(color=RUNG_COLORS[r]) for r in range(N_RUNGS)]
    labels = list(an.RUNG_LABELS)
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
    return fig


# ---------------------------------------------------------------------- all figures
def figures_for(res: an.Results) -> dict[str, Callable[[], Figure]]:
    """Every figure the data supports, by file stem, as zero-argument callables."""
    figs: dict[str, Callable[[], Figure]] = {
        "distributions": lambda: plot_distributions(res),
    }
    if res.kind == "compare":
        figs["risk"] = lambda: plot_risk_curve(res)
    if res.kind == "sweep":
        for p in res.parameters:
            figs[f"risk_curve_{_slug(an.short_name(p))}"] = functools.partial(
                plot_risk_curve, res, p
            )
    figs["survival"] = lambda: plot_survival(res)
    if res.daily is not None and len(res.daily):
        figs["fan_chart"] = lambda: plot_fan_chart(res)
    if res.kind == "sweep" and len(res.parameters) >= 2:
        pairs = list(itertools.combinations(res.parameters, 2))[:3]
        for x, y in pairs:
            name = f"heatmap_{_slug(an.short_name(x))}__{_slug(an.short_name(y))}"
            figs[name] = functools.partial(plot_heatmap, res, x, y)
    if (
        res.kind == "sweep"
        and res.design in ("sobol", "morris")
        and res.manifest.get("salib_problem")
    ):
        figs["sensitivity"] = lambda: plot_sensitivity(res)
    if res.events is not None and len(res.events):
        if res.kind == "compare":
            group, rep = an.pick_story(res)
            for g in res.groups():
                if rep in an.kept_replications(res, g.key):
                    figs[f"story_{_slug(g.label)}"] = functools.partial(plot_story, res, rep, g.key)
        else:
            try:
                group, rep = an.pick_story(res)
            except ValueError:
                pass
            else:
                figs["story"] = functools.partial(plot_story, res, rep, group)
    return figs


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "_" for ch in text.lower())
    return "_".join(part for part in out.split("_") if part)


def save_figure(fig: Figure, path: Path, dpi: int = 100) -> Path:
    """Save a figure (format from the suffix) with a white background."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, facecolor="white")
    return path


def save_all(res: an.Results, out: Path, fmt: str = "png", dpi: int = 100) -> list[Path]:
    """Draw and save every supported figure into ``out``; return the files written."""
    written = []
    for name, draw in figures_for(res).items():
        written.append(save_figure(draw(), out / f"{name}.{fmt}", dpi))
    return written
