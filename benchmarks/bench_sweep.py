"""Sweep benchmark: runs per second, parallel efficiency, peak memory of the process tree.

Runs the real command line (``python -m escalation_sim sweep``) in a subprocess
and samples the resident memory of the whole process tree (parent, fork
server, workers) every 50 ms. Not a test: numbers depend on the machine and
on whatever else runs on it, so it reports medians of several repeats.

    python benchmarks/bench_sweep.py                  # 100k runs x 1 and 2 workers, memory
    python benchmarks/bench_sweep.py --repeats 5 --million

Measures:
* a 100,000-run sweep of the default scenario (10 design points x 10,000
  replications) with 1 and 2 workers: runs/s end to end (whole command) and
  inside the sweep (from its own report, without interpreter start-up),
  parallel efficiency = rate(2) / (2 x rate(1));
* peak memory of the process tree at 10,000 runs and (with --million)
  1,000,000 runs, both with 2 workers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "august_2021.yaml"


def experiment(folder: Path, points: int, replications: int, task_size: int | None) -> Path:
    values = ", ".join(f"{0.05 + 0.9 * i / max(points - 1, 1):.3f}" for i in range(points))
    path = folder / f"bench_{points}x{replications}.yaml"
    path.write_text(
        f"name: bench\nscenario: {SCENARIO}\ndesign: grid\n"
        f"parameters:\n  mechanisms.hostile_bias: [{values}]\n"
        f"replications: {replications}\nseed: 1\nkeep_traces: 0\n"
        + (f"task_size: {task_size}\n" if task_size else "")
    )
    return path


def tree_sample(pid: int, cpu: dict[int, float], pss: bool = True) -> tuple[int, int]:
    """(RSS, PSS) bytes of a process and all its descendants; updates ``cpu`` {pid: s}.

    PSS (proportional set size) splits pages shared between processes (the fork
    server's imported modules, shared by every worker) among them, so its sum is
    the memory the tree really uses; the RSS sum counts shared pages repeatedly.
    """
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with dask[distributed]
        rss = _proc_tree_rss(pid)
        return rss, rss
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    rss = shared = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            info = p.memory_full_info() if pss else p.memory_info()
            rss += info.rss
            shared += getattr(info, "pss", info.rss)
            t = p.cpu_times()
            cpu[p.pid] = t.user + t.system
    return rss, shared


def _proc_tree_rss(pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run(path: Path, out: Path, workers: int, memory: bool) -> dict[str, float]:
    """One sweep; wall time, in-sweep rate, CPU seconds and peak tree memory.

    ``memory``: sample PSS every 0.1 s (reading smaps costs CPU that would slow
    the workers); otherwise only RSS and CPU times every 0.5 s, for speed runs.
    """
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "escalation_sim", "sweep", str(path), "--out", str(out)]
    cmd += ["--workers", str(workers), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = peak_rss = 0
    stop = threading.Event()
    cpu_by_pid: dict[int, float] = {}

    def sample() -> None:
        nonlocal peak, peak_rss
        while not stop.is_set():
            rss, pss = tree_sample(proc.pid, cpu_by_pid, pss=memory)
            peak, peak_rss = max(peak, pss), max(peak_rss, rss)
            stop.wait(0.1 if memory else 0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    thread.join()
    cpu = sum(cpu_by_pid.values())  # CPU seconds of every process of the tree (last sample)
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({proc.returncode}):\n{stdout}\n{stderr}")
    m = re.search(r"this session: ([\d,]+) runs in ([\d.]+) s", stdout)
    runs = int(m.group(1).replace(",", "")) if m else 0
    inside = float(m.group(2)) if m else float("nan")
    return {
        "runs": runs,
        "wall": wall,
        "inside": inside,
        "peak": peak,
        "peak_rss": peak_rss,
        "cpu": cpu,
    }


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 runs (minutes)")
    parser.add_argument("--task-size", type=int, help="runs per task (default: the sweep's)")
    parser.add_argument("--keep", action="store_true", help="keep the output folders")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        big = experiment(tmp, 10, 10_000, args.task_size)
        rates: dict[int, list[dict[str, float]]] = {1: [], 2: []}
        for i in range(args.repeats):  # interleaved, so drifting machine load hits both
            for workers in (1, 2):
                r = run(big, tmp / f"w{workers}", workers, memory=False)
                rates[workers].append(r)
                print(
                    f"100k runs, {workers} worker(s), repeat {i + 1}: wall {r['wall']:.1f} s "
                    f"({r['runs'] / r['wall']:,.0f} runs/s), in-sweep {r['inside']:.1f} s "
                    f"({r['runs'] / r['inside']:,.0f} runs/s), CPU {r['cpu']:.1f} s, "
                    f"peak {r['peak_rss'] / 1e6:,.0f} MB RSS",
                    flush=True,
                )
        mem = {}
        sizes = [(1, 10_000)] + ([(100, 10_000)] if args.million else [])
        for points, reps in sizes:
            path = experiment(tmp, points, reps, args.task_size)
            rows = [run(path, tmp / "mem", 2, memory=True) for _ in range(args.repeats)]
            mem[points * reps] = rows
            print(
                f"{points * reps:,} runs, 2 workers: peak {median(rows, 'peak') / 1e6:,.0f} MB "
                f"PSS ({median(rows, 'peak_rss') / 1e6:,.0f} MB RSS), "
                f"wall {median(rows, 'wall'):.1f} s",
                flush=True,
            )

        print(f"\n## Sweep benchmark (medians of {args.repeats}; {os.cpu_count()} cores)\n")
        print(
            "| workers | runs | wall s | runs/s end to end | runs/s in sweep | CPU s per 1k runs |"
        )
        print("|---|---|---|---|---|---|")
        for w, rows in rates.items():
            n = rows[0]["runs"]
            print(
                f"| {w} | {n:,} | {median(rows, 'wall'):.1f} | "
                f"{n / median(rows, 'wall'):,.0f} | {n / median(rows, 'inside'):,.0f} | "
                f"{1000 * median(rows, 'cpu') / n:.2f} |"
            )
        n = rates[1][0]["runs"]
        e2e = median(rates[1], "wall") / (2 * median(rates[2], "wall"))
        ins = median(rates[1], "inside") / (2 * median(rates[2], "inside"))
        print(f"\nparallel efficiency (2 workers): {e2e:.0%} end to end, {ins:.0%} in sweep")
        for runs, rows in mem.items():
            print(
                f"peak memory, {runs:,} runs, 2 workers: {median(rows, 'peak') / 1e6:,.0f} MB PSS"
                f" ({median(rows, 'peak_rss') / 1e6:,.0f} MB RSS)"
            )
        if len(mem) == 2:
            small, large = (median(rows, "peak") for rows in mem.values())
            print(f"ratio 1,000,000 / 10,000 runs: {large / small:.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
