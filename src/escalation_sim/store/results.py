"""The results folder: its file names, its manifest, and the one way to read it.

A results folder holds the tables of a ``run``, a ``compare`` or a ``sweep``
(``runs``, ``daily``, ``traces``, ``events``), any extra files of its kind
(``differences.csv``), and ``manifest.json``, which says what produced them and
is written last as the commit mark. File names are spelled here and nowhere
else in the package. In memory a folder is a :class:`Results`: the manifest,
the tables, and the groups they hold (scenarios, design points, or the run).
Writing a folder (who owns which file, replacing a set) is
:mod:`escalation_sim.store.folder`'s.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.engine.result import ModelResult
from escalation_sim.io.errors import InputError
from escalation_sim.store.files import atomic_write_json, git_commit, now_iso, versions
from escalation_sim.store.lock import describe, is_held, read_holder

KINDS = ("run", "compare", "sweep")
MANIFEST_KINDS = (*KINDS, "calibrate", "backtest")  # folders with a manifest, no runs table

# ---------------------------------------------------------------------- file names
TABLE_FILES = {
    "runs": "runs.parquet",  # one row per replication: the commit mark of a sweep's tables
    "daily": "daily.parquet",  # one row per day (and group): rung counts, quantiles, means
    "traces": "traces.parquet",  # daily state of the kept replications
    "events": "events.parquet",  # every move of the kept replications
    "series": "series.parquet",  # daily flows per replication over the forecast (run --series)
}
TABLES = tuple(TABLE_FILES)
MANIFEST = "manifest.json"
DIFFERENCES = "differences.csv"  # a comparison's paired differences
FAILURES = "failures.parquet"  # a sweep's failed tasks
FIGURES = "figures"  # drawn from a results folder by ``plot``
REPORT = "report.html"  # drawn from a results folder by ``report``
SCORE = "score.parquet"  # a run's forecast scored against a record, by ``score``
SCORE_FIGURES = ("reliability", "pit")  # figures/<name>.png drawn by ``score``


def table_path(out: Path, table: str) -> Path:
    """Where a results folder keeps one of its tables (``runs``, ``daily``, ...)."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    return out / TABLE_FILES[table]


def command_line() -> str:
    """The command that is running, as a user would type it again."""
    return "escalation-sim " + " ".join(sys.argv[1:]) if sys.argv else ""


def new_manifest(kind: str, command: str | None = None, **fields: Any) -> dict[str, Any]:
    """A manifest of ``kind`` with the kind's fields and where the results came from.

    Every manifest records the versions of the packages that shape results, the
    git commit of the source, when it was created and the command that made it.
    """
    if kind not in MANIFEST_KINDS:
        raise ValueError(
            f"unknown results kind {kind!r}; expected one of {', '.join(MANIFEST_KINDS)}"
        )
    return {
        "kind": kind,
        **fields,
        "versions": versions(),
        "git_commit": git_commit(),
        "created": now_iso(),
        "command": command_line() if command is None else command,
    }


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of a folder, or None when there is none (not a results folder yet)."""
    path = out / MANIFEST
    return json.loads(path.read_text()) if path.exists() else None


def read_manifest_checked(out: Path) -> dict[str, Any] | None:
    """The manifest of a folder, None when there is none; a damaged one is a located error."""
    try:
        raw = (Path(out) / MANIFEST).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read {MANIFEST}: {exc.strerror or exc}", out) from None
    return _parse_manifest(raw, Path(out))


def _parse_manifest(raw: bytes, out: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{MANIFEST} is damaged (not JSON: {exc})", out) from None
    if not isinstance(manifest, dict):
        raise InputError(f"{MANIFEST} is damaged (not a JSON object)", out)
    return manifest


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically."""
    atomic_write_json(out / MANIFEST, manifest)


def format_value(value: Any, digits: int = 3) -> str:
    """A parameter value as labels, tables and the parameter table show it.

    Floats with ``digits`` significant digits, booleans as YAML spells them,
    anything else as ``str`` does. The one formatter of parameter values.
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, float | np.floating):
        return f"{value:.{digits}g}"
    return str(value)


def short_name(path: str) -> str:
    """A swept parameter's dotted path without the obvious prefixes, for labels."""
    for prefix in ("mechanisms.migration.", "mechanisms.", "actors."):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def param_unit(path: str, config: dict[str, Any]) -> str:
    """Unit of a parameter (from its documented field), or '' if unknown."""
    from escalation_sim.config.scenario import Scenario, parameter_fields

    try:
        info = parameter_fields(Scenario.model_validate(config))[path]
    except (KeyError, ValueError, TypeError):
        return ""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("unit", ""))


