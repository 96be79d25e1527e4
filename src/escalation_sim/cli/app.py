"""Command line: a thin layer over the Python API, testable in-process via ``main(argv)``.

Exit status: 0 success, 2 bad input (nothing written), 1 an internal error
(rerun with ``--debug`` for the traceback), 3 a sweep finished with failed
tasks (rerun them with ``--retry-failed``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from escalation_sim import __version__
from escalation_sim.config.scenario import Scenario, content_hash
from escalation_sim.io.errors import InputError
from escalation_sim.io.scenario_file import load, resolved_yaml
from escalation_sim.io.yaml_source import load_source


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
    from escalation_sim.analysis.summary import headline_numbers
    from escalation_sim.present.tables import format_summary
    from escalation_sim.run.progress import Progress
    from escalation_sim.run.scenario import run_scenario
    from escalation_sim.store.results import from_model, new_manifest, save

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
    manifest = new_manifest(
        "run",
        scenario=scenario.name,
        scenario_file=str(args.scenario),
        scenario_hash=content_hash(scenario),
        overrides=list(args.set),
        seed=args.seed,
        replications=args.replications,
        keep_traces=args.keep_traces,
        config=scenario.model_dump(mode="json"),
        wall_seconds=round(wall, 3),
    )
    save(out, from_model(result, manifest))
    title = (
        f"{scenario.name}: {args.replications:,} replications, seed {args.seed}, "
        f"{scenario.days} days from {scenario.start}"
    )
    print(format_summary(headline_numbers(result.runs), title))
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
        except InputError as exc:
            bad += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(
            f"ok: {path} ({sc.name}: {len(sc.actors)} actors, {len(sc.events)} events, "
            f"{sc.days} days from {sc.start}{_extends_note(path)})"
        )
        if args.show:
            print(_resolved(path, sc))
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
    from escalation_sim.present.parameters import format_rows, parameter_rows

    sc = load(args.scenario) if args.scenario is not None else None
    print(format_rows(parameter_rows(sc), args.format))
    if sc is not None:
        print("\n" + _resolved(args.scenario, sc))
    return 0


def _chain(path: Path) -> list[str]:
    """The files a scenario is resolved from, first base first."""
    return [Path(f).name for f in load_source(path).files]


def _extends_note(path: Path) -> str:
    chain = _chain(path)
    return f"; extends {' <- '.join(chain[:-1])}" if len(chain) > 1 else ""


def _resolved(path: Path, sc: Scenario) -> str:
    """The fully resolved scenario as YAML, headed by the files it was resolved from."""
    return f"# resolved scenario: {' <- '.join(_chain(path))}\n{resolved_yaml(sc)}"


# ---------------------------------------------------------------------- events
def _add_events(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "events",
        help="one replication's story: every move, dated, with how it was seen and why",
        description="Print the moves of one replication as a dated table: actor, move, "
        "target, rung, Goldstein score, how the target perceived it and why it happened. "
        "Reruns only that replication's block, so any replication of any seed is quick.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument(
        "-r", "--replication", type=int, required=True, metavar="I", help="replication index"
    )
    p.add_argument("--seed", type=int, default=0, help="master seed of the run (default 0)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a parameter as in `run` (repeatable)",
    )
    p.add_argument("--from", dest="start", metavar="DATE", help="first date shown (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last date shown (YYYY-MM-DD)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_events)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: expected a date like 2021-09-10, got {text!r}") from None


def cmd_events(args: argparse.Namespace) -> int:
    """Print one replication's story."""
    from escalation_sim.present.story import format_story
    from escalation_sim.run.story import check_window, tell

    if args.replication < 0:
        raise UsageError(f"--replication must be 0 or more, got {args.replication}")
    if args.seed < 0:
        raise UsageError(f"--seed must not be negative, got {args.seed}")
    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    scenario = load(args.scenario, args.set)
    try:
        check_window(scenario, start, end)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    story = tell(scenario, args.replication, args.seed, start, end)
    print(format_story(story, args.format))
    return 0


