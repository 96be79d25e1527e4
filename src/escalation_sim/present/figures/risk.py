"""Risk curves and heatmaps over sweep parameters."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

from escalation_sim.analysis.metrics import METRICS, heatmap_table, risk_table
from escalation_sim.analysis.paired import risk_differences
from escalation_sim.analysis.pooled import interval_method, overlaps_all_neighbours
from escalation_sim.analysis.stats import proportion
from escalation_sim.present.figures.style import (
    _axes,
    _axes_list,
    _footnote,
    color_of,
    param_label,
    pooled_text,
    style_of,
    styled,
)
from escalation_sim.store.results import Group, Results, format_value, short_name


# ---------------------------------------------------------------------- 2. risk curve
def _default_by(res: Results, param: str) -> str | None:
    if res.design not in ("grid", "explicit"):
        return None
    for other in res.parameters:
        if other != param and res.runs[other].nunique() <= 5:
            return other
    return None


@styled
def plot_risk_curve(
    res: Results,
    param: str | None = None,
    by: str | None = None,
    outcome: str = "armed_incident",
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """P(outcome within the horizon) against a swept parameter, with 95% intervals.

    Points of one design point carry Wilson intervals; points that pool several
    design points a cluster bootstrap over them (see :mod:`analysis.pooled`).
    For a comparison (no swept parameter): each scenario's P(armed incident)
    and P(non-lethal clash), and beside it the paired difference against the
    first scenario with its paired bootstrap interval (``ax``: two Axes, or
    one for the differences only).
    """
    if res.kind != "sweep":
        return _risk_by_scenario(res, ax)
    own = ax is None
    fig, ax = _axes(ax, (8, 5))  # type: ignore[arg-type]
    days = res.groups()[0].days
    param = param or res.parameters[0]
    by = by if by is not None else _default_by(res, param)
    table = risk_table(res.runs, param, outcome, by=by)
    _risk_curves(ax, table, by, METRICS[outcome].label)
    _label_risk_curve(fig, ax, res, table, param, by, outcome, days, own)
    return fig


_COMPARED = ("armed_incident", "nonlethal_clash")


def _risk_by_scenario(res: Results, ax: Axes | Sequence[Axes] | None) -> Figure:
    """Each scenario's risks, and the paired differences against the first scenario."""
    groups = res.groups()
    if ax is None:
        fig = Figure(figsize=(12, 5), layout="constrained")
        own_axes = list(fig.subplots(1, 2, width_ratios=[1, 1.2]))
    elif isinstance(ax, Axes):
        fig, own_axes = ax.get_figure(root=True), [None, ax]
    else:
        fig, own_axes = _axes_list(ax, 2, 1, 2, (1, 1))
    if own_axes[0] is not None:
        _risk_points(own_axes[0], groups)
    _risk_differences(own_axes[1], res)
    if ax is None:
        fig.suptitle(
            f"{res.name}: {groups[0].n:,} paired replications per scenario, "
            f"{groups[0].days} days, seed {res.seed}",
            fontweight="bold",
        )
    return fig


def _risk_points(ax: Axes, groups: list[Group]) -> None:
    """One point per scenario and outcome, with its Wilson interval."""
    x = np.arange(len(groups))
    for j, m in enumerate(_COMPARED):
        rows = [proportion(METRICS[m].values(g.runs)) for g in groups]
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
            label=METRICS[m].label + " (Wilson 95%)",
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
    ax.set_ylabel(f"Probability within {groups[0].days} days")
    ax.set_title("Risk in each scenario")
    ax.set_ylim(0, 1)
    ax.legend(loc="best", fontsize=8)
    ax.grid(axis="x", visible=False)


