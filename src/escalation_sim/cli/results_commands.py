"""Commands on results folders: plot, compare, analyze, report."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from escalation_sim.cli.scenario_commands import add_parameters_option, ensemble_of
from escalation_sim.cli.usage import UsageError
from escalation_sim.io.scenario_file import load


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


def add_plot(sub: argparse._SubParsersAction) -> None:
    """The ``plot`` command and its arguments."""
    p = sub.add_parser(
        "plot",
        help="draw every figure a results folder supports",
        description="Draw every figure that the data of a run, sweep or compare folder supports.",
    )
    p.add_argument("dir", type=Path, help="results folder (from run, sweep or compare)")
    p.add_argument("--out", type=Path, help="figure folder (default DIR/figures)")
    p.add_argument(
        "--format",
        choices=("png", "svg", "pdf"),
        default="png",
        help="file format of the figures: png (raster, --dpi), svg or pdf (vector; default png)",
    )
    p.add_argument("--dpi", type=int, default=100, help="resolution of PNG figures (default 100)")
    p.set_defaults(func=cmd_plot)


def cmd_plot(args: argparse.Namespace) -> int:
    """Draw and save the figures; print where they went."""
    from escalation_sim.present.figures.catalogue import save_all
    from escalation_sim.store.folder import record_derived
    from escalation_sim.store.results import command_line

    if not 20 <= args.dpi <= 1200:
        raise UsageError(f"--dpi must be between 20 and 1200, got {args.dpi}")
    res = _results(args.dir)
    out = args.out if args.out is not None else args.dir / "figures"
    files = save_all(res, out, args.format, args.dpi)
    record_derived(args.dir, files, command_line())
    print(f"{len(files)} figures of {res.kind} {res.name!r} in {out}/:")
    for f in files:
        print(f"  {f.name}")
    return 0


def add_compare(sub: argparse._SubParsersAction) -> None:
    """The ``compare`` command and its arguments."""
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
    add_parameters_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the scenarios paired, save them, print the differences, draw overlays."""
    from escalation_sim.analysis.paired import differences
    from escalation_sim.present.tables import format_differences
    from escalation_sim.run.compare import Entry, comparison_files, run_comparison, unique_labels
    from escalation_sim.run.progress import Progress
    from escalation_sim.run.resources import DoesNotFit, check_fits
    from escalation_sim.store.folder import ResultsWriter, replaced_note
    from escalation_sim.store.results import command_line

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
    entries = [Entry(lab, sc, f) for lab, sc, f in zip(labels, scenarios, files, strict=True)]
    ensembles = [ensemble_of(args, sc) for sc in scenarios] if args.parameters else None
    total = args.replications * len(entries)
    try:
        check_fits(total, args.keep_traces * len(entries), out, f"{total:,} replications")
    except DoesNotFit as exc:
        raise UsageError(str(exc)) from None
    with ResultsWriter(out, "compare", command_line()) as writer:
        progress = Progress(args.replications * len(entries), "runs", enabled=not args.quiet)
        started = time.perf_counter()
        res = run_comparison(
            entries,
            args.replications,
            args.seed,
            keep_traces=args.keep_traces,
            on_progress=progress.update,
            ensembles=ensembles,
        )
        progress.close()
        res.manifest["wall_seconds"] = round(time.perf_counter() - started, 3)
        res.manifest["bootstrap"] = args.bootstrap  # the report and figures redo this
        diffs = differences(res, n_boot=args.bootstrap, seed=args.seed)
        staging = writer.stage(res, comparison_files(res, diffs))
        drawn = []
        if not args.no_plots:
            from escalation_sim.present.figures.catalogue import save_all

            drawn = save_all(res, staging / "figures")
        replaced = writer.commit(res)
    note = replaced_note(out, writer.previous, replaced)
    if note:
        print(note, file=sys.stderr)
    print(format_differences(res, diffs))
    if ensembles:
        from escalation_sim.analysis.ensemble import ensemble_numbers, format_ensemble

        for g in res.groups():
            print(f"  {g.label}:")
            print(format_ensemble(ensemble_numbers(g.runs), args.parameters, args.per_draw))
    if drawn:
        print(f"  {len(drawn)} overlay figures in {out / 'figures'}/")
    print(f"  results in {out}/")
    return 0


