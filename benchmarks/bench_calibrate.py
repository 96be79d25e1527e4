"""The default calibration on the shipped record: wall time and pyabc's overhead.

Runs ``escalation-sim calibrate scenarios/calibration/august_2021_window.yaml
data/observed/belarus_eu_2021.csv`` with the default population and generations (or
those given), then times the engine alone on the same work (the window's days at the
same replications per particle) and prints both rates: runs/s inside the calibration
and the engine's own, and their ratio (target: >= 0.8; the whole under 15 minutes).

    python benchmarks/bench_calibrate.py [--population N] [--generations G] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from escalation_sim.engine.model import EscalationModel
from escalation_sim.io.scenario_file import load
from escalation_sim.run.calibrate import (
    GENERATIONS,
    POPULATION,
    REPLICATIONS,
    window_scenario,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


def engine_rate(replications: int, repeats: int = 30) -> float:
    """Runs/s of the engine alone on the window (the calibration's model call, no pyabc)."""
    sc = window_scenario(load(SCENARIO))
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        model = EscalationModel(sc, replications=replications, seed=i).run()
        np.log1p(model.window.arrivals.sum(axis=0).mean())
        times.append(time.perf_counter() - start)
    return replications / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=POPULATION)
    parser.add_argument("--generations", type=int, default=GENERATIONS)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "escalation_sim",
            "calibrate",
            str(SCENARIO),
            str(RECORD),
            "--population",
            str(args.population),
            "--generations",
            str(args.generations),
            "--workers",
            str(args.workers),
            "--out",
            tmp,
            "--quiet",
        ]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
    inside = manifest["runs_per_second"]
    alone = engine_rate(REPLICATIONS)
    print(
        f"calibrate (population {args.population}, {args.generations} generations, "
        f"{args.workers} worker(s)): {wall:.0f} s in all, {manifest['wall_seconds']:.0f} s ABC"
    )
    print(
        f"  particles simulated {manifest['particles_simulated']:,}; final ESS "
        f"{manifest['ess'][-1]['ess']:.1f}"
    )
    print(
        f"  runs/s inside ABC {inside:,.0f}; engine alone {alone:,.0f} "
        f"(ratio {inside / alone:.2f}; per worker {inside / args.workers / alone:.2f})"
    )


if __name__ == "__main__":
    main()
