"""Atomic writes, and the versions and commit recorded in manifests."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import stat
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.io.errors import InputError

PACKAGES = (
    "escalation-sim",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pydantic",
    "pyarrow",
    "pyyaml",
    "matplotlib",
    "SALib",
    "dask",
    "distributed",
)


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape the results."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """The commit of the source tree this package runs from, when it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    ).stdout.strip()
    return out.stdout.strip() + ("-dirty" if dirty else "")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def _destination(path: Path) -> tuple[Path, bool]:
    """Where to write ``path``: (file, True) to replace atomically, (file, False) to write through.

    A missing path or a regular file is replaced atomically; a symbolic link is
    followed (the file it names is replaced, the link stays); a character
    device or a pipe (``/dev/stdout``, ``/dev/null``) is written through, never
    replaced; a folder or any other kind of file is refused.
    """
    try:
        st = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        if path.is_symlink():  # a dangling link: write the file it names
            return Path(os.path.realpath(path)), True
        return path, True
    if stat.S_ISREG(st.st_mode):
        return (Path(os.path.realpath(path)) if path.is_symlink() else path), True
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return path, False
    what = "is a folder" if stat.S_ISDIR(st.st_mode) else "is not a regular file"
    raise InputError(f"{what}; refusing to write over it (give a file name)", path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``.

    ``-`` writes to standard output; see :func:`_destination` for links, devices and pipes.
    """
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path, atomic = _destination(Path(path))
    if not atomic:
        with open(path, "wb") as fh:
            fh.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a DataFrame as Parquet atomically (temporary name, then rename)."""
    path, atomic = _destination(Path(path))
    if not atomic:
        frame.to_parquet(path, index=False)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically, pretty-printed."""
    atomic_write_bytes(path, (json.dumps(data, indent=2, default=str) + "\n").encode())


def now_iso() -> str:
    """Current UTC time, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
