"""Regenerate the command output quoted in README.md, so its numbers cannot go stale.

Every block of output in README.md sits between two markers:

    <!-- begin output: make run -->
    ```
    ...what the command prints...
    ```
    <!-- end output -->

The name after ``begin output:`` says which command printed the block:

* ``make run``: the recipe of the Makefile's ``run`` target (``$(BIN)/`` dropped);
* any other name, e.g. ``compare``: the ``escalation-sim compare ...`` command in the
  ``sh`` block just above the marker (only blank lines between them).

Each command runs exactly as shown, in-process (``escalation_sim.cli.main``), in a scratch
folder holding a copy of ``scenarios/``, so the files it writes do not touch ``results/``.
The block is its standard output, less the lines that report a wall time (``run`` ends
with ``results in DIR/ (1.9 s)``), which differ from one run to the next.

    python scripts/make_readme_outputs.py            # rewrite the blocks in README.md
    python scripts/make_readme_outputs.py --check    # exit 1 if README.md is stale

Rerun after any change to the model, a default or the output format, and commit the result.
``tests/docs/test_readme_outputs.py`` fails while README.md is stale.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MAKEFILE = ROOT / "Makefile"
PROGRAM = "escalation-sim"

BLOCK = re.compile(
    r"(?P<begin><!-- begin output: (?P<name>[^>]+?) -->\n)"
    r"```\n(?P<body>.*?)```\n"
    r"(?P<end><!-- end output -->)",
    re.S,
)
SH_BLOCK = re.compile(r"```sh\n(?P<body>.*?)```\n", re.S)
TIMED = re.compile(r"\(\d+(?:\.\d+)? s\)\s*$")  # "  results in DIR/ (1.9 s)"


class Block(NamedTuple):
    """One output block of the README: its name, the command behind it, what it shows."""

    name: str
    argv: tuple[str, ...]
    shown: str
    span: tuple[int, int]  # of the body, in the README's text


# ---------------------------------------------------------------------- the commands
def make_target(target: str, makefile: Path = MAKEFILE) -> tuple[str, ...]:
    """The escalation-sim command in the recipe of a Makefile target."""
    lines = makefile.read_text(encoding="utf-8").splitlines()
    start = next(
        (i for i, line in enumerate(lines) if re.match(rf"{re.escape(target)}\s*:", line)), None
    )
    if start is None:
        raise ValueError(f"{makefile.name} has no target {target!r}")
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        words = shlex.split(line.strip().replace("$(BIN)/", ""))
        if words and words[0] == PROGRAM:
            recipe.append(tuple(words))
    if len(recipe) != 1:
        raise ValueError(f"`make {target}` should run {PROGRAM} once, found {len(recipe)}")
    return recipe[0]


def command_above(text: str, position: int, name: str) -> tuple[str, ...]:
    """The ``escalation-sim NAME ...`` command of the sh block just above ``position``."""
    above = [m for m in SH_BLOCK.finditer(text, 0, position) if m.end() <= position]
    if not above or text[above[-1].end() : position].strip():
        raise ValueError(f"output block {name!r}: no ```sh block just above it")
    body = above[-1]["body"].replace("\\\n", " ")
    found = []
    for line in body.splitlines():
        words = shlex.split(line, comments=True)
        if words[:2] == [PROGRAM, name]:
            found.append(tuple(words))
    if len(found) != 1:
        raise ValueError(
            f"output block {name!r}: the sh block above it should show one "
            f"`{PROGRAM} {name}` command, found {len(found)}"
        )
    return found[0]


def blocks(text: str) -> list[Block]:
    """The README's output blocks, in order, each with its command."""
    out = []
    for m in BLOCK.finditer(text):
        name = m["name"].strip()
        if name.startswith("make "):
            argv = make_target(name.removeprefix("make ").strip())
        else:
            argv = command_above(text, m.start(), name)
        out.append(Block(name, argv, m["body"], m.span("body")))
    return out


# ---------------------------------------------------------------------- running them
@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A temporary working folder with copies of scenarios/ and data/ (commands name them
    relatively; `make run` reads the shipped posterior in data/posterior/)."""
    with tempfile.TemporaryDirectory(prefix="readme-outputs-") as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / "scenarios", folder / "scenarios")
        shutil.copytree(ROOT / "data", folder / "data")
        with contextlib.chdir(folder):
            yield folder


def output_of(argv: tuple[str, ...]) -> str:
    """What the command prints on stdout, less the lines that report a wall time.

    Runs in the current folder; raises if the command does not exit 0.
    """
    from escalation_sim.cli import main as cli_main

    if argv[0] != PROGRAM:
        raise ValueError(f"not an {PROGRAM} command: {shlex.join(argv)}")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = cli_main(list(argv[1:]))
    if status != 0:
        raise RuntimeError(f"`{shlex.join(argv)}` exited {status}")
    lines = stdout.getvalue().splitlines()
    return "".join(line + "\n" for line in lines if not TIMED.search(line))


def render(text: str) -> str:
    """README.md's text with every output block replaced by what its command prints now."""
    found = blocks(text)
    with scratch_folder():
        produced = [output_of(b.argv) for b in found]
    for b, body in sorted(zip(found, produced, strict=True), key=lambda p: -p[0].span[0]):
        text = text[: b.span[0]] + body + text[b.span[1] :]
    return text


# ---------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--check", action="store_true", help="exit 1 if the README is stale")
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    if not blocks(current):
        print(f"{args.readme}: no output blocks (<!-- begin output: ... -->)", file=sys.stderr)
        return 1
    text = render(current)
    if args.check:
        if current != text:
            sys.stderr.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{args.readme} (now)",
                    f"{args.readme} (what the commands print)",
                )
            )
            print(f"{args.readme} is stale: rerun scripts/make_readme_outputs.py", file=sys.stderr)
            return 1
        print(f"{args.readme} is up to date")
        return 0
    args.readme.write_text(text, encoding="utf-8")
    print(f"wrote {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
