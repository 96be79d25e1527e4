"""Will a run fit? Memory and disk a ``run`` or ``compare`` needs, checked before it starts.

Costs measured on the development machine (``run`` of august_2021, 180 days,
keep_traces 100): peak memory about 300 MB plus 1.3 kB per replication (the
runs table and the daily histograms grow with it); on disk about 75 bytes per
replication plus 30 kB per kept replication (traces and events).
"""

from __future__ import annotations

from pathlib import Path

from escalation_sim.store import space

BASE_MEMORY = 300_000_000
MEMORY_PER_REPLICATION = 1_300
DISK_PER_REPLICATION = 75
DISK_PER_KEPT = 30_000


class DoesNotFit(Exception):
    """The work asked for cannot fit in this machine's memory or disk."""


def needs(replications: int, keep_traces: int) -> tuple[int, int]:
    """(peak memory, bytes on disk) of ``replications`` runs of one scenario."""
    kept = min(keep_traces, replications)
    memory = BASE_MEMORY + replications * MEMORY_PER_REPLICATION
    return memory, replications * DISK_PER_REPLICATION + kept * DISK_PER_KEPT


def check_fits(replications: int, keep_traces: int, out: Path, what: str) -> None:
    """Refuse, with the numbers, work whose memory or disk need exceeds what is free."""
    memory, disk = needs(replications, keep_traces)
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
