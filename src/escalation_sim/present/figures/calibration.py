"""Calibration diagnostics: prior vs posterior marginals, ESS per generation, predictive check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from escalation_sim.present.figures.style import OKABE_ITO
from escalation_sim.store.results import short_name

PRIOR, POSTERIOR = OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]


def plot_marginals(prior: pd.DataFrame, posterior: pd.DataFrame, columns: int = 6) -> Figure:
    """One small panel per parameter: prior sample and weighted posterior histograms."""
    paths = list(prior.columns)
    rows = math.ceil(len(paths) / columns)
    fig = Figure(figsize=(2.2 * columns, 1.6 * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    w = posterior["weight"].to_numpy()
    for ax, path in zip(axes, paths, strict=False):
        edges = np.histogram_bin_edges(prior[path], bins=20)
        ax.hist(prior[path], bins=edges, density=True, color=PRIOR, alpha=0.6, label="prior")
        ax.hist(
            posterior[path],
            bins=edges,
            weights=w,
            density=True,
            histtype="step",
            color=POSTERIOR,
            linewidth=1.5,
            label="posterior",
        )
        ax.set_title(short_name(path), fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    for ax in axes[len(paths) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=6)
    fig.suptitle("Prior (filled) and ABC posterior (line) of every calibrated parameter")
    return fig


def plot_ess(ess: pd.DataFrame) -> Figure:
    """Effective sample size and distance threshold by generation."""
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(ess["generation"], ess["ess"], "o-", color=OKABE_ITO["blue"], label="ESS")
    ax.set_xlabel("generation")
    ax.set_ylabel("effective sample size")
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.plot(ess["generation"], ess["epsilon"], "s--", color=OKABE_ITO["orange"], label="epsilon")
    ax2.set_ylabel("distance threshold (epsilon)")
    fig.legend(loc="outside upper right", fontsize=8)
    ax.set_title("ABC-SMC: effective sample size and threshold per generation")
    return fig


def plot_predictive(observed: dict[str, float], predictive: pd.DataFrame) -> Figure:
    """Observed window statistics against the posterior predictive 90% interval."""
    keys = list(observed)
    fig = Figure(figsize=(7, 0.35 * len(keys) + 1.4), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(keys))
    sim = np.expm1(predictive[keys].to_numpy())
    lo, mid, hi = np.quantile(sim, [0.05, 0.5, 0.95], axis=0)
    ax.hlines(y, lo + 1, hi + 1, color=POSTERIOR, linewidth=3, label="posterior predictive 90%")
    ax.plot(mid + 1, y, "|", color=POSTERIOR, markersize=10)
    ax.plot(np.expm1([observed[k] for k in keys]) + 1, y, "kD", label="observed")
    ax.set_xscale("log")
    ax.set_yticks(y, [k.replace(":", "  ") for k in keys], fontsize=7)
    ax.set_xlabel("count over the row's days + 1 (log scale)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Posterior predictive check on the calibration window")
    return fig