def _risk_differences(ax: Axes, res: Results) -> None:
    """Paired difference (other - first scenario) of each risk, with its bootstrap interval."""
    table = risk_differences(res)
    pairs = list(dict.fromkeys(table["scenario_b"]))
    y = np.arange(len(pairs))
    for j, m in enumerate(_COMPARED):
        part = table[table["metric"] == m].set_index("scenario_b").loc[pairs]
        d = part["difference"].to_numpy()
        ax.errorbar(
            d,
            y + (j - 0.5) * 0.2,
            xerr=[d - part["low"].to_numpy(), part["high"].to_numpy() - d],
            fmt="os"[j],
            color=color_of(j),
            capsize=4,
            markersize=7,
            linestyle="none",
            label=METRICS[m].label,
        )
        for di, yi, lo, hi in zip(d, y + (j - 0.5) * 0.2, part["low"], part["high"], strict=True):
            ax.annotate(
                f"{di:+.3f} [{lo:+.3f}, {hi:+.3f}]",
                (hi, yi),
                textcoords="offset points",
                xytext=(6, 0),
                va="center",
                fontsize=8,
            )
    ax.axvline(0, color="black", linewidth=0.9)
    base = table["scenario_a"].iloc[0]
    ax.set_yticks(y, [f"{b}\nminus {base}" for b in pairs])
    ax.set_ylim(-0.7, len(pairs) - 0.3)
    lo, hi = float(table["low"].min()), float(table["high"].max())
    pad = 0.45 * max(hi - lo, 0.02)
    ax.set_xlim(min(lo, 0) - 0.1 * pad, max(hi, 0) + pad)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:+.2f}"))
    ax.set_xlabel("Paired difference in probability (other - first scenario)")
    ax.set_title("Paired difference, 95% paired bootstrap interval")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", visible=False)
    if table.attrs.get("method"):
        _footnote(ax.get_figure(root=True), ax, f"Interval: {table.attrs['method']}.", own=False)


