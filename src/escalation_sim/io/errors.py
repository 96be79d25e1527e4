"""Located input errors: file, line and key path of every problem."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Key = tuple[str | int, ...]

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: every
# character str.splitlines() breaks at, and every one a terminal may act on.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    r"""``text`` with control characters escaped as Python writes them (\r, \n, \x1b, ...).

    User input (keys, values, file names) goes into error messages; escaped, a message
    stays on one line and cannot move the cursor or colour the terminal.
    """
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


class InputError(Exception):
    """A problem in an input file or override, located as precisely as possible."""

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.message, self.file, self.line, self.path = message, file, line, path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        key = f"{self.path}: " if self.path else ""
        return printable(f"{where}{key}{self.message}")


@dataclass
class Source:
    """Raw mapping of a (resolved) file plus where each key path came from."""

    data: dict[str, Any]
    lines: dict[Key, tuple[str, int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def where(self, key: Key) -> tuple[str | None, int | None]:
        """File and line of the deepest known prefix of ``key``."""
        for n in range(len(key), -1, -1):
            if key[:n] in self.lines:
                return self.lines[key[:n]]
        return (self.files[-1] if self.files else None), None


def format_key(key: Key) -> str:
    """('actors', 2, 'posture') -> 'actors[2].posture'."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


Lines = dict[Key, tuple[str, int]]


def suggest(word: str, options: list[str]) -> str:
    """' (did you mean 'x'?)' for the closest option to a misspelt word, else ''."""
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
