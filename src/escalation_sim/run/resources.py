"""Will a run fit? Memory and disk a ``run`` or ``compare`` needs, checked before it starts.

Costs measured on the development machine (``run`` of august_2021, 180 days,
keep_traces 100): peak memory about 300 MB plus 1.3 kB per replication (the
runs table and the daily histograms grow with it); on disk about 75 bytes per
replication plus 30 kB per kept replication (traces and events). ``--series`` adds
about 36 bytes on disk per replication and forecast day (measured: 1.3 MB for 200
replications of 180 days) and, in memory, the engine's arrays, the frame and its
concatenation over chunks: about 120 bytes per replication and forecast day.
"""

from __future__ import annotations

from pathlib import Path

from escalation_sim.store import space

BASE_MEMORY = 300_000_000
MEMORY_PER_REPLICATION = 1_300
DISK_PER_REPLICATION = 75
DISK_PER_KEPT = 30_000
SERIES_MEMORY_PER_DAY = 120  # per replication and forecast day, with --series
SERIES_DISK_PER_DAY = 36


class DoesNotFit(Exception):
    """The work asked for cannot fit in this machine's memory or disk."""


def needs(replications: int, keep_traces: int, series_days: int = 0) -> tuple[int, int]:
    """(peak memory, bytes on disk) of ``replications`` runs of one scenario.

    ``series_days``: forecast days of the per-replication series kept (``run --series``).
    """
    kept = min(keep_traces, replications)
    series = replications * series_days
    memory = BASE_MEMORY + replications * MEMORY_PER_REPLICATION + series * SERIES_MEMORY_PER_DAY
    disk = replications * DISK_PER_REPLICATION + kept * DISK_PER_KEPT
    return memory, disk + series * SERIES_DISK_PER_DAY


def check_fits(
    replications: int, keep_traces: int, out: Path, what: str, series_days: int = 0
) -> None:
    """Refuse, with the numbers, work whose memory or disk need exceeds what is free."""
    memory, disk = needs(replications, keep_traces, series_days)
    have = space.available_memory()
    if have is not None and memory > have:
        raise DoesNotFit(
            f"{what} need about {space.human_bytes(memory)} of memory; this machine has "
            f"{space.human_bytes(have)} available (run fewer replications, or a sweep, "
            "which works in tasks)"
        )
    free = space.free_disk(out)
    if free is not None and disk > free:
        raise DoesNotFit(
            f"{what} need about {space.human_bytes(disk)} on disk; {out} has "
            f"{space.human_bytes(free)} free"
        )
