"""The ``view`` command: watch a scenario unfold in the browser (Mesa SolaraViz)."""

from __future__ import annotations

import argparse
import errno
import socket
from pathlib import Path

from escalation_sim.cli.usage import UsageError
from escalation_sim.io.scenario_file import load

DEFAULT_SCENARIO = Path("scenarios/august_2021.yaml")


def add_view(sub: argparse._SubParsersAction) -> None:
    """The ``view`` command and its arguments."""
    p = sub.add_parser(
        "view",
        help="watch a scenario unfold in the browser (play, step, reset, sliders)",
        description="Serve a live view of SCENARIO on 127.0.0.1: a few hundred replications "
        "advance day by day; sliders set the mechanisms and main actor parameters (applied on "
        "Reset). Needs the [view] extra; works with no network.",
    )
    p.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        default=DEFAULT_SCENARIO,
        help=f"scenario YAML file (default {DEFAULT_SCENARIO})",
    )
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    p.add_argument(
        "-n",
        "--replications",
        type=int,
        default=300,
        help="replications advancing in lockstep at start (default 300)",
    )
    p.set_defaults(func=cmd_view)


def check_port(port: int, host: str = "127.0.0.1") -> None:
    """A usage error unless the port is valid and free on ``host``."""
    if not 1 <= port <= 65535:
        raise UsageError(f"--port: expected a port number in 1 .. 65535, got {port}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
        try:
            s.bind((host, port))
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
            raise UsageError(f"--port: port {port} on {host} {why}; pick another") from None


def cmd_view(args: argparse.Namespace) -> int:
    """Check the input, then serve the view until interrupted."""
    from escalation_sim.view import serve
    from escalation_sim.view.live import MAX_REPLICATIONS

    problem = serve.install_problem()
    if problem:
        raise UsageError(problem)
    sc = load(args.scenario)  # a bad scenario is reported (file, line, key) before serving
    if not 50 <= args.replications <= MAX_REPLICATIONS:
        raise UsageError(
            f"--replications: expected 50 .. {MAX_REPLICATIONS}, got {args.replications}"
        )
    check_port(args.port)
    print(
        f"escalation-sim view: {sc.name}, {args.replications} replications, at "
        f"http://127.0.0.1:{args.port} (Ctrl-C to stop)",
        flush=True,
    )
    serve.serve(args.scenario, args.port, replications=args.replications)
    return 0
