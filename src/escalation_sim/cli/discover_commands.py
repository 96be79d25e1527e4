"""Commands on sweep and results folders: discover (PRIM boxes) and export (CSV)."""

from __future__ import annotations

import argparse
from pathlib import Path

from escalation_sim.cli.results_commands import _results
from escalation_sim.cli.usage import UsageError


# ---------------------------------------------------------------------- discover
def add_discover(sub: argparse._SubParsersAction) -> None:
    """The ``discover`` command and its arguments."""
    p = sub.add_parser(
        "discover",
        help="scenario discovery: PRIM boxes where an outcome is likely (sweeps, ensembles)",
        description="Scenario discovery on a sweep folder (cases: design points) or an "
        "ensemble run (run --parameters prior|POSTERIOR.parquet; cases: parameter draws): "
        "the cases whose mean "
        "OUTCOME reaches the threshold are the cases of interest; PRIM (EMA Workbench) "
        "finds boxes of parameter values that hold them. Prints each box's coverage, "
        "density and restricted ranges; draws its peeling trajectory and the box.",
    )
    p.add_argument("dir", type=Path, help="sweep folder, or a run folder with drawn parameters")
    p.add_argument(
        "--outcome",
        default="armed_incident",
        help="a column of runs (default armed_incident: the mean is P(armed incident))",
    )
    p.add_argument(
        "--threshold",
        type=float,
        metavar="P",
        help="cases of interest: mean outcome >= P (default: the cases' average)",
    )
    p.add_argument("--boxes", type=int, default=3, help="at most this many boxes (default 3)")
    p.add_argument("--out", type=Path, help="figure folder (default DIR/figures)")
    p.add_argument("--no-plots", action="store_true", help="do not draw the figures")
    p.set_defaults(func=cmd_discover)


def cmd_discover(args: argparse.Namespace) -> int:
    """Find and print PRIM boxes; save their figures."""
    from escalation_sim.analysis.discovery import case_columns, discover
    from escalation_sim.present.discovery import discovery_figures, format_discovery
    from escalation_sim.present.figures.catalogue import save_figure
    from escalation_sim.store.folder import record_derived
    from escalation_sim.store.results import command_line

    if args.boxes < 1:
        raise UsageError(f"--boxes must be at least 1, got {args.boxes}")
    res = _results(args.dir)
    try:
        case_columns(res)
    except ValueError as exc:
        raise UsageError(f"{args.dir}: {exc}; this is a {res.kind}") from None
    if args.outcome not in res.runs.columns:
        raise UsageError(f"--outcome {args.outcome}: no such column in {args.dir}/runs.parquet")
    try:
        found = discover(res, args.outcome, args.threshold, max_boxes=args.boxes)
    except ImportError:
        raise UsageError(
            "discover needs EMA Workbench: pip install 'escalation-sim[ema]'"
        ) from None
    except ValueError as exc:
        raise UsageError(f"{args.dir}: {exc}") from None
    print(format_discovery(found))
    if not args.no_plots and found.boxes:
        out = args.out if args.out is not None else args.dir / "figures"
        files = [
            save_figure(fig, out / f"{name}.png") for name, fig in discovery_figures(found).items()
        ]
        record_derived(args.dir, files, command_line())  # replaced results remove them
        print(f"  {len(files)} figures in {out}/: " + ", ".join(f.name for f in files))
    return 0


# ---------------------------------------------------------------------- export
def add_export(sub: argparse._SubParsersAction) -> None:
    """The ``export`` command and its arguments."""
    p = sub.add_parser(
        "export",
        help="write a results folder's tables as CSV beside the Parquet files",
        description="Write runs.csv, daily.csv and events.csv into DIR (or --out), for "
        "tools that do not read Parquet.",
    )
    p.add_argument("dir", type=Path, help="results folder (from run, sweep or compare)")
    p.add_argument("--format", choices=("csv",), default="csv", help="file format (csv)")
    p.add_argument("--out", type=Path, help="folder for the files (default DIR)")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Write the CSV files; print where they went."""
    from escalation_sim.store.folder import export_csv
    from escalation_sim.store.results import command_line

    res = _results(args.dir)
    out = args.out if args.out is not None else args.dir
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    files = export_csv(res, out, command_line())
    print(
        f"{len(files)} CSV files of {res.kind} {res.name!r} in {out}/: "
        + ", ".join(f.name for f in files)
    )
    return 0