def add_analyze(sub: argparse._SubParsersAction) -> None:
    """The ``analyze`` command and its arguments."""
    from escalation_sim.analysis.sensitivity import SENSITIVITY_OUTCOMES

    p = sub.add_parser(
        "analyze",
        help="sensitivity indices (Sobol, Morris) or main effects (grid) of a sweep",
        description="Sobol or Morris sensitivity indices (SALib) with 95% confidence "
        "intervals, computed on the per-design-point means, with the share of their "
        "variance that replication noise alone explains; for a grid sweep, the main "
        "effects: each outcome at each level of each parameter, with its 95% interval.",
    )
    p.add_argument("dir", type=Path, help="sweep results folder (design sobol, morris or grid)")
    p.add_argument(
        "--outcome",
        action="append",
        choices=SENSITIVITY_OUTCOMES,
        help="outcome(s) to analyse (repeatable; default all)",
    )
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the CIs")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument(
        "--csv", type=Path, help="also write the indices to this CSV file (- for stdout)"
    )
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
    if res.kind == "sweep" and res.design == "grid":
        return _main_effects(args, res)
    if res.kind != "sweep" or res.design not in ("sobol", "morris"):
        what = res.kind + (f" with design {res.design}" if res.design else "")
        raise UsageError(
            f"{args.dir}: analyze needs a sobol, morris or grid sweep, this is a {what}"
        )
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
        if str(args.csv) != "-":
            print(f"  indices in {args.csv}")
    return 0


def _main_effects(args: argparse.Namespace, res: Any) -> int:
    """Print (and write) the main effects of a grid sweep."""
    import pandas as pd

    from escalation_sim.analysis.discovery import main_effects
    from escalation_sim.analysis.metrics import METRICS
    from escalation_sim.analysis.sensitivity import SENSITIVITY_OUTCOMES
    from escalation_sim.present.discovery import format_main_effects
    from escalation_sim.store.files import atomic_write_bytes

    tables = []
    for i, outcome in enumerate(args.outcome or SENSITIVITY_OUTCOMES):
        table = main_effects(res, outcome)
        metric = METRICS[outcome]
        label = metric.label if metric.statistic == "proportion" else f"mean {outcome}"
        print(format_main_effects(table, label, header=i == 0))
        tables.append(table.assign(outcome=outcome, method="main_effects"))
    if args.csv is not None:
        frame = pd.concat(tables, ignore_index=True)
        atomic_write_bytes(args.csv, frame.to_csv(index=False).encode())
        print(f"  main effects in {args.csv}")
    return 0


def add_report(sub: argparse._SubParsersAction) -> None:
    """The ``report`` command and its arguments."""
    p = sub.add_parser(
        "report",
        help="one self-contained HTML report of a results folder",
        description="Write DIR/report.html: summary, outcome table with intervals, every "
        "figure embedded, and the command and seed that reproduce the results.",
    )
    p.add_argument("dir", type=Path, help="results folder (from run, sweep or compare)")
    p.add_argument("--out", type=Path, help="report file (default DIR/report.html)")
    p.add_argument(
        "--format",
        choices=("png", "svg"),
        default="png",
        help="format of the figures embedded in the report: png (smaller) or svg (sharp at "
        "any zoom; default png)",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report."""
    from escalation_sim.present.report import write_report
    from escalation_sim.store.folder import record_derived
    from escalation_sim.store.results import command_line

    res = _results(args.dir)
    out = args.out if args.out is not None else args.dir / "report.html"
    n = write_report(res, out, args.format)
    record_derived(args.dir, [out], command_line())
    print(f"report of {res.kind} {res.name!r} with {n} figures: {out}")
    return 0
