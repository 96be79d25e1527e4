"""Who owns a results folder, and how a command replaces its results there.

A command that writes a results folder (``run``, ``compare``; sweeps have their
own part-by-part protocol under the same lock) does it through a
:class:`ResultsWriter`:

* before any work it takes the folder's lock (:mod:`escalation_sim.store.lock`),
  refuses a folder that holds another kind of result or files no manifest
  accounts for, and proves the folder writable by making its private staging
  folder ``OUT/.staging-<id>/``;
* the results are written into the staging folder;
* :meth:`ResultsWriter.commit` then removes the old manifest (the folder reads
  as "being written"), removes the files the old manifest lists that the new
  results do not have, moves the new files in, and writes the new manifest
  last, listing every file it owns (``outputs``). Nothing else in the folder is
  ever touched.

Files drawn later from the results (``plot``, ``report``) are added to the
manifest's ``derived`` list, so the next command that replaces the results
removes them too (they would describe the old results).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from escalation_sim.io.errors import InputError
from escalation_sim.store.files import atomic_write_bytes, atomic_write_parquet
from escalation_sim.store.lock import LOCK, FolderBusy, FolderLock, describe
from escalation_sim.store.results import (
    DIFFERENCES,
    FAILURES,
    FIGURES,
    MANIFEST,
    REPORT,
    TABLE_FILES,
    TABLES,
    Results,
    read_manifest_checked,
    table_path,
    write_manifest,
)

STAGING = ".staging-"
# What a manifest without an ``outputs`` list (written before they existed) owned.
LEGACY_OUTPUTS = (*TABLE_FILES.values(), DIFFERENCES)
SWEEP_SIGNS = ("parts", FAILURES, "sweep.lock")


def owned_files(manifest: dict[str, Any], out: Path) -> list[str]:
    """Relative paths of every file a manifest says its command (or plot/report) wrote.

    A manifest written before manifests listed their outputs owns the tables, the
    differences, the report and the figures that plot, report and compare draw.
    """
    outputs = manifest.get("outputs")
    if isinstance(outputs, dict):
        names = list(outputs)
    else:
        names = [*LEGACY_OUTPUTS, REPORT]
        if (out / FIGURES).is_dir():
            names += [
                f"{FIGURES}/{p.name}"
                for p in (out / FIGURES).iterdir()
                if p.suffix in (".png", ".svg", ".pdf")
            ]
    derived = manifest.get("derived")
    names += [d for d in derived if isinstance(d, str)] if isinstance(derived, list) else []
    return [n for n in names if _inside(n)]


def _inside(rel: str) -> bool:
    """A plain relative path below the folder (no '..', not absolute)."""
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts


def _what(manifest: dict[str, Any]) -> str:
    name = manifest.get("scenario") or manifest.get("experiment") or ""
    if manifest.get("kind") == "compare":
        name = " vs ".join(str(s.get("label")) for s in manifest.get("scenarios", []))
    seed = manifest.get("seed")
    bits = [str(name)] if name else []
    bits += [f"seed {seed}"] if seed is not None else []
    bits += [f"made {manifest['created']}"] if manifest.get("created") else []
    return f"{manifest.get('kind', '?')} ({', '.join(bits)})"


def check_folder(out: Path, kind: str) -> dict[str, Any] | None:
    """The folder's current manifest, once ``out`` is known to be safe to replace for ``kind``.

    Refused (:class:`InputError`): a path that is not a folder, a folder holding
    another kind of result (a sweep, a calibration, ...), a sweep that never
    wrote its manifest, an unreadable manifest, and files of ours that no
    manifest accounts for (someone else's, or a killed writer's).
    """
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", out)
    if not out.exists():
        return None
    manifest = read_manifest_checked(out)
    if manifest is not None:
        if manifest.get("kind") != kind:
            raise InputError(
                f"holds the results of a {_what(manifest)}, not of a {kind}; refusing to "
                "overwrite them: choose another --out, or delete the folder first",
                out,
            )
        return manifest
    signs = [s for s in SWEEP_SIGNS if (out / s).exists()]
    if signs:
        raise InputError(
            f"holds an unfinished sweep ({', '.join(signs)}); continue it with `escalation-sim "
            "sweep EXPERIMENT --out` this folder `--resume`, or choose another --out",
            out,
        )
    ours = [n for n in (*TABLE_FILES.values(), DIFFERENCES) if (out / n).exists()]
    if ours:
        raise InputError(
            f"holds {', '.join(ours)} but no {MANIFEST} saying which command wrote them (a "
            "command stopped half-way, or someone else's files); move them away or choose "
            "another --out",
            out,
        )
    return None


class ResultsWriter:
    """Replace the results in ``out`` as one set, holding the folder's lock throughout."""

    def __init__(self, out: Path, kind: str, command: str = "") -> None:
        self.out, self.kind, self.command = Path(out), kind, command
        self.lock = FolderLock(self.out)
        self.staging: Path | None = None
        self.previous: dict[str, Any] | None = None

    def __enter__(self) -> ResultsWriter:
        if self.out.exists() and not self.out.is_dir():
            raise InputError("exists and is not a folder", self.out)
        try:
            self.lock.acquire(self.command)
        except FolderBusy as exc:
            raise InputError(
                f"in use by a running command ({describe(exc.holder)}); wait for it to "
                "finish or choose another --out",
                self.out,
            ) from None
        except OSError as exc:
            raise InputError(f"cannot write here: {exc.strerror or exc}", self.out) from None
        try:
            self.previous = check_folder(self.out, self.kind)
            self._clean_stale_staging()
            self.staging = self.out / f"{STAGING}{uuid.uuid4().hex[:12]}"
            self.staging.mkdir()
            atomic_write_bytes(self.staging / ".probe", b"")  # writable, before any work
        except OSError as exc:
            self.__exit__()
            raise InputError(f"cannot write here: {exc.strerror or exc}", self.out) from None
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self.lock.release()

    def _clean_stale_staging(self) -> None:
        """Staging folders of killed writers (we hold the lock: none is in use)."""
        for old in self.out.glob(f"{STAGING}*"):
            shutil.rmtree(old, ignore_errors=True)
        for tmp in self.out.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    def stage(self, res: Results, files: Mapping[str, bytes] | None = None) -> Path:
        """Write the results' tables and extra files into the staging folder."""
        assert self.staging is not None, "use ResultsWriter in a with block"
        for table in TABLES:
            frame = getattr(res, table)
            if frame is not None:
                atomic_write_parquet(table_path(self.staging, table), frame)
        for name, data in (files or {}).items():
            atomic_write_bytes(self.staging / name, data)
        return self.staging

    def commit(self, res: Results) -> list[str]:
        """Move the staged set in place of the old one; return the old files replaced."""
        assert self.staging is not None, "use ResultsWriter in a with block"
        (self.staging / ".probe").unlink(missing_ok=True)
        new = sorted(
            p.relative_to(self.staging).as_posix() for p in self.staging.rglob("*") if p.is_file()
        )
        old = owned_files(self.previous, self.out) if self.previous is not None else []
        self._check_collisions(new, set(old))
        (self.out / MANIFEST).unlink(missing_ok=True)
        _fsync_dir(self.out)
        replaced = [rel for rel in old if _remove_owned(self.out, rel)]
        for rel in new:
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / rel, target)
            _fsync_dir(target.parent)
        res.manifest["outputs"] = {rel: (self.out / rel).stat().st_size for rel in new}
        res.manifest["write_id"] = uuid.uuid4().hex
        write_manifest(self.out, res.manifest)
        _fsync_dir(self.out)
        res.path = self.out
        return replaced

    def _check_collisions(self, new: list[str], old: set[str]) -> None:
        for rel in new:
            target = self.out / rel
            if rel not in old and (target.exists() or target.is_symlink()):
                raise InputError(
                    f"{rel} is in the way and no manifest says this program wrote it; "
                    "move it away or choose another --out",
                    self.out,
                )


