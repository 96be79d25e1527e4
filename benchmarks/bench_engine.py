"""Engine speed and memory on the default scenario (a benchmark, never a timed test).

Prints, for R = 1, 100, 1000, 10000 replications advanced in lockstep by one model
(180 days): replication-runs per second and microseconds per replication-day, as the
median of several repeats; then the peak memory (max RSS) of `escalation-sim run`
with 100,000 replications in a fresh process.

Targets (one core of the 2-core machine): >= 5,000 runs/s at R = 10,000 (issue 10);
`run` with 100,000 replications under 1 GB peak memory.

``--against DIR`` also times the engine of another source tree (e.g. main, exported with
``git archive main | tar -x -C DIR``) at R = 10,000, in fresh processes alternating with
this tree's, so that both see the same machine load (an A/B in the same run).

    python benchmarks/bench_engine.py [--repeats 5] [--skip-memory] [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # one core, as the target says

from escalation_sim.engine.model import EscalationModel  # noqa: E402
from escalation_sim.io.scenario_file import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "august_2021.yaml"


def time_engine(replications: int, repeats: int) -> list[float]:
    """Wall seconds of build + 180 days + results, ``repeats`` times."""
    sc = load(SCENARIO)
    out = []
    for i in range(repeats):
        start = time.perf_counter()
        EscalationModel(sc, replications=replications, seed=i).run().result()
        out.append(time.perf_counter() - start)
    return out


def time_ensemble(replications: int, repeats: int) -> tuple[float, float]:
    """Median seconds of one model with scenario-wide parameters and with a prior ensemble
    (a parameter vector per replication; drawing included), interleaved to share load."""
    from escalation_sim.run.ensemble import make_ensemble

    sc = load(SCENARIO)
    plain, drawn = [], []
    for i in range(repeats):
        start = time.perf_counter()
        EscalationModel(sc, replications=replications, seed=i).run().result()
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        ens = make_ensemble("prior", sc, seed=i)
        EscalationModel(
            sc, replications=replications, seed=i, overrides=ens.overrides(0, replications)
        ).run().result()
        drawn.append(time.perf_counter() - start)
    return statistics.median(plain), statistics.median(drawn)


def peak_memory_of_run(replications: int) -> tuple[float, float]:
    """(peak RSS in MiB, wall seconds) of a fresh `escalation-sim run` process."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "escalation_sim",
            "run",
            str(SCENARIO),
            "-n",
            str(replications),
            "--quiet",
            "--out",
            tmp,
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("warning: child peak not above an earlier child's; figure may be a floor")
    return peak / 1024, wall


_TIME_ONE = """
import os, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
from escalation_sim.engine.model import EscalationModel
from escalation_sim.io.scenario_file import load
sc = load(sys.argv[1]); start = time.perf_counter()
EscalationModel(sc, replications=int(sys.argv[2]), seed=int(sys.argv[3])).run().result()
print(time.perf_counter() - start)
"""


def time_tree(src: Path, scenario: Path, replications: int, seed: int) -> float:
    """Seconds of one engine run (build, days, results) of the source tree ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-c", _TIME_ONE, str(scenario), str(replications), str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def a_b(other: Path, repeats: int, replications: int = 10_000) -> None:
    """Median runs/s of this tree and of ``other`` at R = ``replications``, interleaved."""
    mine, theirs = [], []
    for i in range(repeats):
        mine.append(time_tree(ROOT / "src", SCENARIO, replications, i))
        theirs.append(
            time_tree(other / "src", other / "scenarios" / SCENARIO.name, replications, i)
        )
    for label, times in (("this tree", mine), (f"{other}", theirs)):
        med = statistics.median(times)
        runs = ", ".join(f"{replications / t:,.0f}" for t in times)
        print(f"A/B R={replications}: {label}: median {replications / med:,.0f} runs/s ({runs})")


def main() -> None:
    """Print the table of speeds and the memory figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--against", type=Path, help="another source tree to time (A/B)")
    args = parser.parse_args()
    if args.against is not None:
        a_b(args.against, args.repeats)
    days = load(SCENARIO).days
    print(f"default scenario, {days} days; median of {args.repeats} repeats")
    print(f"{'R':>7} {'median s':>9} {'runs/s':>9} {'us/rep-day':>11}")
    for r in (1, 100, 1000, 10_000):
        repeats = args.repeats if r < 10_000 else max(3, args.repeats // 2)
        med = statistics.median(time_engine(r, repeats))
        print(f"{r:>7} {med:>9.3f} {r / med:>9,.0f} {1e6 * med / (r * days):>11.2f}")
    plain, drawn = time_ensemble(10_000, max(3, args.repeats // 2))
    print(
        f"R=10000 scenario-wide parameters {10_000 / plain:,.0f} runs/s; prior ensemble "
        f"(parameters per replication) {10_000 / drawn:,.0f} runs/s ({drawn / plain:.2f}x time)"
    )
    if not args.skip_memory:
        mib, wall = peak_memory_of_run(100_000)
        print(
            f"escalation-sim run -n 100000: peak memory {mib:,.0f} MiB, {wall:.1f} s "
            f"({100_000 / wall:,.0f} runs/s incl. start-up and writing)"
        )


if __name__ == "__main__":
    main()
