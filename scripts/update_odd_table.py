"""Regenerate the parameter table of docs/ODD.md from the code.

The table between the markers ``<!-- parameters:start -->`` and
``<!-- parameters:end -->`` is replaced by
``format_rows(parameter_rows(), "markdown")`` from :mod:`escalation_sim.present.parameters`.

Usage (from the repository root)::

    PYTHONPATH=src python scripts/update_odd_table.py           # rewrite the table
    PYTHONPATH=src python scripts/update_odd_table.py --check   # exit 1 if out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from escalation_sim.present.parameters import format_rows, parameter_rows

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"


def generated_table() -> str:
    """The parameter table as the code renders it (Markdown, no trailing newline)."""
    return format_rows(parameter_rows(), "markdown")


def split(text: str) -> tuple[str, str, str]:
    """Split a document into (text up to and incl. START, table, text from END on)."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"expected exactly one {START!r} and one {END!r} marker")
    i, j = text.index(START), text.index(END)
    if j < i:
        raise ValueError(f"{END!r} comes before {START!r}")
    cut = i + len(START)
    return text[:cut], text[cut:j], text[j:]


def current_table(text: str) -> str:
    """The table currently between the markers, without surrounding blank lines."""
    return split(text)[1].strip("\n")


def render(text: str) -> str:
    """The document with the table between the markers regenerated."""
    head, _old, tail = split(text)
    return f"{head}\n{generated_table()}\n{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=ODD, help="ODD file (default docs/ODD.md)")
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if the table is out of date"
    )
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        if new != text:
            print(f"{args.path}: parameter table is out of date", file=sys.stderr)
            return 1
        return 0
    if new != text:
        args.path.write_text(new, encoding="utf-8")
        print(f"{args.path}: parameter table updated ({len(parameter_rows())} parameters)")
    else:
        print(f"{args.path}: parameter table already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
