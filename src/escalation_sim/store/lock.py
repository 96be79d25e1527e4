"""The lock of a results folder: one writer at a time, released when its holder dies.

The lock is an OS lock (``fcntl.flock``) on an open file, ``OUT/results.lock``:
the kernel drops it when the holding process exits, however it exits (SIGKILL,
power loss, a reboot), so no lock can outlive its holder and none has to be
"taken over". The file's text (host, PID, start time, command) only says who
holds it, for messages. A holder deletes the file when it lets go; a process
that locks a file just deleted notices (the path no longer names the file it
locked) and tries again, so two processes never both believe they hold it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from escalation_sim.store.files import now_iso

LOCK = "results.lock"


class FolderBusy(Exception):
    """Another live process holds the folder's lock."""

    def __init__(self, out: Path, holder: dict[str, Any]) -> None:
        self.out, self.holder = out, holder
        super().__init__(f"{out} is in use by a running command ({describe(holder)})")


def describe(holder: dict[str, Any] | None) -> str:
    """'escalation-sim run ..., PID 12 on host, started 2021-...' for messages."""
    h = holder or {}
    who = f"PID {h.get('pid', '?')} on {h.get('host', '?')}, started {h.get('started', '?')}"
    return f"{h['command']}: {who}" if h.get("command") else who


def read_holder(out: Path) -> dict[str, Any] | None:
    """The record of the last process that took the lock, or None (no lock file)."""
    try:
        data = json.loads((Path(out) / LOCK).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_held(out: Path) -> bool:
    """True when a live process holds the lock of ``out`` (a probe: takes and drops it)."""
    try:
        fd = os.open(Path(out) / LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


class FolderLock:
    """The exclusive lock of one results folder, held by this process."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.path = self.out / LOCK
        self.fd: int | None = None
        self.previous: dict[str, Any] | None = None  # a dead holder's record, if one was left

    def acquire(self, command: str) -> None:
        """Take the lock now, or raise :class:`FolderBusy` naming its live holder."""
        self.out.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise FolderBusy(self.out, read_holder(self.out) or {}) from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder deleted the file as we locked it: lock the new one
        text = os.pread(fd, 65536, 0).decode(errors="replace").strip()
        self.previous = _record(text)
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps({**me, "command": command}) + "\n").encode(), 0)
        os.fsync(fd)
        self.fd = fd

    def release(self) -> None:
        """Delete the lock file and let go (a no-op when not held)."""
        if self.fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _record(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def locked(out: Path, command: str) -> Iterator[FolderLock]:
    """Hold the lock of ``out`` for the duration of a ``with`` block."""
    lock = FolderLock(out)
    lock.acquire(command)
    try:
        yield lock
    finally:
        lock.release()
