"""Command line: a thin layer over the Python API, testable in-process via ``main(argv)``.

Exit status: 0 success, 2 bad input (nothing written), 1 an internal error
(rerun with ``--debug`` for the traceback), 3 a sweep finished with failed
tasks (rerun them with ``--retry-failed``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from escalation_sim import __version__
from escalation_sim.scenario import ScenarioError, content_hash, load, resolved_yaml


class UsageError(Exception):
    """Bad command-line input that argparse cannot catch (exit status 2)."""


# ---------------------------------------------------------------------- run
def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="run one scenario and print its summary",
        description="Run replications of a scenario; write results to OUT.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument(
        "-n", "--replications", type=int, default=1000, help="number of replications (default 1000)"
    )
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a parameter, e.g. mechanisms.hostile_bias=0.8 (repeatable)",
    )
    p.add_argument("--out", type=Path, help="output folder (default results/<scenario name>)")
    p.add_argument(
        "--keep-traces",
        type=int,
        default=100,
        metavar="N",
        help="keep daily traces and event logs of the first N replications",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario, write results atomically, print the summary."""
    from escalation_sim.outcomes import format_summary, summarise
    from escalation_sim.progress import Progress
    from escalation_sim.runner import run_scenario
    from escalation_sim.store import git_commit, now_iso, save_run, versions

    if args.replications < 1:
        raise UsageError(f"--replications must be at least 1, got {args.replications}")
    if args.keep_traces < 0:
        raise UsageError(f"--keep-traces must not be negative, got {args.keep_traces}")
    if args.seed < 0:
        raise UsageError(f"--seed must not be negative, got {args.seed}")
    scenario = load(args.scenario, args.set)
    out = args.out if args.out is not None else Path("results") / scenario.name
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    progress = Progress(args.replications, "runs", enabled=not args.quiet)
    started = time.perf_counter()
    result = run_scenario(
        scenario,
        args.replications,
        args.seed,
        keep_traces=args.keep_traces,
        on_progress=progress.update,
    )
    progress.close()
    wall = time.perf_counter() - started
    manifest = {
        "kind": "run",
        "scenario": scenario.name,
        "scenario_file": str(args.scenario),
        "scenario_hash": content_hash(scenario),
        "overrides": list(args.set),
        "seed": args.seed,
        "replications": args.replications,
        "keep_traces": args.keep_traces,
        "config": scenario.model_dump(mode="json"),
        "versions": versions(),
        "git_commit": git_commit(),
        "created": now_iso(),
        "wall_seconds": round(wall, 3),
        "command": "escalation-sim " + " ".join(sys.argv[1:]) if sys.argv else "",
    }
    save_run(out, result, manifest)
    title = (
        f"{scenario.name}: {args.replications:,} replications, seed {args.seed}, "
        f"{scenario.days} days from {scenario.start}"
    )
    print(format_summary(summarise(result.runs), title))
    print(f"  results in {out}/ ({wall:.1f} s)")
    return 0


# ---------------------------------------------------------------------- validate
def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+", type=Path, help="scenario YAML files")
    p.add_argument("--show", action="store_true", help="print each fully resolved scenario")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate every file; report each problem; exit 2 if any file is bad."""
    bad = 0
    for path in args.files:
        try:
            sc = load(path)
        except ScenarioError as exc:
            bad += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(
            f"ok: {path} ({sc.name}: {len(sc.actors)} actors, {len(sc.events)} events, "
            f"{sc.days} days from {sc.start})"
        )
        if args.show:
            print(resolved_yaml(sc))
    return 2 if bad else 0


# ---------------------------------------------------------------------- describe
def _add_describe(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("describe", help="every parameter: meaning, default, range, unit, source")
    p.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        help="also show this scenario's values and its resolved YAML",
    )
    p.add_argument("--format", choices=("text", "markdown"), default="text")
    p.set_defaults(func=cmd_describe)


def cmd_describe(args: argparse.Namespace) -> int:
    """Print the parameter table (from the code), optionally with a scenario's values."""
    from escalation_sim.params import format_rows, parameter_rows

    sc = load(args.scenario) if args.scenario is not None else None
    print(format_rows(parameter_rows(sc), args.format))
    if sc is not None:
        print("\n# resolved scenario\n" + resolved_yaml(sc))
    return 0