def _remove_owned(out: Path, rel: str) -> bool:
    """Remove one file a manifest lists (a regular file only); prune emptied folders."""
    path = out / rel
    if path.is_symlink() or not path.is_file():
        return False
    path.unlink()
    parent = path.parent
    while parent != out:
        with contextlib.suppress(OSError):
            parent.rmdir()  # only when empty
        parent = parent.parent
    return True


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def save(out: Path, res: Results, files: Mapping[str, bytes] | None = None) -> list[str]:
    """Write a results folder as one set (see :class:`ResultsWriter`); return what it replaced."""
    with ResultsWriter(out, res.kind) as writer:
        writer.stage(res, files)
        return writer.commit(res)


def record_derived(
    out: Path,
    written: list[Path],
    command: str = "",
    fields: Mapping[str, Any] | None = None,
) -> None:
    """Add files drawn from the results in ``out`` to its manifest's ``derived`` list.

    Files outside ``out`` are not the folder's and are not recorded. ``fields`` are
    set in the manifest alongside (e.g. what ``score`` compared and the latest
    observation it used); the next command that replaces the results drops them.
    """
    out = Path(out)
    root = out.resolve()
    rels = []
    for path in written:
        with contextlib.suppress(ValueError):
            rels.append(Path(path).resolve().relative_to(root).as_posix())
    if not rels:
        return
    with FolderLock(out) as lock:
        try:
            lock.acquire(command)
        except (FolderBusy, OSError):
            return  # a writer replacing the results clears old derived files; or read-only
        manifest = read_manifest_checked(out)
        if manifest is None:
            return
        derived = manifest.get("derived") if isinstance(manifest.get("derived"), list) else []
        manifest["derived"] = sorted({*derived, *rels})
        manifest.update(fields or {})
        write_manifest(out, manifest)


CSV_TABLES = ("runs", "daily", "events")  # ``export --format csv`` writes <table>.csv


def export_csv(res: Results, out: Path, command: str = "") -> list[Path]:
    """Write runs.csv, daily.csv and events.csv (those the results have) into ``out``.

    Each file is written atomically. In the results' own folder they are recorded
    as derived files, so the next command that replaces the results removes them.
    """
    written = []
    for table in CSV_TABLES:
        frame = getattr(res, table)
        if frame is None:
            continue
        path = Path(out) / f"{table}.csv"
        atomic_write_bytes(path, frame.to_csv(index=False).encode("utf-8"))
        written.append(path)
    if res.path is not None:
        record_derived(res.path, written, command)
    return written


def replaced_note(out: Path, previous: dict[str, Any] | None, replaced: list[str]) -> str | None:
    """What a command says when its results replaced earlier ones, or None."""
    if not replaced or previous is None:
        return None
    more = f" and {len(replaced) - 4} more" if len(replaced) > 4 else ""
    shown = ", ".join(replaced[:4]) + more
    return f"note: replaced the earlier {_what(previous)} in {out}/ ({shown})"


__all__ = [
    "LOCK",
    "ResultsWriter",
    "check_folder",
    "export_csv",
    "owned_files",
    "record_derived",
    "replaced_note",
    "save",
]