# ---------------------------------------------------------------------- analysis
def _results(path: Path) -> Any:
    """Load a results folder, turning a missing or malformed folder into a usage error."""
    from escalation_sim.store.results import load as load_results_dir

    try:
        return load_results_dir(path)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except (ValueError, KeyError) as exc:
        raise UsageError(f"{path}: not a results folder this version can read ({exc})") from None


def _add_plot(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plot",
        help="draw every figure a results folder supports",
        description="Draw every figure that the data of a run, sweep or compare folder supports.",
    )
    p.add_argument("dir", type=Path, help="results folder (from run, sweep or compare)")
    p.add_argument("--out", type=Path, help="figure folder (default DIR/figures)")
    p.add_argument("--format", choices=("png", "svg", "pdf"), default="png")
    p.add_argument("--dpi", type=int, default=100, help="resolution of PNG figures (default 100)")
    p.set_defaults(func=cmd_plot)


def cmd_plot(args: argparse.Namespace) -> int:
    """Draw and save the figures; print where they went."""
    from escalation_sim.present.figures.catalogue import save_all

    if args.dpi < 20:
        raise UsageError(f"--dpi must be at least 20, got {args.dpi}")
    res = _results(args.dir)
    out = args.out if args.out is not None else args.dir / "figures"
    files = save_all(res, out, args.format, args.dpi)
    print(f"{len(files)} figures of {res.kind} {res.name!r} in {out}/:")
    for f in files:
        print(f"  {f.name}")
    return 0


