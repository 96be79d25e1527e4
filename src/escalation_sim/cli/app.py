"""Command line: a thin layer over the Python API, testable in-process via ``main(argv)``.

Exit status: 0 success, 2 bad input (nothing written), 1 an internal error
(rerun with ``--debug`` for the traceback), 3 a sweep finished with failed
tasks (rerun them with ``--retry-failed``), 130 interrupted.

Shell completion (argcomplete): ``eval "$(register-python-argcomplete escalation-sim)"``.
"""

# PYTHON_ARGCOMPLETE_OK

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

import argcomplete

from escalation_sim import __version__
from escalation_sim.cli.calibrate_commands import add_calibrate
from escalation_sim.cli.discover_commands import add_discover, add_export
from escalation_sim.cli.results_commands import add_analyze, add_compare, add_plot, add_report
from escalation_sim.cli.scenario_commands import add_describe, add_events, add_run, add_validate
from escalation_sim.cli.score_commands import add_backtest, add_score
from escalation_sim.cli.sweep_commands import add_plan, add_status, add_sweep
from escalation_sim.cli.usage import UsageError
from escalation_sim.cli.view_commands import add_view
from escalation_sim.io.errors import InputError

# ---------------------------------------------------------------------- main
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_run,
    add_validate,
    add_describe,
    add_events,
    add_sweep,
    add_plan,
    add_status,
    add_plot,
    add_compare,
    add_analyze,
    add_report,
    add_discover,
    add_export,
    add_view,
    add_calibrate,
    add_score,
    add_backtest,
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
    for command in sub.choices.values():  # --debug is accepted after the command too
        command.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,  # keeps a --debug given before the command
            help="show the full traceback of internal errors",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status instead of exiting."""
    parser = build_parser()
    argcomplete.autocomplete(parser)  # shell completion; a no-op unless the shell asks
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
