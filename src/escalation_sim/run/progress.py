"""Progress of runs: a tqdm bar on a terminal, redrawn at least every second, with an ETA.

``run`` and ``compare`` report replications day by day inside each chunk, and so
do sweep tasks on local workers (through a queue to the parent); on Dask runs are
counted when a task finishes. Either way the bar is redrawn every second with the
elapsed time and an ETA that counts down between reports. Off a terminal (a log file) a
plain line in tqdm's format is written at most every ``interval`` seconds.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from tqdm import tqdm

TICK = 1.0  # seconds between redraws on a terminal, even without news


class Progress:
    """Runs done of ``total`` (fractions allowed), rate and ETA.

    ``update(n)`` counts ``n`` more runs; on a terminal a background thread
    redraws every :data:`TICK` seconds until :meth:`close`.
    """

    def __init__(
        self,
        total: float,
        label: str = "runs",
        stream: TextIO | None = None,
        interval: float = 10.0,
        enabled: bool = True,
    ) -> None:
        self.total, self.label = total, label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self.enabled = enabled
        self.done = 0.0
        self.start = time.perf_counter()
        self._finish: float | None = None  # expected end (perf_counter), from the pace so far
        self._last = -1e9
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.bar: tqdm | None = None
        if enabled and self.tty:
            self.bar = tqdm(
                total=total,
                unit=f" {label}",
                file=self.stream,
                dynamic_ncols=True,
                mininterval=0.2,
                bar_format="{l_bar}{bar}| {n:,.0f}/{total:,.0f}{unit} [{elapsed}{postfix}]",
            )
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def update(self, n: float) -> None:
        """Count ``n`` more runs done."""
        with self._lock:
            self.done += n
            now = time.perf_counter()
            rate = self.done / max(now - self.start, 1e-9)
            self._finish = now + (self.total - self.done) / rate if rate > 0 else None
            if self.bar is not None:
                self.bar.update(n)
                self.bar.set_postfix_str(self.postfix(now), refresh=False)
            elif self.enabled and (now - self._last >= self.interval or self.done >= self.total):
                self._last = now
                self.stream.write(f"progress: {self.line(now)}\n")
                self.stream.flush()

    def eta(self, now: float | None = None) -> float | None:
        """Seconds still expected, counting down between updates; None before the first."""
        if self._finish is None:
            return None
        now = time.perf_counter() if now is None else now
        return max(0.0, self._finish - now)

    def postfix(self, now: float | None = None) -> str:
        """Rate and ETA, as the bar shows them after the elapsed time."""
        now = time.perf_counter() if now is None else now
        rate = self.done / max(now - self.start, 1e-9)
        left = self.eta(now)
        eta = "--" if left is None else tqdm.format_interval(left)
        return f"{rate:,.0f} {self.label}/s, ETA {eta}"

    def line(self, now: float | None = None) -> str:
        """One plain progress line (for logs)."""
        now = time.perf_counter() if now is None else now
        pct = 100 * self.done / self.total if self.total else 100.0
        return (
            f"{self.done:,.0f}/{self.total:,.0f} {self.label} ({pct:5.1f}%), "
            f"elapsed {tqdm.format_interval(now - self.start)}, {self.postfix(now)}"
        )

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                if self.bar is not None:
                    self.bar.set_postfix_str(self.postfix(), refresh=False)
                    self.bar.refresh()

    def close(self) -> None:
        """Stop redrawing and finish the line."""
        self._stop.set()
        with self._lock:
            if self.bar is not None:
                if abs(self.done - self.total) < 1e-6 * max(self.total, 1):
                    self.bar.n = self.total  # day-by-day fractions add up to a hair less
                    self.bar.refresh()
                self.bar.close()
                self.bar = None
