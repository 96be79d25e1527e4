"""The live view's charts, drawn with matplotlib from a :class:`LiveModel` so far.

Two figures, redrawn after every step the view renders: the share of replications at
each rung per border (stacked areas, the ladder's colours) and the daily series with
their quantile bands (tension, cumulative arrivals, stranded migrants). The x axis is
the scenario's whole horizon from the start, so the curves grow left to right.
"""

from __future__ import annotations

import datetime as dt

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation_sim.config.ladder import N_RUNGS, RUNGS, rung_label
from escalation_sim.present.figures.style import STYLE, color_of
from escalation_sim.view.live import LiveModel

# Daily series shown with bands: name -> panel title.
BAND_SERIES = {
    "tension": "Tension (mutual perceived threat)",
    "arrivals": "Migrant arrivals (cumulative)",
    "stranded": "Stranded between the lines",
}
SIZE = (6.4, 4.6)  # inches at 80 dpi: about one half-width cell of the view's grid
DPI = 80
# The project's style with fixed margins: a constrained layout would double the drawing
# time, and the view redraws both charts after every rendered step.
LIVE_STYLE = {**STYLE, "figure.constrained_layout.use": False}


def _date_axis(ax: Axes, model: LiveModel) -> None:
    """The whole horizon, with short month ticks."""
    start = model.config.start
    ax.set_xlim(start, start + dt.timedelta(days=model.config.days - 1))
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))


def rung_figure(model: LiveModel) -> Figure:
    """Share of replications at each rung today: all borders (highest), then each border."""
    with mpl.rc_context(LIVE_STYLE):
        names = ["all borders (highest rung)", *model.engine.dyads]
        fig = Figure(figsize=SIZE, dpi=DPI)
        axes = fig.subplots(2, (len(names) + 1) // 2, sharex=True, sharey=True, squeeze=False)
        shares, x = model.rung_shares(), model.dates()
        for k, ax in enumerate(axes.flat):
            if k >= len(names):
                ax.set_visible(False)
                continue
            if len(x):
                ax.stackplot(
                    x,
                    *[shares[:, k, r] for r in range(N_RUNGS)],
                    colors=[r.color for r in RUNGS],
                    linewidth=0,
                )
            ax.set_title(names[k], fontsize=9)
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.grid(False)
            _date_axis(ax, model)
        handles = [mpl.patches.Patch(color=r.color) for r in RUNGS]
        fig.legend(
            handles,
            [rung_label(r) for r in range(N_RUNGS)],
            loc="lower center",
            ncols=4,
            fontsize=7,
            frameon=False,
        )
        fig.suptitle(
            f"Rung per border, {model.replications} replications - day {model.day}", fontsize=10
        )
        fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.2, hspace=0.3, wspace=0.08)
        return fig


def bands_figure(model: LiveModel) -> Figure:
    """Tension and migration flows: median, 25-75% and 5-95% bands over replications."""
    with mpl.rc_context(LIVE_STYLE):
        fig = Figure(figsize=SIZE, dpi=DPI)
        axes = fig.subplots(len(BAND_SERIES), 1, sharex=True)
        x = model.dates()
        for i, (ax, (series, title)) in enumerate(zip(axes, BAND_SERIES.items(), strict=True)):
            if len(x):
                q = model.bands(series)
                colour = color_of(i)
                ax.fill_between(x, q[:, 0], q[:, 4], color=colour, alpha=0.15, linewidth=0)
                ax.fill_between(x, q[:, 1], q[:, 3], color=colour, alpha=0.3, linewidth=0)
                ax.plot(x, q[:, 2], color=colour, linewidth=1.5)
            ax.set_title(title, fontsize=9, loc="left")
            ax.set_ylim(bottom=0)
            if series == "tension":
                ax.set_ylim(0, 1)
            _date_axis(ax, model)
        fig.suptitle("Median, 25-75% and 5-95% of replications", fontsize=10)
        fig.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.07, hspace=0.45)
        return fig
