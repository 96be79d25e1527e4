"""Figures of forecast scores: reliability diagram, PIT histogram, skill per backtest origin.

Every figure says how few items it rests on: a bin's count is printed on it, because a
single crisis gives a handful of items and a diagram of five points is not a curve.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from escalation_sim.present.figures.style import OKABE_ITO

BINS = 10
PIT_BINS = 5
KIND_COLOURS = {
    "event": OKABE_ITO["vermillion"],
    "count": OKABE_ITO["blue"],
    "date": OKABE_ITO["bluish_green"],
}


def reliability_table(table: pd.DataFrame, bins: int = BINS) -> pd.DataFrame:
    """Event items binned by forecast probability: mean forecast, observed share, count."""
    ev = table[table["kind"] == "event"]
    p = ev["median"].to_numpy(float)  # an event row's "median" column is its probability
    y = ev["observed"].to_numpy(float)
    idx = np.clip((p * bins).astype(int), 0, bins - 1)
    rows = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            rows.append(
                {
                    "bin": b,
                    "forecast": float(p[sel].mean()),
                    "observed": float(y[sel].mean()),
                    "items": int(sel.sum()),
                }
            )
    return pd.DataFrame(rows, columns=["bin", "forecast", "observed", "items"])


def plot_reliability(table: pd.DataFrame, bins: int = BINS) -> Figure:
    """Observed frequency against forecast probability of the event items, counts shown."""
    rel = reliability_table(table, bins)
    fig = Figure(figsize=(5, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfectly reliable")
    if len(rel):
        ax.plot(rel["forecast"], rel["observed"], "o-", color=KIND_COLOURS["event"], label="items")
        for _, r in rel.iterrows():
            ax.annotate(
                f"n={int(r['items'])}",
                (r["forecast"], r["observed"]),
                textcoords="offset points",
                xytext=(4, 6),
                fontsize=8,
            )
    else:
        ax.text(0.5, 0.5, "no event items", ha="center", va="center", transform=ax.transAxes)
    n = int(rel["items"].sum()) if len(rel) else 0
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("observed frequency")
    ax.set_title(f"Reliability of event forecasts ({n} items, {bins} bins)", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_pit(table: pd.DataFrame, bins: int = PIT_BINS) -> Figure:
    """Histogram of the count items' PIT values with each bin's count; flat = calibrated."""
    pit = table.loc[table["kind"] == "count", "pit"].to_numpy(float)
    pit = pit[np.isfinite(pit)]
    fig = Figure(figsize=(5, 3.8), layout="constrained")
    ax = fig.subplots()
    counts, edges = np.histogram(pit, bins=bins, range=(0, 1))
    ax.bar(
        edges[:-1],
        counts,
        width=np.diff(edges),
        align="edge",
        color=KIND_COLOURS["count"],
        edgecolor="white",
    )
    for x, c in zip(edges[:-1] + np.diff(edges) / 2, counts, strict=True):
        ax.text(x, c, str(int(c)), ha="center", va="bottom", fontsize=9)
    if len(pit):
        ax.axhline(len(pit) / bins, ls=":", color="grey", label="uniform (calibrated)")
        ax.legend(loc="upper left", fontsize=8)
    ax.set_ylim(0, max(int(counts.max()) if len(pit) else 1, 1) * 1.3)
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT value (mid)")
    ax.set_ylabel("count items")
    ax.set_title(f"PIT histogram of count forecasts ({len(pit)} items)", fontsize=10)
    return fig


def plot_backtest(per_origin: pd.DataFrame, overall: pd.DataFrame) -> Figure:
    """Skill against the statistical baseline per origin and kind; dashed: over all origins."""
    fig = Figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.subplots()
    ax.axhline(0, color="black", lw=0.8)
    for k, (kind, colour) in enumerate(KIND_COLOURS.items()):
        sub = per_origin[per_origin["kind"] == kind].sort_values("origin")
        ok = np.isfinite(sub["skill"].to_numpy(float))
        if not ok.any():
            continue
        sub = sub[ok]
        # dodged by 16 hours per kind so that equal skills stay visible
        x = pd.to_datetime(sub["origin"]) + pd.Timedelta(hours=16 * (k - 1))
        err = np.vstack([sub["skill"] - sub["skill_low"], sub["skill_high"] - sub["skill"]]).astype(
            float
        )
        err = np.where(np.isfinite(err), err, 0)
        ax.errorbar(
            x,
            sub["skill"],
            yerr=err,
            fmt="o-",
            color=colour,
            capsize=3,
            label=f"{kind} ({sub['score_name'].iloc[0]})",
        )
        for xi, si, ni in zip(x, sub["skill"], sub["items"], strict=True):
            ax.annotate(f"n={ni}", (xi, si), textcoords="offset points", xytext=(4, 4), fontsize=7)
        line = overall[overall["kind"] == kind]
        if len(line) and np.isfinite(line["skill"].iloc[0]):
            ax.axhline(float(line["skill"].iloc[0]), ls="--", color=colour, lw=1)
    ax.set_xlabel("forecast origin")
    ax.set_ylabel("skill vs statistical baseline (1 - score/baseline)")
    ax.set_title("Rolling-origin backtest: skill per origin (dashed: all origins)", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    fig.autofmt_xdate()
    return fig