# ---------------------------------------------------------------------- sweep, plan, status
def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="run an experiment file: many design points, crash-safe and resumable",
        description="Run every task of an experiment; write one part per finished task to OUT, "
        "then consolidate runs.parquet, daily.parquet, traces.parquet and events.parquet.",
    )
    p.add_argument("experiment", type=Path, help="experiment YAML file (see experiments/)")
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="local worker processes (default: all cores; 0 runs in this process)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on an existing Dask cluster instead (pip install 'escalation-sim[dask]')",
    )
    p.add_argument("--resume", action="store_true", help="run only the tasks missing in OUT")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="rerun the tasks recorded in OUT/failures.parquet (implies --resume)",
    )
    p.add_argument("--out", type=Path, help="output folder (default results/<experiment name>)")
    p.add_argument(
        "--replications",
        type=int,
        metavar="N",
        help="override the file's replications per design point (quick tries)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_sweep)


def _experiment(args: argparse.Namespace) -> Any:
    from escalation_sim.experiment import load_experiment

    if args.replications is not None and args.replications < 1:
        raise UsageError(f"--replications must be at least 1, got {args.replications}")
    return load_experiment(args.experiment, args.replications)


def _warm_forkserver() -> None:
    """Start the local pool's fork server now, so it imports the engine while we do."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(["escalation_sim.sweep"])
        forkserver.ensure_running()


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep; exit 3 if tasks failed."""
    import signal

    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers must not be negative, got {args.workers}")
    if args.scheduler and args.workers is not None:
        raise UsageError("--workers and --scheduler exclude each other (Dask has its own workers)")
    exp = _experiment(args)
    if args.scheduler is None and args.workers != 0:
        _warm_forkserver()  # imports the engine while we do: ~1.5 s less start-up
    from escalation_sim.sweep import (
        SweepError,
        SweepInterrupted,
        expand,
        format_report,
        make_executor,
        run_sweep,
    )

    out = args.out if args.out is not None else Path("results") / exp.name
    command = "escalation-sim " + " ".join(sys.argv[1:]) if sys.argv else ""
    again = f"escalation-sim sweep {args.experiment} --out {out}"
    if args.replications is not None:
        again += f" --replications {args.replications}"
    if args.scheduler:
        again += f" --scheduler {args.scheduler}"
    previous = None

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        executor = make_executor(args.workers, args.scheduler)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    try:
        if threading_main():
            previous = signal.signal(signal.SIGTERM, on_term)
        report = run_sweep(
            exp,
            out,
            executor,
            resume=args.resume,
            retry_failed=args.retry_failed,
            progress=not args.quiet,
            command=command,
            again=again,
        )
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    except SweepInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        executor.close()
    print(format_report(report, expand(exp)))
    if report.status != "complete":
        n = len(report.failed)
        print(
            f"error: {n} task{'s' if n != 1 else ''} failed (see {out}/failures.parquet); "
            f"rerun {'them' if n != 1 else 'it'} with: {again} --retry-failed",
            file=sys.stderr,
        )
        return 3
    return 0


def threading_main() -> bool:
    """True in the main thread (where signal handlers may be set)."""
    import threading

    return threading.current_thread() is threading.main_thread()


def _add_plan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="show an experiment's design points, runs, time and disk, without running",
    )
    p.add_argument("experiment", type=Path, help="experiment YAML file")
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="workers to estimate the time for (default: all cores)",
    )
    p.add_argument("--replications", type=int, metavar="N", help="as for sweep")
    p.add_argument("--rows", type=int, default=12, help="design points to show (default 12)")
    p.set_defaults(func=cmd_plan)


def cmd_plan(args: argparse.Namespace) -> int:
    """Print the expanded plan of an experiment."""
    from escalation_sim.sweep import default_workers, expand, format_plan

    exp = _experiment(args)
    workers = default_workers() if args.workers is None else args.workers
    print(format_plan(expand(exp), workers, args.rows))
    return 0


def _add_status(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="done / failed / remaining tasks of a sweep folder")
    p.add_argument("dir", type=Path, help="the sweep's output folder")
    p.set_defaults(func=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    """Print the state of a sweep folder."""
    from escalation_sim.sweep import SweepError, format_status, sweep_status

    try:
        st = sweep_status(args.dir)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    print(format_status(args.dir, st))
    return 0


# ---------------------------------------------------------------------- main
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_run,
    _add_validate,
    _add_describe,
    _add_sweep,
    _add_plan,
    _add_status,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="escalation-sim",
        description="Crisis escalation on the Belarus-EU border (2021) when nobody gives the "
        "other side the benefit of the doubt.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of internal errors"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status instead of exiting."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\nrerun with --debug for the traceback",
            file=sys.stderr,
        )
        return 1


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