# ---------------------------------------------------------------------- results
@dataclass
class Group:
    """A set of replications that belong together: a scenario, a design point or a level."""

    key: Any
    label: str
    runs: pd.DataFrame
    daily: pd.DataFrame | None  # engine daily frame (one row per day) or None if not poolable
    config: dict[str, Any]

    @property
    def start(self) -> dt.date:
        """Calendar date of day 0."""
        return _to_date(self.config["start"])

    @property
    def days(self) -> int:
        """Horizon in days."""
        return int(self.config["days"])

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.runs)


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _check_manifest(m: dict[str, Any]) -> None:
    """The manifest has what readers use: a resolved scenario per group (else ValueError)."""
    if m["kind"] == "compare":
        scenarios = m.get("scenarios")
        if not isinstance(scenarios, list) or not scenarios:
            raise ValueError(f"{MANIFEST} of a compare lacks its 'scenarios'")
        for s in scenarios:
            if not isinstance(s, dict) or not isinstance(s.get("config"), dict) or "label" not in s:
                raise ValueError(f"{MANIFEST} has a scenario without 'label' and 'config'")
    elif not isinstance(m.get("config"), dict):
        raise ValueError(f"{MANIFEST} lacks the resolved scenario ('config')")


@dataclass
class Results:
    """A results folder in memory: manifest and tables, with the groups they hold."""

    manifest: dict[str, Any]
    runs: pd.DataFrame
    daily: pd.DataFrame | None = None
    traces: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kind = self.manifest.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown results kind {kind!r}; expected one of {', '.join(KINDS)}")
        needed = {"compare": "scenario", "sweep": "design_point"}.get(kind)
        if needed is not None and needed not in self.runs.columns:
            raise ValueError(f"{kind} results need a {needed!r} column in runs")
        _check_manifest(self.manifest)

    # -------------------------------------------------------------- description
    @property
    def kind(self) -> str:
        """``run``, ``compare`` or ``sweep``."""
        return str(self.manifest["kind"])

    @property
    def group_column(self) -> str | None:
        """The runs column that identifies a group, if any."""
        return {"compare": "scenario", "sweep": "design_point"}.get(self.kind)

    @property
    def parameters(self) -> list[str]:
        """Swept parameters (dotted paths) of a sweep, in manifest order."""
        if self.kind != "sweep":
            return []
        raw = self.manifest.get("parameters") or {}
        params = [p for p in raw if isinstance(p, str)] if isinstance(raw, dict | list) else []
        if not params:  # fall back on the keys of the design points
            points = self.manifest.get("design_points") or [{}]
            params = [k for k in points[0] if k != "design_point"]
        return [p for p in params if p in self.runs.columns]

    @property
    def design(self) -> str | None:
        """Sweep design (grid, lhs, sobol, morris, explicit), if a sweep."""
        return self.manifest.get("design") if self.kind == "sweep" else None

    @property
    def name(self) -> str:
        """Scenario, experiment or comparison name."""
        m = self.manifest
        if self.kind == "sweep":
            return str(m.get("experiment") or m.get("config", {}).get("name", "sweep"))
        if self.kind == "compare":
            return " vs ".join(s["label"] for s in m.get("scenarios", []))
        return str(m.get("scenario") or m.get("config", {}).get("name", "run"))

    @property
    def seed(self) -> int | None:
        """Master seed."""
        seed = self.manifest.get("seed")
        return int(seed) if seed is not None else None

    def config_of(self, key: Any = None) -> dict[str, Any]:
        """Resolved scenario of a group (compare) or of the whole results."""
        if self.kind == "compare":
            for s in self.manifest.get("scenarios", []):
                if key is None or s["label"] == key:
                    return s["config"]
            raise KeyError(f"no scenario {key!r}")
        return self.manifest["config"]

    # -------------------------------------------------------------- groups
    def labels(self) -> list[str]:
        """Group labels in order."""
        return [g.label for g in self.groups()]

    def groups(self) -> list[Group]:
        """Scenarios (compare), design points (sweep) or the single run."""
        if self.kind == "run":
            return [Group(None, self.name, self.runs, self.daily, self.config_of())]
        if self.kind == "compare":
            out = []
            for s in self.manifest["scenarios"]:
                lab = s["label"]
                daily = (
                    self.daily[self.daily["scenario"] == lab].reset_index(drop=True)
                    if self.daily is not None
                    else None
                )
                runs = self.runs[self.runs["scenario"] == lab].reset_index(drop=True)
                out.append(Group(lab, lab, runs, daily, s["config"]))
            return out
        out = []
        for dp, runs in self.runs.groupby("design_point", sort=True):
            daily = None
            if self.daily is not None:
                daily = self.daily[self.daily["design_point"] == dp].reset_index(drop=True)
            out.append(
                Group(
                    int(dp),
                    self.point_label(int(dp)),
                    runs.reset_index(drop=True),
                    daily,
                    self.config_of(),
                )
            )
        return out

    def point_values(self, design_point: int) -> dict[str, Any]:
        """Parameter values of one design point."""
        row = self.runs.loc[self.runs["design_point"] == design_point, self.parameters]
        if row.empty:
            raise KeyError(f"no design point {design_point}")
        return {p: row.iloc[0][p] for p in self.parameters}

    def point_label(self, design_point: int) -> str:
        """'point 3: hostile_bias=0.5, patron_restraint=0'."""
        values = self.point_values(design_point)
        inner = ", ".join(f"{short_name(p)}={format_value(v)}" for p, v in values.items())
        return f"point {design_point}: {inner}"

    def by(self, param: str | None = None, max_levels: int = 5) -> tuple[list[Group], str]:
        """Groups to overlay in a figure, and what they are.

        A run: itself. A comparison: its scenarios. A sweep: replications pooled
        by level of ``param`` (default the first swept parameter); a parameter
        with more than ``max_levels`` distinct values is cut into
        ``max_levels`` bins of about equal counts (pooled over the other
        parameters). Pooled groups have no daily table.
        """
        if self.kind != "sweep":
            title = "scenario" if self.kind == "compare" else ""
            return self.groups(), title
        param = param or self.parameters[0]
        labels, order = level_labels(self.runs[param], short_name(param), max_levels)
        groups = [
            Group(lab, lab, self.runs[labels == lab].reset_index(drop=True), None, self.config_of())
            for lab in order
        ]
        return groups, short_name(param)


