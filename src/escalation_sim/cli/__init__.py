"""Command line: a thin layer over the Python API, testable in-process via ``main(argv)``."""

from escalation_sim.cli.app import build_parser, entry, main

__all__ = ["build_parser", "entry", "main"]
