"""Scenario discovery and main effects: terminal text, figures and the report's section."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from escalation_sim.analysis.discovery import Box, Discovery
from escalation_sim.present.figures.style import _axes, color_of, styled
from escalation_sim.store.results import format_value, short_name


# ---------------------------------------------------------------------- text
def box_lines(box: Box, case: str = "design point") -> list[str]:
    """One box: its statistics, then one line per restricted parameter."""
    lines = [
        f"box {box.number}: coverage {box.coverage:.2f}, density {box.density:.2f}, "
        f"mass {box.mass:.2f} ({box.cases} of its {box.points} {case}s of interest)"
    ]
    width = max((len(short_name(p)) for p in box.restricted["parameter"]), default=0)
    for r in box.restricted.itertuples():
        lines.append(
            f"    {format_value(r.low, 3):>8} <= {short_name(r.parameter):<{width}} <= "
            f"{format_value(r.high, 3):<8} (of {format_value(r.full_low, 3)} .. "
            f"{format_value(r.full_high, 3)}; quasi-p {r.qp:.2g})"
        )
    return lines


def format_discovery(found: Discovery) -> str:
    """Terminal text: the question, the cases, every box."""
    n = len(found.points)
    head = (
        f"scenario discovery (PRIM): {found.case}s with mean {found.outcome} >= "
        f"{found.threshold:.3g}: {found.cases} of {n}"
    )
    lines = [head]
    if not found.boxes:
        lines.append("  no box: PRIM found no region denser in cases of interest than the whole")
    for box in found.boxes:
        lines += ["  " + line for line in box_lines(box, found.case)]
    lines.append(
        "  coverage: share of the cases of interest (still uncovered) inside the box; "
        f"density: share of the box's {found.case}s that are cases of interest; quasi-p: "
        "how likely a restriction this tight is by chance (binomial)."
    )
    return "\n".join(lines)


def format_main_effects(table: pd.DataFrame, label: str, header: bool = True) -> str:
    """Terminal text: per parameter, the outcome at each level with its 95% interval."""
    lines = ["main effects (grid sweep: each level pooled over the other parameters' levels)"]
    lines = [*lines[: int(header)], f"{label}, 95% CI"]
    for param, rows in table.groupby("parameter", sort=False):
        lines.append(f"  {short_name(str(param))}   (effect: {rows['effect'].iloc[0]:.3g})")
        for r in rows.itertuples():
            lines.append(
                f"    {format_value(r.level, 3):>10}  {r.value:.4g} [{r.low:.4g}, {r.high:.4g}]"
                f"  n={r.replications:,}"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------- figures
@styled
def plot_trajectory(found: Discovery, box: Box) -> Figure:
    """The peeling trajectory: density against coverage, coloured by restricted dimensions."""
    t = box.trajectory
    fig, ax = _axes(None, (6.5, 4.8))
    dims = t["res_dim"].astype(int).to_numpy()
    for k, d in enumerate(sorted(set(dims))):
        m = dims == d
        ax.scatter(t["coverage"][m], t["density"][m], color=color_of(k), label=f"{d} restricted")
    ax.plot(t["coverage"], t["density"], color="#999999", linewidth=0.8, zorder=0)
    ax.scatter([box.coverage], [box.density], s=160, facecolors="none", edgecolors="black")
    ax.set_xlabel("coverage (share of cases of interest in the box)")
    ax.set_ylabel("density (share of the box that is of interest)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(title="parameters", loc="lower left")
    ax.set_title(
        f"PRIM peeling trajectory, box {box.number}: {found.outcome} >= {found.threshold:.3g}"
    )
    return fig


@styled
def plot_box(found: Discovery, box: Box) -> Figure:
    """The box: each restricted parameter's range within its swept range (scaled 0-1)."""
    r = box.restricted
    fig, ax = _axes(None, (7, max(2.5, 0.7 * len(r) + 1.5)))
    span = (r["full_high"] - r["full_low"]).replace(0, np.nan)
    lo = ((r["low"] - r["full_low"]) / span).fillna(0).to_numpy()
    hi = ((r["high"] - r["full_low"]) / span).fillna(1).to_numpy()
    yy = np.arange(len(r))
    ax.barh(yy, np.ones(len(r)), color="#eeeeee", height=0.6)
    ax.barh(yy, hi - lo, left=lo, color=color_of(0), height=0.6)
    for y, row, a, b in zip(yy, r.itertuples(), lo, hi, strict=True):
        ax.text(a, y + 0.38, format_value(row.low, 3), ha="center", fontsize=8)
        ax.text(b, y + 0.38, format_value(row.high, 3), ha="center", fontsize=8)
    ax.set_yticks(yy, [short_name(p) for p in r["parameter"]])
    ax.set_xlim(-0.05, 1.05)
    ax.set_xlabel("position within the swept range (0 = lowest, 1 = highest value)")
    ax.set_title(f"PRIM box {box.number}: coverage {box.coverage:.2f}, density {box.density:.2f}")
    return fig


def discovery_figures(found: Discovery) -> dict[str, Figure]:
    """The trajectory and box figure of every box, by file stem."""
    out: dict[str, Figure] = {}
    for box in found.boxes:
        out[f"discovery_trajectory_{box.number}"] = plot_trajectory(found, box)
        if not box.restricted.empty:
            out[f"discovery_box_{box.number}"] = plot_box(found, box)
    return out


# ---------------------------------------------------------------------- report
def discovery_html(found: Discovery) -> str:
    """The report's section body: what was asked, and a table per box."""
    e = html.escape
    parts = [
        f'<p class="note">PRIM (EMA Workbench) over the {found.case}s: cases of interest are '
        f"{found.case}s whose mean <code>{e(found.outcome)}</code> is at least "
        f"{found.threshold:.3g} "
        f"({found.cases} of {len(found.points)}). Coverage: share of the (still uncovered) "
        "cases of interest inside the box; density: share of the box's points that are "
        "cases of interest.</p>"
    ]
    if not found.boxes:
        parts.append('<p class="note">No box denser than the whole space.</p>')
    for box in found.boxes:
        rows = "".join(
            f"<tr><td class=l>{e(short_name(r.parameter))}</td>"
            f"<td>{e(format_value(r.low, 3))} .. {e(format_value(r.high, 3))}</td>"
            f"<td>{e(format_value(r.full_low, 3))} .. {e(format_value(r.full_high, 3))}</td>"
            f"<td>{r.qp:.2g}</td></tr>"
            for r in box.restricted.itertuples()
        )
        parts.append(
            f"<h3>Box {box.number}: coverage {box.coverage:.2f}, density {box.density:.2f}, "
            f"mass {box.mass:.2f}</h3><table><thead><tr><th class=l>parameter</th>"
            f"<th>in the box</th><th>swept</th><th>quasi-p</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return "".join(parts)
