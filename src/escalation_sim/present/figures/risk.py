"""Risk curves and heatmaps over sweep parameters."""

from __future__ import annotations

import itertools

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation_sim.analysis.metrics import METRICS, heatmap_table, risk_table
from escalation_sim.analysis.stats import proportion
from escalation_sim.present.figures.style import _axes, _footnote, color_of, style_of, styled
from escalation_sim.store.results import Group, Results, format_value, param_unit, short_name


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
        _risk_by_scenario(ax, groups, days)
        return fig
    param = param or res.parameters[0]
    by = by if by is not None else _default_by(res, param)
    table = risk_table(res.runs, param, outcome, by=by)
    _risk_curves(ax, table, by, METRICS[outcome].label)
    _label_risk_curve(fig, ax, res, table, param, by, outcome, days, own)
    return fig


def _risk_by_scenario(ax: Axes, groups: list[Group], days: int) -> None:
    """One point per scenario and outcome, with its Wilson interval."""
    metrics = ["armed_incident", "nonlethal_clash"]
    x = np.arange(len(groups))
    for j, m in enumerate(metrics):
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
    ax.set_ylabel(f"Probability within {days} days")
    ax.set_title(f"Risk by scenario ({groups[0].n:,} paired replications each)")
    ax.set_ylim(0, 1)
    ax.legend(loc="best")
    ax.grid(axis="x", visible=False)


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
    """Axis labels, title, footnote (what each point pools) and legend."""
    label = METRICS[outcome].label
    unit = param_unit(param, res.config_of())
    ax.set_xlabel(short_name(param) + (f" ({unit})" if unit else ""))
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
    ax.set_title(f"Risk curve: {label} against {short_name(param)}")
    _footnote(
        fig,
        ax,
        f"Bars and shading: Wilson 95% intervals. {n_txt} replications per point; {how}.",
        own,
    )
    ax.legend(loc="best")


# ---------------------------------------------------------------------- 5. heatmap
@styled
def plot_heatmap(
    res: Results,
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
    t = heatmap_table(res.runs, x, y, outcome)
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
    label = METRICS[outcome].label
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
    ux, uy = param_unit(x, res.config_of()), param_unit(y, res.config_of())
    ax.set_xlabel(short_name(x) + (f" ({ux})" if ux else ""))
    ax.set_ylabel(short_name(y) + (f" ({uy})" if uy else ""))
    ax.grid(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    pooled = " (pooled over other parameters)" if len(res.parameters) > 2 else ""
    ax.set_title(
        f"{label} by {short_name(x)} and {short_name(y)}{pooled}\n"
        f"cells: estimate, Wilson 95% interval, replications",
        fontsize=10,
    )
    return fig
