"""Commands on one scenario file: run, validate, describe, events."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from escalation_sim.cli.usage import UsageError
from escalation_sim.config.scenario import Scenario, content_hash
from escalation_sim.io.errors import InputError, printable
from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load, resolved_yaml
from escalation_sim.io.yaml_source import load_source

MAX_REPLICATION = 2**62  # replication indices are 64-bit integers in the engine


# ---------------------------------------------------------------------- run
def add_run(sub: argparse._SubParsersAction) -> None:
    """The ``run`` command and its arguments."""
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
    add_parameters_option(p)
    p.add_argument(
        "--series",
        action="store_true",
        help="also keep every replication's daily flows per border and sanctioner over the "
        "forecast (series.parquet): what `escalation-sim score` compares with a record",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_run)


def add_parameters_option(p: argparse.ArgumentParser) -> None:
    """``--parameters prior|POSTERIOR.parquet`` and ``--per-draw`` (run, compare, sweep)."""
    p.add_argument(
        "--parameters",
        metavar="prior|POSTERIOR.parquet",
        help="draw each replication's parameters from the priors or a calibration's posterior",
    )
    p.add_argument(
        "--per-draw",
        type=int,
        default=10,
        metavar="N",
        help="replications per parameter draw (default 10; at least 2)",
    )


def ensemble_of(args: argparse.Namespace, scenario: Scenario) -> Any:
    """The Ensemble that ``--parameters`` asks for, or None."""
    if args.parameters is None:
        return None
    from escalation_sim.run.ensemble import make_ensemble

    if args.per_draw < 2:
        raise UsageError(f"--per-draw must be at least 2, got {args.per_draw}")
    return make_ensemble(args.parameters, scenario, args.seed, args.per_draw)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario, write results atomically, print the summary."""
    from escalation_sim.analysis.summary import headline_numbers
    from escalation_sim.present.tables import format_summary
    from escalation_sim.run.progress import Progress
    from escalation_sim.run.resources import DoesNotFit, check_fits
    from escalation_sim.run.scenario import run_scenario
    from escalation_sim.store.folder import ResultsWriter, replaced_note
    from escalation_sim.store.results import command_line, from_model, new_manifest

    if args.replications < 1:
        raise UsageError(f"--replications must be at least 1, got {args.replications}")
    if args.keep_traces < 0:
        raise UsageError(f"--keep-traces must not be negative, got {args.keep_traces}")
    if args.seed < 0:
        raise UsageError(f"--seed must not be negative, got {args.seed}")
    scenario = load(args.scenario, args.set)
    out = args.out if args.out is not None else Path("results") / scenario.name
    ensemble = ensemble_of(args, scenario)  # a bad posterior file stops here: nothing written
    try:
        ahead = scenario.days - scenario.forecast_day if args.series else 0
        what = f"{args.replications:,} replications"
        check_fits(args.replications, args.keep_traces, out, what, ahead)
    except DoesNotFit as exc:
        raise UsageError(str(exc)) from None
    with ResultsWriter(out, "run", command_line()) as writer:
        progress = Progress(args.replications, "runs", enabled=not args.quiet)
        started = time.perf_counter()
        result = run_scenario(
            scenario,
            args.replications,
            args.seed,
            keep_traces=args.keep_traces,
            on_progress=progress.update,
            ensemble=ensemble,
            series=args.series,
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
            series=args.series,
            config=scenario.model_dump(mode="json"),
            wall_seconds=round(wall, 3),
            **({"ensemble": ensemble.describe()} if ensemble is not None else {}),
        )
        res = from_model(result, manifest)
        writer.stage(res)
        replaced = writer.commit(res)
    note = replaced_note(out, writer.previous, replaced)
    if note:
        print(note, file=sys.stderr)
    title = (
        f"{scenario.name}: {args.replications:,} replications, seed {args.seed}, "
        f"{scenario.days} days from {scenario.start}{_forecast_note(scenario)}"
    )
    if args.set:
        title += "\n  overrides: " + printable(", ".join(args.set))
    print(format_summary(headline_numbers(result.runs), title))
    if ensemble is not None:
        from escalation_sim.analysis.ensemble import ensemble_numbers, format_ensemble

        print(format_ensemble(ensemble_numbers(result.runs), ensemble.source, ensemble.per_draw))
    print(f"  results in {out}/ ({wall:.1f} s)")
    return 0


def _forecast_note(sc: Scenario) -> str:
    """', outcomes from DATE' when the scenario forecasts from a later day than it starts."""
    return f", outcomes from {sc.forecast_date}" if sc.forecast_day else ""


# ---------------------------------------------------------------------- validate
def add_validate(sub: argparse._SubParsersAction) -> None:
    """The ``validate`` command and its arguments."""
    p = sub.add_parser(
        "validate",
        help="check scenario files (and observed records, .csv) without running them",
        description="Load and check each scenario file (its extends chain, every key, type, "
        "range and event date) or observed record (.csv: every row's date, actor, quantity, "
        "value and source); print one located line per bad file. Exit status 2 if any "
        "file is bad. Runs nothing and writes nothing.",
    )
    p.add_argument("files", nargs="+", type=Path, help="scenario YAML files or observed CSV files")
    p.add_argument("--show", action="store_true", help="print each fully resolved scenario")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate every file; report each problem; exit 2 if any file is bad."""
    bad = 0
    for path in args.files:
        try:
            if path.suffix.lower() == ".csv":
                rec = load_observed(path)
                print(f"ok: {path} (observed record: {len(rec.rows)} rows to {rec.last_date})")
                continue
            sc = load(path)
        except InputError as exc:
            bad += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(
            f"ok: {path} ({sc.name}: {_count(len(sc.actors), 'actor')}, "
            f"{_count(len(sc.events), 'event')}, "
            f"{sc.days} days from {sc.start}{_forecast_note(sc)}{_extends_note(path)})"
        )
        if args.show:
            print(_resolved(path, sc))
    return 2 if bad else 0


def _count(n: int, word: str) -> str:
    """'1 event', '2 events'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------- describe
def add_describe(sub: argparse._SubParsersAction) -> None:
    """The ``describe`` command and its arguments."""
    p = sub.add_parser(
        "describe",
        help="every parameter: meaning, default, range, unit, source",
        description="Print the parameter table generated from the code: every parameter's "
        "dotted path, meaning, default, allowed range, unit and source. With a scenario file, "
        "also that scenario's values and the file fully resolved as YAML.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        help="also show this scenario's values and its resolved YAML",
    )
    p.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="text: aligned columns for the terminal; markdown: a table as in docs/ODD.md "
        "(default text)",
    )
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
def add_events(sub: argparse._SubParsersAction) -> None:
    """The ``events`` command and its arguments."""
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
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table: aligned columns to read; csv or json: one record per move for other "
        "tools (default table)",
    )
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

    if not 0 <= args.replication < MAX_REPLICATION:
        raise UsageError(
            f"--replication must be 0 or more and less than {MAX_REPLICATION:,}, "
            f"got {args.replication}"
        )
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
