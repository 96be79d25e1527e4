"""The default calibration on the shipped record: wall time and pyabc's overhead.

Runs ``escalation-sim calibrate scenarios/calibration/august_2021_window.yaml
data/observed/belarus_eu_2021.csv`` with the default population and generations (or
those given) ``--repeats`` times in fresh processes, and times the engine alone on the
same work: the engine calls of the median calibration (particles x replications each,
recorded in its manifest) replayed without pyabc. Prints the medians:
the whole command's wall time, the ABC part's, the engine's share of it, runs/s inside
the calibration and the engine's own rate on that work, and their ratio (targets: ratio
>= 0.8, the whole under 15 minutes on the 2-core machine).

    python benchmarks/bench_calibrate.py [--population N] [--generations G]
        [--workers N] [--repeats 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from escalation_sim.io.observed_file import load_observed  # noqa: E402
from escalation_sim.io.scenario_file import load  # noqa: E402
from escalation_sim.run.calibrate import (  # noqa: E402
    GENERATIONS,
    POPULATION,
    prepare,
    simulate_window,
)
from escalation_sim.run.calibrate_window import window_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


def engine_alone(calls: list[list[int]]) -> float:
    """Seconds the engine alone takes for the same calls (particles x replications each).

    Each call is :func:`simulate_window` (one vectorised engine run over the window and
    the statistics) at the scenario's parameter values: no pyabc, no threads, no database.
    """
    sc = load(SCENARIO)
    cal = prepare(sc, load_observed(RECORD))
    window = window_scenario(sc)
    base = np.array([cal.values[p] for p in cal.paths])
    total = 0.0
    for i, (particles, replications) in enumerate(calls):
        values = np.repeat(base[None, :], particles, axis=0)
        seeds = [1000 * i + j for j in range(particles)]
        start = time.perf_counter()
        simulate_window(window, cal.paths, cal.targets, replications, values, seeds)
        total += time.perf_counter() - start
    return total


def calibrate_once(args: argparse.Namespace) -> dict:
    """One default calibration in a fresh process: its manifest and whole wall time."""
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
    manifest["whole_seconds"] = wall
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=POPULATION)
    parser.add_argument("--generations", type=int, default=GENERATIONS)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the medians here")
    args = parser.parse_args()
    runs = [calibrate_once(args) for _ in range(args.repeats)]

    def med(key: str) -> float:
        return statistics.median(float(m[key]) for m in runs)

    typical = sorted(runs, key=lambda m: m["wall_seconds"])[len(runs) // 2]
    alone = engine_alone(typical["engine_calls"])
    inside = med("runs_per_second")
    own = typical["runs_simulated"] / alone
    figures = {
        "population": args.population,
        "generations": args.generations,
        "workers": args.workers,
        "repeats": args.repeats,
        "whole_seconds": round(med("whole_seconds"), 1),
        "abc_seconds": round(med("wall_seconds"), 1),
        "engine_share": round(med("engine_seconds") / med("wall_seconds"), 3),
        "particles_simulated": int(med("particles_simulated")),
        "runs_simulated": int(med("runs_simulated")),
        "median_batch": int(statistics.median(typical["batch_sizes"])),
        "runs_per_second": round(inside),
        "engine_runs_per_second": round(own),
        "ratio": round(inside / own / args.workers, 2),
        "final_ess": round(med("final_ess"), 1),
    }
    print(
        f"calibrate (population {args.population}, {args.generations} generations, "
        f"{args.workers} worker(s); medians of {args.repeats}): {figures['whole_seconds']:.0f} s "
        f"in all, {figures['abc_seconds']:.0f} s calibrating, engine calls "
        f"{figures['engine_share']:.0%} of it"
    )
    print(
        f"  {figures['runs_simulated']:,} runs ({figures['particles_simulated']:,} particles, "
        f"median batch {figures['median_batch']}); final ESS {figures['final_ess']:.0f}"
    )
    print(
        f"  runs/s inside calibrate {inside:,.0f}; the engine alone on the same calls "
        f"{own:,.0f} (ratio per worker {figures['ratio']:.2f}; target >= 0.8)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
