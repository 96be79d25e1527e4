"""Which kind of input file a mapping is: a scenario or an experiment.

A scenario given to ``sweep`` or an experiment given to ``run`` would otherwise
fail on its first key ("start: unknown key", "actors: required key is missing");
recognising the other kind lets the error say which command the file is for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from escalation_sim.io.errors import InputError

COMMANDS = {
    "scenario": "`escalation-sim run` (or validate, describe, events, compare)",
    "experiment": "`escalation-sim sweep` (or plan)",
}


def file_kind(data: Any) -> str | None:
    """'experiment', 'scenario' or None when the keys say neither clearly."""
    if not isinstance(data, dict):
        return None
    keys = set(data)
    if {"design", "parameters"} <= keys or ("scenario" in keys and "design" in keys):
        return "experiment"
    if "actors" in keys or {"start", "days"} <= keys or "extends" in keys:
        return "scenario"
    return None


def wrong_kind(data: Any, expected: str, file: str | Path | None) -> InputError | None:
    """An error that names the right command when ``data`` is the other kind of file."""
    kind = file_kind(data)
    if kind is None or kind == expected:
        return None
    return InputError(
        f"this is {_a(kind)} file, not {_a(expected)}: use it with {COMMANDS[kind]}",
        file,
    )


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word
