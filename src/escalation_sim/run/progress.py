"""Progress reporting: a live bar on a terminal, periodic plain lines in a log."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Runs done of total, runs per second and ETA.

    On an interactive terminal the line is redrawn in place; otherwise a plain
    line is printed at most every ``interval`` seconds, so logs stay readable.
    """

    def __init__(
        self,
        total: int,
        label: str = "runs",
        stream: TextIO | None = None,
        interval: float = 10.0,
        enabled: bool = True,
    ) -> None:
        self.total, self.label = total, label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 0.2 if self.tty else interval
        self.enabled = enabled
        self.done = 0
        self.start = time.perf_counter()
        self._last = -1e9

    def update(self, n: int) -> None:
        """Count ``n`` more runs done; redraw if it is time."""
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self._last >= self.interval or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = "--" if left == float("inf") else _clock(left)
        pct = 100 * self.done / self.total if self.total else 100.0
        text = (
            f"{self.done:,}/{self.total:,} {self.label} ({pct:5.1f}%)  "
            f"{rate:,.0f} {self.label}/s  ETA {eta}"
        )
        if self.tty:
            width = 24
            fill = int(width * self.done / self.total) if self.total else width
            self.stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {text}")
        else:
            self.stream.write(f"progress: {text}\n")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line on a terminal."""
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
