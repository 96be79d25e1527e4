"""How many particles and generations the default calibration needs (docs/observed.md).

Runs the shipped window calibration with each population for ``--generations`` (default
10) generations and prints, per generation: the effective sample size, the threshold and
the weighted mean of every calibrated parameter (in prior standard deviations: ABC's
standard normal scores), and the largest change of those means from the generation
before. Choose the defaults where the means stop moving by more than their Monte Carlo
noise and the ESS stays well above the few dozen an ensemble needs.

    python scripts/measure_calibration_defaults.py [--populations 100 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load
from escalation_sim.run.calibrate import prepare, run_abc
from escalation_sim.run.calibrate_checks import ess_per_generation

ROOT = Path(__file__).resolve().parents[1]
WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


def measure(population: int, generations: int, seed: int) -> None:
    """Print the trajectory of one calibration."""
    cal = prepare(load(WINDOW), load_observed(RECORD))
    with tempfile.TemporaryDirectory() as tmp:
        history = run_abc(
            cal,
            Path(tmp),
            population=population,
            generations=generations,
            seed=seed,
            workers=1,
            scheduler=None,
            progress=False,
        )
        ess = ess_per_generation(history)
        print(f"population {population}: calibrated {', '.join(cal.paths)}")
        before = None
        for t in range(history.max_t + 1):
            df, w = history.get_distribution(m=0, t=t)
            w = np.asarray(w, float) / np.sum(w)
            means = df[cal.names].to_numpy(float).T @ w
            move = "" if before is None else f"  largest move {np.abs(means - before).max():.2f}"
            row = ess.iloc[t]
            print(
                f"  generation {t + 1:>2}  ESS {row['ess']:6.1f}  epsilon {row['epsilon']:.3f}  "
                f"means {' '.join(f'{m:+.2f}' for m in means)}{move}"
            )
            before = means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--populations", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--generations", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for population in args.populations:
        measure(population, args.generations, args.seed)


if __name__ == "__main__":
    main()
