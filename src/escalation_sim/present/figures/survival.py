"""Survival curves: time to the first incident."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation_sim.analysis.metrics import FIRST_EVENTS
from escalation_sim.analysis.survival import survival_of
from escalation_sim.present.figures.style import (
    _axes_list,
    _date_axis,
    _dates,
    _events_of,
    _mark_events,
    _suptitle,
    _title_groups,
    color_of,
    level_groups,
    style_of,
    styled,
)
from escalation_sim.store.results import Group, Results


# ---------------------------------------------------------------------- 3. survival
def _survival(ax: Axes, groups: Sequence[Group], event: str) -> None:
    _column, name = FIRST_EVENTS[event]
    for i, g in enumerate(groups):
        km = survival_of(g, event)
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
    res: Results,
    by: str | None = None,
    events: Sequence[str] = ("armed_incident", "nonlethal_clash"),
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Kaplan-Meier curves of the time to the first armed incident and non-lethal clash.

    Right-censored at the horizon; shaded: log-log 95% band; over calendar dates.
    """
    groups, _what, pooled = level_groups(res, by)
    fig, axes = _axes_list(ax, len(events), 1, len(events), (6 * len(events), 4.8))
    for a, ev in zip(axes, events, strict=True):
        _survival(a, groups, ev)
    if ax is None:
        detail = _title_groups(res, groups)
        _suptitle(
            fig,
            "Time to the first incident (Kaplan-Meier, censored at the horizon)",
            detail + (f"\ncurves {pooled}" if pooled else ""),
        )
    return fig