def level_labels(values: pd.Series, name: str, max_levels: int = 5) -> tuple[pd.Series, list[str]]:
    """Label each value by its level (few distinct values) or by its quantile bin."""
    v = values.to_numpy()
    levels = np.unique(v)
    if len(levels) <= max_levels:
        labels = {lv: f"{name} = {format_value(lv)}" for lv in levels}
        return values.map(labels), [labels[lv] for lv in levels]
    edges = bin_edges(v.astype(float), max_levels)
    idx = bin_index(v.astype(float), edges)
    names = [
        f"{name} {format_value(edges[i])}-{format_value(edges[i + 1])}"
        for i in range(len(edges) - 1)
    ]
    out = pd.Series([names[i] for i in idx], index=values.index)
    return out, [n for i, n in enumerate(names) if (idx == i).any()]


def bin_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """Edges of at most ``bins`` bins of about equal counts (quantiles, duplicates merged)."""
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        edges = np.array([values.min(), values.max()])
    return edges


def bin_index(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each value; the last bin is closed on the right."""
    return np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)


# ---------------------------------------------------------------------- save and load
def from_model(result: ModelResult, manifest: dict[str, Any]) -> Results:
    """The results of one engine run, ready to save."""
    return Results(
        manifest,
        result.runs,
        result.daily.to_frame(),
        result.traces,
        result.events,
        series=result.series,
    )


def _manifest_bytes(path: Path) -> bytes | None:
    try:
        return (path / MANIFEST).read_bytes()
    except FileNotFoundError:
        return None


def check_readable(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse results a command has not finished: a sweep whose manifest is not 'complete'."""
    status = manifest.get("status")
    if manifest.get("kind") == "sweep" and status is not None and status != "complete":
        again = str(manifest.get("command") or "escalation-sim sweep EXPERIMENT --out " + str(path))
        again += "" if "--resume" in again else " --resume"
        raise FileNotFoundError(
            f"{path}: the sweep is not complete (status {status}); see `escalation-sim status "
            f"{path}`, continue it with `{again}`"
        )


def load(path: str | Path) -> Results:
    """Read a results folder written by ``run``, ``sweep`` or ``compare``.

    The manifest is read before and after the tables: when it changed (another
    command replaced the results meanwhile) the tables are read again, so the
    manifest and the tables always belong to one and the same set.
    """
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such results folder")
    for attempt in range(6):
        raw = _manifest_bytes(path)
        if raw is None:
            if is_held(path):
                time.sleep(0.05 * 2**attempt)  # a command is moving its new results in
                continue
            raise FileNotFoundError(
                f"{path}: no {MANIFEST}; not a results folder, or the command writing it "
                "stopped before the end (run it again)"
            )
        manifest = _parse_manifest(raw, path)
        check_readable(path, manifest)
        tables = {t: _read_table(path, t, manifest) for t in TABLES}
        if _manifest_bytes(path) == raw:
            if tables["runs"] is None:
                raise FileNotFoundError(
                    f"{path}: no {table_path(path, 'runs').name}; not a complete results folder"
                )
            return Results(manifest, path=path, **tables)
    raise FileNotFoundError(
        f"{path}: another command is replacing these results ({describe(read_holder(path))}); "
        "try again when it has finished"
    )


def _read_table(path: Path, table: str, manifest: dict[str, Any]) -> pd.DataFrame | None:
    """One table, checked against the size the manifest recorded for it."""
    file = table_path(path, table)
    outputs = manifest.get("outputs")
    expected = outputs.get(file.name) if isinstance(outputs, dict) else None
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        if expected is not None:
            raise FileNotFoundError(
                f"{path}: {file.name} is missing though {MANIFEST} lists it; the folder is "
                "damaged (run the command again)"
            ) from None
        return None
    if expected is not None and size != expected:
        raise ValueError(
            f"{file.name} has {size:,} bytes, {MANIFEST} says {expected:,}: the folder is "
            "damaged (run the command again)"
        )
    return pd.read_parquet(file)
