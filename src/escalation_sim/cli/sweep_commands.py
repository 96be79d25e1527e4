"""Commands on experiment files and sweep folders: sweep, plan, status."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from escalation_sim.cli.scenario_commands import add_parameters_option
from escalation_sim.cli.usage import UsageError


# ---------------------------------------------------------------------- sweep, plan, status
def add_sweep(sub: argparse._SubParsersAction) -> None:
    """The ``sweep`` command and its arguments."""
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
    add_parameters_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_sweep)


def _experiment(args: argparse.Namespace) -> Any:
    from escalation_sim.io.experiment_file import load_experiment

    if args.replications is not None and args.replications < 1:
        raise UsageError(f"--replications must be at least 1, got {args.replications}")
    return load_experiment(args.experiment, args.replications)


def _warm_forkserver() -> None:
    """Start the local pool's fork server now, so it imports the engine while we do."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        from escalation_sim.run.sweep.executors import PRELOAD

        multiprocessing.get_context("forkserver").set_forkserver_preload([PRELOAD])
        forkserver.ensure_running()


def _resume_command(args: argparse.Namespace, out: Path) -> str:
    """The command that continues this sweep (printed after an interruption or failure)."""
    again = f"escalation-sim sweep {args.experiment} --out {out}"
    if args.replications is not None:
        again += f" --replications {args.replications}"
    if args.scheduler:
        again += f" --scheduler {args.scheduler}"
    if getattr(args, "parameters", None):
        again += f" --parameters {args.parameters} --per-draw {args.per_draw}"
    return again


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM (a batch system's stop) like Ctrl-C while a sweep runs."""

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term) if threading_main() else None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep; exit 3 if tasks failed."""
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers must not be negative, got {args.workers}")
    if args.scheduler and args.workers is not None:
        raise UsageError("--workers and --scheduler exclude each other (Dask has its own workers)")
    exp = _experiment(args)
    ensemble = None
    if args.parameters is not None:  # a bad posterior file stops here: nothing written
        from escalation_sim.run.sweep.plan import with_ensemble

        if args.per_draw < 2:
            raise UsageError(f"--per-draw must be at least 2, got {args.per_draw}")
        exp, ensemble = with_ensemble(exp, args.parameters, args.per_draw)
    if args.scheduler is None and args.workers != 0:
        _warm_forkserver()  # imports the engine while we do: ~1.5 s less start-up
    from escalation_sim.present.sweep import format_report
    from escalation_sim.run.sweep.driver import run_sweep
    from escalation_sim.run.sweep.executors import SweepError, SweepInterrupted, make_executor
    from escalation_sim.run.sweep.plan import expand
    from escalation_sim.store.results import FAILURES, command_line

    out = args.out if args.out is not None else Path("results") / exp.name
    again = _resume_command(args, out)
    try:
        executor = make_executor(args.workers, args.scheduler)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    try:
        with _sigterm_interrupts():
            report = run_sweep(
                exp,
                out,
                executor,
                resume=args.resume,
                retry_failed=args.retry_failed,
                progress=not args.quiet,
                command=command_line(),
                again=again,
                ensemble=ensemble,
            )
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    except SweepInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    finally:
        executor.close()
    print(format_report(report, expand(exp, ensemble)))
    if report.status != "complete":
        n = len(report.failed)
        print(
            f"error: {n} task{'s' if n != 1 else ''} failed (see {out / FAILURES}); "
            f"rerun {'them' if n != 1 else 'it'} with: {again} --retry-failed",
            file=sys.stderr,
        )
        return 3
    return 0


def threading_main() -> bool:
    """True in the main thread (where signal handlers may be set)."""
    import threading

    return threading.current_thread() is threading.main_thread()


def add_plan(sub: argparse._SubParsersAction) -> None:
    """The ``plan`` command and its arguments."""
    p = sub.add_parser(
        "plan",
        help="show an experiment's design points, runs, time and disk, without running",
        description="Expand an experiment file into its design points and tasks and print "
        "them with the number of runs, an estimated time range (calibrated on a short run "
        "on this machine) and the disk space. Runs no sweep and writes nothing.",
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
    p.add_argument(
        "--no-calibrate",
        action="store_true",
        help="skip the ~1 s measurement that calibrates the time range on this machine",
    )
    p.set_defaults(func=cmd_plan)


def cmd_plan(args: argparse.Namespace) -> int:
    """Print the expanded plan of an experiment."""
    from escalation_sim.present.sweep import format_plan
    from escalation_sim.run.sweep.driver import check_disk
    from escalation_sim.run.sweep.estimate import calibrate
    from escalation_sim.run.sweep.executors import SweepError, default_workers
    from escalation_sim.run.sweep.plan import expand

    exp = _experiment(args)
    workers = default_workers() if args.workers is None else args.workers
    plan = expand(exp)
    calibration = None if args.no_calibrate else calibrate(plan)
    print(format_plan(plan, workers, args.rows, calibration))
    out = Path("results") / exp.name
    try:
        check_disk(plan, out)
    except SweepError as exc:
        print(f"warning: {exc}", file=sys.stderr)
    return 0


def add_status(sub: argparse._SubParsersAction) -> None:
    """The ``status`` command and its arguments."""
    p = sub.add_parser(
        "status",
        help="done / failed / remaining tasks of a sweep folder",
        description="Read a sweep's output folder and print whether it is running, finished, "
        "interrupted or failed, with the tasks and runs done, failed and remaining, and what "
        "to run next (--resume or --retry-failed).",
    )
    p.add_argument("dir", type=Path, help="the sweep's output folder")
    p.set_defaults(func=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    """Print the state of a sweep folder."""
    from escalation_sim.present.sweep import format_status
    from escalation_sim.run.sweep.executors import SweepError
    from escalation_sim.run.sweep.folder import sweep_status

    try:
        st = sweep_status(args.dir)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    print(format_status(args.dir, st))
    return 0