def _add_compare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="run scenarios with the same seeds and report paired differences",
        description="Run two or more scenarios with common random numbers (the same seeds, "
        "so replication i of each scenario shares its random numbers) and report each "
        "difference against the first scenario with a paired 95% interval.",
    )
    p.add_argument("scenarios", nargs="+", type=Path, help="two or more scenario YAML files")
    p.add_argument(
        "-n",
        "--replications",
        type=int,
        default=1000,
        help="replications per scenario (default 1000)",
    )
    p.add_argument("--seed", type=int, default=0, help="master seed shared by all (default 0)")
    p.add_argument("--out", type=Path, help="output folder (default results/compare_<A>_vs_<B>)")
    p.add_argument(
        "--keep-traces",
        type=int,
        default=20,
        metavar="N",
        help="keep event logs of the first N replications of each scenario (default 20)",
    )
    p.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples (default 2000)")
    p.add_argument("--no-plots", action="store_true", help="do not draw the overlay figures")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the scenarios paired, save them, print the differences, draw overlays."""
    from escalation_sim.analysis.paired import differences
    from escalation_sim.present.tables import format_differences
    from escalation_sim.run.compare import Entry, run_comparison, save_comparison, unique_labels
    from escalation_sim.run.progress import Progress

    if len(args.scenarios) < 2:
        raise UsageError("compare needs at least two scenario files")
    if args.replications < 2:
        raise UsageError(f"--replications must be at least 2, got {args.replications}")
    if args.seed < 0:
        raise UsageError(f"--seed must not be negative, got {args.seed}")
    if args.keep_traces < 0:
        raise UsageError(f"--keep-traces must not be negative, got {args.keep_traces}")
    if args.bootstrap < 100:
        raise UsageError(f"--bootstrap must be at least 100, got {args.bootstrap}")
    scenarios = [load(path) for path in args.scenarios]
    files = [str(p) for p in args.scenarios]
    labels = unique_labels([s.name for s in scenarios], files)
    out = args.out
    if out is None:
        out = Path("results") / ("compare_" + "_vs_".join(s.name for s in scenarios))
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    entries = [Entry(lab, sc, f) for lab, sc, f in zip(labels, scenarios, files, strict=True)]
    progress = Progress(args.replications * len(entries), "runs", enabled=not args.quiet)
    started = time.perf_counter()
    res = run_comparison(
        entries,
        args.replications,
        args.seed,
        keep_traces=args.keep_traces,
        on_progress=progress.update,
    )
    progress.close()
    res.manifest["wall_seconds"] = round(time.perf_counter() - started, 3)
    diffs = differences(res, n_boot=args.bootstrap, seed=args.seed)
    save_comparison(out, res, diffs)
    print(format_differences(res, diffs))
    if not args.no_plots:
        from escalation_sim.present.figures.catalogue import save_all

        files_written = save_all(res, out / "figures")
        print(f"  {len(files_written)} overlay figures in {out / 'figures'}/")
    print(f"  results in {out}/")
    return 0


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    from escalation_sim.analysis.sensitivity import SENSITIVITY_OUTCOMES

    p = sub.add_parser(
        "analyze",
        help="sensitivity indices of a Sobol or Morris experiment",
        description="Sobol or Morris sensitivity indices (SALib) with 95% confidence "
        "intervals, computed on the per-design-point means, with the share of their "
        "variance that replication noise alone explains.",
    )
    p.add_argument("dir", type=Path, help="sweep results folder (design sobol or morris)")
    p.add_argument(
        "--outcome",
        action="append",
        choices=SENSITIVITY_OUTCOMES,
        help="outcome(s) to analyse (repeatable; default all)",
    )
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the CIs")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--csv", type=Path, help="also write the indices to this CSV file")
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    """Print sensitivity indices for each outcome."""
    import pandas as pd

    from escalation_sim.analysis.sensitivity import SENSITIVITY_OUTCOMES, sensitivity
    from escalation_sim.present.tables import format_sensitivity
    from escalation_sim.store.files import atomic_write_bytes

    if args.resamples < 10:
        raise UsageError(f"--resamples must be at least 10, got {args.resamples}")
    res = _results(args.dir)
    if res.kind != "sweep" or res.design not in ("sobol", "morris"):
        what = res.kind + (f" with design {res.design}" if res.design else "")
        raise UsageError(f"{args.dir}: analyze needs a sobol or morris sweep, this is a {what}")
    if not res.manifest.get("salib_problem"):
        raise UsageError(f"{args.dir}: the manifest has no salib_problem")
    tables = []
    for i, outcome in enumerate(args.outcome or SENSITIVITY_OUTCOMES):
        try:
            si = sensitivity(res, outcome, num_resamples=args.resamples, seed=args.seed)
        except ValueError as exc:
            raise UsageError(f"{args.dir}: {exc}") from None
        print(format_sensitivity(res, si, header=i == 0))
        tables.append(si.table.assign(outcome=outcome, method=si.method))
    if args.csv is not None:
        frame = pd.concat(tables, ignore_index=True)
        atomic_write_bytes(args.csv, frame.to_csv(index=False).encode())
        print(f"  indices in {args.csv}")
    return 0


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="one self-contained HTML report of a results folder",
        description="Write DIR/report.html: summary, outcome table with intervals, every "
        "figure embedded, and the command and seed that reproduce the results.",
    )
    p.add_argument("dir", type=Path, help="results folder (from run, sweep or compare)")
    p.add_argument("--out", type=Path, help="report file (default DIR/report.html)")
    p.add_argument("--format", choices=("png", "svg"), default="png", help="embedded figures")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report."""
    from escalation_sim.present.report import write_report

    res = _results(args.dir)
    out = args.out if args.out is not None else args.dir / "report.html"
    n = write_report(res, out, args.format)
    print(f"report of {res.kind} {res.name!r} with {n} figures: {out}")
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
    from escalation_sim.io.experiment_file import load_experiment

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
    from escalation_sim.present.sweep import format_report
    from escalation_sim.run.sweep.driver import run_sweep
    from escalation_sim.run.sweep.executors import SweepError, SweepInterrupted, make_executor
    from escalation_sim.run.sweep.plan import expand

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
    from escalation_sim.present.sweep import format_plan
    from escalation_sim.run.sweep.executors import default_workers
    from escalation_sim.run.sweep.plan import expand

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
    from escalation_sim.present.sweep import format_status
    from escalation_sim.run.sweep.executors import SweepError
    from escalation_sim.run.sweep.folder import sweep_status

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
    _add_events,
    _add_sweep,
    _add_plan,
    _add_status,
    _add_plot,
    _add_compare,
    _add_analyze,
    _add_report,
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
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `escalation-sim events ... | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141
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
