"""Outcome distributions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from escalation_sim.analysis.metrics import DISTRIBUTIONS, count_shares_with_ci
from escalation_sim.analysis.stats import dkw_band
from escalation_sim.config.ladder import N_RUNGS, RUNGS
from escalation_sim.present.figures.style import (
    _axes_list,
    _suptitle,
    _thousands,
    _title_groups,
    color_of,
    level_groups,
    style_of,
    styled,
)
from escalation_sim.store.results import Group, Results

# ---------------------------------------------------------------------- 1. distributions
_INTEGER_OUTCOMES = ("max_rung", "sanctions_packages")


def _distribution(ax: Axes, groups: Sequence[Group], outcome: str) -> None:
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
            t = count_shares_with_ci(g.runs[outcome].to_numpy(), support=support)
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
            ax.set_xticklabels([f"{r}\n{RUNGS[r].short}" for r in support])
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
            eps = dkw_band(len(v))
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
            eps = max(dkw_band(g.n) for g in groups)
            ax.set_ylabel(
                f"Share of replications at or below\n(ECDF; 95% DKW band \u00b1{eps:.1%})"
            )
        _thousands(ax.xaxis)
        ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel(DISTRIBUTIONS.get(outcome, outcome))


@styled
def plot_distributions(
    res: Results,
    by: str | None = None,
    outcomes: Sequence[str] = tuple(DISTRIBUTIONS),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Outcome distributions per scenario or per level of a swept parameter.

    Integer outcomes (highest rung, sanctions packages) as bars of the share
    of replications with Wilson 95% intervals; continuous ones (arrivals,
    stranded peak) as ECDFs with a 95% Dvoretzky-Kiefer-Wolfowitz band.
    """
    groups, what, pooled = level_groups(res, by)
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = -(-len(outcomes) // ncols)
    fig, axes = _axes_list(ax, len(outcomes), nrows, ncols, (11, 3.6 * nrows + 0.8))
    for a, outcome in zip(axes, outcomes, strict=True):
        _distribution(a, groups, outcome)
    if ax is None:
        detail = _title_groups(res, groups) + (f"\n{what} levels {pooled}" if pooled else "")
        _suptitle(fig, "Outcome distributions", detail)
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
