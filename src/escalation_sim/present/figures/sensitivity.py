"""Sensitivity indices."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from escalation_sim.analysis.sensitivity import Sensitivity, sensitivity
from escalation_sim.present.figures.style import (
    _axes,
    _footnote,
    color_of,
    param_label,
    styled,
)
from escalation_sim.present.tables import about_share
from escalation_sim.store.results import Results


# ---------------------------------------------------------------------- 6. sensitivity
@styled
def plot_sensitivity(
    res: Results,
    outcome: str = "armed_incident",
    ax: Axes | None = None,
    si: Sensitivity | None = None,
) -> Figure:
    """Sobol first-order and total indices with 95% intervals, or Morris mu* against sigma."""
    si = si if si is not None else sensitivity(res, outcome)
    t = si.table
    reps = (
        f"{si.replications_min}"
        if si.replications_min == si.replications_max
        else f"{si.replications_min}-{si.replications_max}"
    )
    note = (
        f"{si.n_points} design points x {reps} replications; indices of the per-point means.\n"
        f"Replication noise alone explains {about_share(si.noise_share)} of their variance"
        + (
            " - indices unreliable, run more replications per point."
            if si.noise_share > 0.5
            else "."
        )
    )
    names = [param_label(res, p) for p in t["parameter"]]  # words and unit, as the table
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
