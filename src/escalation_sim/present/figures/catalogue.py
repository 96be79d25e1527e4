"""Which figures a results folder gets, and saving them."""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Callable
from pathlib import Path

from matplotlib.figure import Figure

from escalation_sim.analysis.stories import kept_replications, pick_story
from escalation_sim.present.figures.distributions import plot_distributions
from escalation_sim.present.figures.fan import plot_fan_chart
from escalation_sim.present.figures.risk import plot_heatmap, plot_risk_curve
from escalation_sim.present.figures.sensitivity import plot_sensitivity
from escalation_sim.present.figures.story import plot_story
from escalation_sim.present.figures.survival import plot_survival
from escalation_sim.store.files import atomic_write_bytes
from escalation_sim.store.results import Results, short_name


# ---------------------------------------------------------------------- all figures
def figures_for(res: Results) -> dict[str, Callable[[], Figure]]:
    """Every figure the data supports, by file stem, as zero-argument callables."""
    figs: dict[str, Callable[[], Figure]] = {
        "distributions": lambda: plot_distributions(res),
    }
    if res.kind == "compare":
        figs["risk"] = lambda: plot_risk_curve(res)
    if res.kind == "sweep":
        for p in res.parameters:
            figs[f"risk_curve_{_slug(short_name(p))}"] = functools.partial(plot_risk_curve, res, p)
    figs["survival"] = lambda: plot_survival(res)
    if res.daily is not None and len(res.daily):
        figs["fan_chart"] = lambda: plot_fan_chart(res)
    if res.kind == "sweep" and len(res.parameters) >= 2:
        pairs = list(itertools.combinations(res.parameters, 2))[:3]
        for x, y in pairs:
            name = f"heatmap_{_slug(short_name(x))}__{_slug(short_name(y))}"
            figs[name] = functools.partial(plot_heatmap, res, x, y)
    if (
        res.kind == "sweep"
        and res.design in ("sobol", "morris")
        and res.manifest.get("salib_problem")
    ):
        figs["sensitivity"] = lambda: plot_sensitivity(res)
    if res.events is not None and len(res.events):
        if res.kind == "compare":
            group, rep = pick_story(res)
            for g in res.groups():
                if rep in kept_replications(res, g.key):
                    figs[f"story_{_slug(g.label)}"] = functools.partial(plot_story, res, rep, g.key)
        else:
            try:
                group, rep = pick_story(res)
            except ValueError:
                pass
            else:
                figs["story"] = functools.partial(plot_story, res, rep, group)
    return figs


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "_" for ch in text.lower())
    return "_".join(part for part in out.split("_") if part)


def save_figure(fig: Figure, path: Path, dpi: int = 100) -> Path:
    """Save a figure (format from the suffix) with a white background, atomically."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix.lstrip(".") or "png", dpi=dpi, facecolor="white")
    atomic_write_bytes(path, buffer.getvalue())
    return path


def save_all(res: Results, out: Path, fmt: str = "png", dpi: int = 100) -> list[Path]:
    """Draw and save every supported figure into ``out``; return the files written."""
    written = []
    for name, draw in figures_for(res).items():
        written.append(save_figure(draw(), out / f"{name}.{fmt}", dpi))
    return written
