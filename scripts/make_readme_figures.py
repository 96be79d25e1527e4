"""Regenerate the README figures in docs/figures/ from a modest run and comparison.

    PYTHONPATH=src python scripts/make_readme_figures.py

Runs exactly the commands shown in the README section "Looking at the results" (results go
to results/readme/, which git ignores), draws three figures with the same
functions ``escalation-sim plot`` uses, and writes them as small palette PNGs
(well under 100 KB each). Takes about half a minute.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from PIL import Image  # Pillow ships with matplotlib

from escalation_sim.cli import main
from escalation_sim.present import figures as plots
from escalation_sim.store.results import load

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "figures"
RESULTS = ROOT / "results" / "readme"
SEED = 1
N = 2000

RUN = [
    "run",
    "scenarios/august_2021.yaml",
    "-n",
    str(N),
    "--seed",
    str(SEED),
    "--out",
    "results/readme/run",
    "--quiet",
]
COMPARE = [
    "compare",
    "scenarios/august_2021.yaml",
    "scenarios/no_patron_restraint.yaml",
    "-n",
    str(N),
    "--seed",
    str(SEED),
    "--out",
    "results/readme/compare",
    "--quiet",
]


def small_png(fig: object, path: Path, dpi: int = 80, colors: int = 96) -> int:
    """Save a figure as an optimised palette PNG; return its size in bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")  # type: ignore[attr-defined]
    image = Image.open(buf).convert("RGB").quantize(colors=colors, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    return path.stat().st_size


def run(argv: list[str]) -> None:
    print("$ escalation-sim " + " ".join(a for a in argv if a != "--quiet"), flush=True)
    if main(argv) != 0:
        raise SystemExit(f"command failed: {' '.join(argv)}")


def main_script() -> int:
    if RESULTS.exists():
        shutil.rmtree(RESULTS)
    with warnings.catch_warnings():
        # model.py reads model_fields from a pydantic instance (deprecated in pydantic 2.11)
        warnings.simplefilter("ignore", DeprecationWarning)
        os.chdir(ROOT)
        run(RUN)
        run([*COMPARE, "--no-plots"])
    DOCS.mkdir(parents=True, exist_ok=True)
    single = load(RESULTS / "run")
    paired = load(RESULTS / "compare")
    figures = {
        "fan_chart.png": plots.plot_fan_chart(single),
        "survival_compare.png": plots.plot_survival(paired),
        "story.png": plots.plot_story(single),
    }
    for name, fig in figures.items():
        size = small_png(fig, DOCS / name)
        print(f"  docs/figures/{name}: {size / 1024:.0f} KB")
        if size > 100 * 1024:
            print(f"  warning: {name} is over 100 KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main_script())