def _risk_curves(ax: Axes, table: pd.DataFrame, by: str | None, label: str) -> None:
    """One curve (with a band) or one dodged curve per level of ``by``."""
    series = list(table.groupby("by_value", sort=True)) if by else [(None, table)]
    span = float(table["x"].max() - table["x"].min()) or 1.0
    for i, (bv, part) in enumerate(series):
        c = color_of(i)
        name = f"{short_name(by)} = {format_value(bv)}" if by else label
        if len(series) == 1:
            ax.fill_between(
                part["x"],
                part["low"],
                part["high"],
                color=c,
                alpha=0.2,
                linewidth=0,
                label=interval_method(int(part["points"].max())).replace(
                    "Wilson 95%", "Wilson 95% interval"
                ),
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


def _label_risk_curve(
    fig: Figure,
    ax: Axes,
    res: Results,
    table: pd.DataFrame,
    param: str,
    by: str | None,
    outcome: str,
    days: int,
    own: bool,
) -> None:
    """Axis labels, title, a footnote that says what is drawn and pooled, and the legend."""
    label = METRICS[outcome].label
    ax.set_xlabel(param_label(res, param))
    ax.set_ylabel(f"{label.replace(')', '')} within {days} days)")
    ax.set_ylim(0, min(1.0, max(0.05, float(table["high"].max()) * 1.15)))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(f"Risk curve: {label} against {short_name(param)}")
    ax.legend(loc="best")
    _footnote(fig, ax, risk_curve_note(res, table, param, by), own)


def risk_curve_note(res: Results, table: pd.DataFrame, param: str, by: str | None) -> str:
    """The footnote of a risk curve: what the marks are, what each point pools."""
    ns = sorted(set(table["replications"]))
    n_txt = f"{ns[0]:,}" if len(ns) == 1 else f"{ns[0]:,}-{ns[-1]:,}"
    pts = sorted(set(table["points"]))
    pooled = pts[-1] > 1
    what = "Shading" if by is None else "Bars"
    how = interval_method(pts[-1]) + (" (never narrower than Wilson's)" if pooled else " interval")
    parts = [f"{what}: {how}. {n_txt} replications per point"]
    if pooled:
        p_txt = f"{pts[0]}" if len(pts) == 1 else f"{pts[0]}-{pts[-1]}"
        varying = pooled_text(res, param, *([by] if by else []))
        parts.append(
            f"from {p_txt} design points"
            + (f", {varying} (they vary inside each point's bin)" if varying else "")
        )
    if bool(table["binned"].iloc[0]):
        parts.append(
            f"{short_name(param)} cut into bins of about equal counts; x = mean value in the bin"
        )
    return "; ".join(parts) + "."


# ---------------------------------------------------------------------- 5. heatmap
@styled
def plot_heatmap(
    res: Results,
    x: str | None = None,
    y: str | None = None,
    outcome: str = "armed_incident",
    ax: Axes | None = None,
) -> Figure:
    """P(outcome) over two swept parameters, each cell annotated with its interval.

    The colour scale is the whole 0-1 range of a probability, the same in every
    heatmap, so that colour differences are never stretched beyond what the
    numbers say; hatched cells are those whose interval overlaps every
    neighbour's. Cells pooling several design points carry a cluster-bootstrap
    interval. The replication count is given once when every cell has the same.
    """
    if res.kind != "sweep" or len(res.parameters) < 2:
        raise ValueError("a heatmap needs a sweep over at least two parameters")
    x = x or res.parameters[0]
    y = y or next(p for p in res.parameters if p != x)
    t = heatmap_table(res.runs, x, y, outcome)
    p = t["p"]
    ny, nx = p.shape
    fig, ax = _axes(ax, (max(6.5, 1.3 * nx + 3), max(4.8, 0.9 * ny + 2.4)))
    cmap, norm = HEATMAP_CMAP, HEATMAP_NORM
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
    label = METRICS[outcome].label
    bar = fig.colorbar(mesh, ax=ax)
    bar.set_label(f"{label} within {days} days")
    same_n = len({int(v) for v in t["n"][t["n"] > 0]}) == 1
    t["overlap"] = overlaps_all_neighbours(t["low"], t["high"])
    _heatmap_cells(ax, t, show_n=not same_n)
    ax.set_xticks(range(nx), t["x_ticks"])
    ax.set_yticks(range(ny), t["y_ticks"])
    ax.set_xlabel(param_label(res, x))
    ax.set_ylabel(param_label(res, y))
    ax.grid(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(_heatmap_title(res, t, x, y, label, same_n), fontsize=10)
    return fig


HEATMAP_CMAP = mpl.colormaps["viridis"]
HEATMAP_NORM = mpl.colors.Normalize(0.0, 1.0)  # a probability's whole range, in every heatmap


def _heatmap_cells(ax: Axes, t: dict, show_n: bool) -> None:
    """Estimate and interval in each cell; hatching where it overlaps every neighbour."""
    ny, nx = t["p"].shape
    show_ci = nx * ny <= 36
    for i, j in itertools.product(range(ny), range(nx)):
        if t["n"][i, j] == 0:
            ax.text(j, i, "no runs", ha="center", va="center", fontsize=8, color="#555555")
            continue
        r, g, b, _a = HEATMAP_CMAP(HEATMAP_NORM(t["p"][i, j]))
        light = 0.299 * r + 0.587 * g + 0.114 * b > 0.55
        text = f"{t['p'][i, j]:.2f}"
        if show_ci:
            text += f"\n[{t['low'][i, j]:.2f}, {t['high'][i, j]:.2f}]"
        if show_n:
            text += f"\nn={t['n'][i, j]:,}"
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=8 if show_ci else 7,
            color="black" if light else "white",
            bbox={"boxstyle": "round,pad=0.15", "fc": "none", "ec": "none"},
        )
        if t["overlap"][i, j]:
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    fill=False,
                    hatch="///",
                    edgecolor="#bbbbbb" if not light else "#555555",
                    linewidth=0,
                    gid="overlaps-neighbours",
                )
            )


def _heatmap_title(res: Results, t: dict, x: str, y: str, label: str, same_n: bool) -> str:
    """Title: what the cells are, what they pool, the count when it is the same everywhere."""
    pts = t["points"][t["n"] > 0]
    pooled = int(pts.max()) > 1 if pts.size else False
    interval = interval_method(int(pts.max()) if pts.size else 1)
    varying = pooled_text(res, x, y)
    lines = [f"{label} by {short_name(x)} and {short_name(y)}"]
    detail = f"cells: estimate and {interval} interval"
    if same_n:
        detail += f"; {int(t['n'][t['n'] > 0][0]):,} replications per cell"
    lines.append(detail)
    if pooled and varying:
        lo, hi = int(pts.min()), int(pts.max())
        lines.append(f"each cell {varying} ({lo if lo == hi else f'{lo}-{hi}'} design points)")
    if t["overlap"].any():
        lines.append("hatched: interval overlaps every neighbour's (no resolved difference)")
    return "\n".join(lines)
