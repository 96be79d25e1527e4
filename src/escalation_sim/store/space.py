"""Room on this machine: free disk below a folder, memory available, and how to say it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def free_disk(path: Path) -> int | None:
    """Bytes free on the file system that holds (or would hold) ``path``; None if unknown."""
    path = Path(path).absolute()
    for folder in (path, *path.parents):
        if folder.exists():
            try:
                return shutil.disk_usage(folder).free
            except OSError:
                return None
    return None  # pragma: no cover - / always exists


def available_memory() -> int | None:
    """Bytes of memory available to a new process (Linux ``MemAvailable``); None if unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def human_bytes(n: float) -> str:
    """1.5e9 -> '1.5 GB'."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"
