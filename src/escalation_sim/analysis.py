"""Outcome analysis: pure data preparation for the figures, tables and reports.

Nothing here draws or prints. Every function takes results (a
:class:`Results` read from a results folder, or plain DataFrames) and returns
numbers or DataFrames, each with its uncertainty:

* proportions with Wilson 95% intervals (``scipy.stats.binomtest``);
* time to the first incident as a Kaplan-Meier estimate, right-censored at
  the horizon, with a log-log (Kalbfleisch-Prentice) Greenwood band
  (``scipy.stats.ecdf`` on ``scipy.stats.CensoredData``);
* daily fan-chart bands read from the stored daily quantiles, and the daily
  rung distribution from the exact daily rung counts;
* paired differences between scenarios run with common random numbers, with a
  paired bootstrap percentile interval (replication pairs resampled, fixed seed);
* Sobol or Morris sensitivity indices (SALib) of the per-design-point means,
  with the share of their variance that replication noise alone would produce.

A results folder is one of three kinds (``manifest["kind"]``): ``run`` (one
scenario), ``compare`` (several scenarios with the same seeds; ``runs`` has a
``scenario`` column) or ``sweep`` (design points; ``runs`` has a
``design_point`` column and one column per swept parameter).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from escalation_sim.outcomes import N_RUNGS, QUANTILES, wilson_interval

KINDS = ("run", "compare", "sweep")
CONFIDENCE = 0.95


# ---------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class Metric:
    """One per-replication outcome and the statistic that summarises it."""

    name: str
    label: str  # what the number is, for tables
    unit: str
    statistic: str  # "proportion", "mean" or "median"
    values: Callable[[pd.DataFrame], np.ndarray]

    def of(self, runs: pd.DataFrame) -> float:
        """The statistic over a runs table."""
        v = self.values(runs)
        if len(v) == 0:
            return float("nan")
        return float(np.median(v)) if self.statistic == "median" else float(np.mean(v))


def _column(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda runs: runs[name].to_numpy(dtype=float)


METRICS: dict[str, Metric] = {
    "armed_incident": Metric(
        "armed_incident",
        "P(armed incident)",
        "probability",
        "proportion",
        lambda r: r["armed_incident"].to_numpy(dtype=float),
    ),
    "nonlethal_clash": Metric(
        "nonlethal_clash",
        "P(non-lethal clash)",
        "probability",
        "proportion",
        lambda r: (r["nonlethal_clashes"].to_numpy() > 0).astype(float),
    ),
    "max_rung": Metric(
        "max_rung", "median highest rung", "rung 0-6", "median", _column("max_rung")
    ),
    "sanctions_packages": Metric(
        "sanctions_packages",
        "mean new sanctions packages",
        "packages",
        "mean",
        _column("sanctions_packages"),
    ),
    "arrivals": Metric("arrivals", "mean migrant arrivals", "persons", "mean", _column("arrivals")),
}
COMPARE_METRICS = (
    "armed_incident",
    "nonlethal_clash",
    "max_rung",
    "sanctions_packages",
    "arrivals",
)

# Per-replication outcomes shown as distributions: column -> (axis label with unit).
DISTRIBUTIONS: dict[str, str] = {
    "max_rung": "Highest rung reached (escalation ladder, 0-6)",
    "sanctions_packages": "New sanctions packages adopted (count)",
    "arrivals": "Migrant arrivals over the horizon (persons)",
    "stranded_peak": "Peak stranded between the lines (persons)",
}

# Time-to-event outcomes: name -> (runs column of the first day, label).
FIRST_EVENTS: dict[str, tuple[str, str]] = {
    "armed_incident": ("first_armed_incident_day", "armed incident"),
    "nonlethal_clash": ("first_nonlethal_clash_day", "non-lethal clash"),
}

RUNG_LABELS = (
    "0 no hostile act",
    "1 rhetoric",
    "2 coercion",
    "3 militarised posture",
    "4 non-lethal clash",
    "5 armed incident",
    "6 armed conflict",
)


def short_name(path: str) -> str:
    """A swept parameter's dotted path without the obvious prefixes, for labels."""
    for prefix in ("mechanisms.migration.", "mechanisms.", "actors."):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def format_value(value: Any) -> str:
    """A parameter value, short: 3 significant digits for floats."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, float | np.floating):
        return f"{value:.3g}"
    return str(value)


def param_unit(path: str, config: dict[str, Any]) -> str:
    """Unit of a parameter (from its documented field), or '' if unknown."""
    from escalation_sim.config import Scenario, parameter_fields

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


@dataclass
class Results:
    """A results folder in memory: manifest and tables, with the groups they hold."""

    manifest: dict[str, Any]
    runs: pd.DataFrame
    daily: pd.DataFrame | None = None
    traces: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kind = self.manifest.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown results kind {kind!r}; expected one of {', '.join(KINDS)}")
        needed = {"compare": "scenario", "sweep": "design_point"}.get(kind)
        if needed is not None and needed not in self.runs.columns:
            raise ValueError(f"{kind} results need a {needed!r} column in runs")

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


def load(path: str | Path) -> Results:
    """Read a results folder written by ``run``, ``sweep`` or ``compare``."""
    from escalation_sim.store import load_results

    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such results folder")
    data = load_results(path)
    if data["runs"] is None:
        raise FileNotFoundError(f"{path}: no runs.parquet; not a complete results folder")
    return Results(
        data["manifest"], data["runs"], data["daily"], data["traces"], data["events"], path
    )


# ---------------------------------------------------------------------- proportions
def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials (``binomtest(...).proportion_ci``)."""
    return wilson_interval(int(k), int(n), confidence)


def proportion(values: np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> dict[str, float]:
    """k, n, p and its Wilson interval for a boolean array."""
    v = np.asarray(values, dtype=bool)
    k, n = int(v.sum()), len(v)
    lo, hi = wilson(k, n, confidence)
    return {"k": k, "n": n, "p": k / n if n else float("nan"), "low": lo, "high": hi}


def outcome_table(groups: Sequence[Group]) -> pd.DataFrame:
    """Headline outcomes per group, each with its interval."""
    rows = []
    for g in groups:
        r = g.runs
        armed = proportion(r["armed_incident"])
        clash = proportion(r["nonlethal_clashes"] > 0)
        rung = r["max_rung"].quantile([0.05, 0.5, 0.95], interpolation="lower")
        first = r["first_armed_incident_day"]
        rows.append(
            {
                "group": g.label,
                "replications": g.n,
                "p_armed_incident": armed["p"],
                "p_armed_incident_low": armed["low"],
                "p_armed_incident_high": armed["high"],
                "p_nonlethal_clash": clash["p"],
                "p_nonlethal_clash_low": clash["low"],
                "p_nonlethal_clash_high": clash["high"],
                "median_first_armed_day": float(first.median()) if first.notna().any() else np.nan,
                "max_rung_median": int(rung.loc[0.5]),
                "max_rung_q05": int(rung.loc[0.05]),
                "max_rung_q95": int(rung.loc[0.95]),
                "sanctions_packages_mean": float(r["sanctions_packages"].mean()),
                "sanctions_packages_q05": float(r["sanctions_packages"].quantile(0.05)),
                "sanctions_packages_q95": float(r["sanctions_packages"].quantile(0.95)),
                "arrivals_median": float(r["arrivals"].median()),
                "arrivals_q05": float(r["arrivals"].quantile(0.05)),
                "arrivals_q95": float(r["arrivals"].quantile(0.95)),
            }
        )
    return pd.DataFrame(rows)


def risk_table(
    runs: pd.DataFrame,
    param: str,
    outcome: str = "armed_incident",
    by: str | None = None,
    bins: int = 6,
    max_levels: int = 12,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """P(outcome) against a swept parameter, with Wilson intervals.

    With at most ``max_levels`` distinct values of ``param`` each value is a
    row; otherwise replications are pooled into ``bins`` bins of about equal
    counts and ``x`` is the mean parameter value in the bin (a marginal curve,
    averaged over the other parameters). With ``by``, one curve per value of
    that parameter (column ``by_value``).
    """
    hit = METRICS[outcome].values(runs).astype(bool)
    x = runs[param].to_numpy(dtype=float)
    levels = np.unique(x)
    if len(levels) <= max_levels:
        key = x
        binned = False
    else:
        key = bin_index(x, bin_edges(x, bins)).astype(float)
        binned = True
    frame = pd.DataFrame({"key": key, "x": x, "hit": hit})
    frame["by_value"] = runs[by].to_numpy() if by is not None else 0
    rows = []
    for (bv, _k), part in frame.groupby(["by_value", "key"], sort=True):
        pr = proportion(part["hit"].to_numpy(), confidence)
        rows.append(
            {
                "by_value": bv if by is not None else None,
                "x": float(part["x"].mean()),
                "x_low": float(part["x"].min()),
                "x_high": float(part["x"].max()),
                "replications": pr["n"],
                "events": pr["k"],
                "p": pr["p"],
                "low": pr["low"],
                "high": pr["high"],
                "binned": binned,
            }
        )
    return pd.DataFrame(rows)


def rung_shares_with_ci(runs: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Share of replications by highest rung (0-6), with Wilson intervals."""
    counts = np.bincount(runs["max_rung"].to_numpy(dtype=int), minlength=N_RUNGS)[:N_RUNGS]
    n = int(counts.sum())
    rows = []
    for r, k in enumerate(counts):
        lo, hi = wilson(int(k), n, confidence)
        rows.append(
            {"value": r, "k": int(k), "n": n, "p": k / n if n else np.nan, "low": lo, "high": hi}
        )
    return pd.DataFrame(rows)


def count_shares_with_ci(
    values: np.ndarray, confidence: float = CONFIDENCE, support: Sequence[int] | None = None
) -> pd.DataFrame:
    """Share of replications at each integer value, with Wilson intervals."""
    v = np.asarray(values, dtype=int)
    support = list(support) if support is not None else list(range(v.min(), v.max() + 1))
    n = len(v)
    rows = []
    for value in support:
        k = int((v == value).sum())
        lo, hi = wilson(k, n, confidence)
        rows.append(
            {"value": value, "k": k, "n": n, "p": k / n if n else np.nan, "low": lo, "high": hi}
        )
    return pd.DataFrame(rows)


def dkw_band(n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the Dvoretzky-Kiefer-Wolfowitz confidence band of an ECDF."""
    return float(np.sqrt(np.log(2 / (1 - confidence)) / (2 * max(n, 1))))


def heatmap_table(
    runs: pd.DataFrame,
    x: str,
    y: str,
    outcome: str = "armed_incident",
    bins: int = 5,
    max_levels: int = 8,
    confidence: float = CONFIDENCE,
) -> dict[str, Any]:
    """P(outcome) over two swept parameters: cells of levels (or quantile bins).

    Returns ``p``, ``low``, ``high``, ``n`` as (len(y levels), len(x levels))
    arrays, and the tick labels of both axes.
    """
    hit = METRICS[outcome].values(runs).astype(bool)
    axes = {}
    for name in (x, y):
        v = runs[name].to_numpy(dtype=float)
        levels = np.unique(v)
        if len(levels) <= max_levels:
            idx = np.searchsorted(levels, v)
            ticks = [format_value(lv) for lv in levels]
        else:
            edges = bin_edges(v, bins)
            idx = bin_index(v, edges)
            ticks = [
                f"{format_value(edges[i])}-{format_value(edges[i + 1])}"
                for i in range(len(edges) - 1)
            ]
        axes[name] = (idx, ticks)
    (ix, xt), (iy, yt) = axes[x], axes[y]
    shape = (len(yt), len(xt))
    n = np.zeros(shape, int)
    k = np.zeros(shape, int)
    np.add.at(n, (iy, ix), 1)
    np.add.at(k, (iy, ix), hit.astype(int))
    p = np.full(shape, np.nan)
    low = np.full(shape, np.nan)
    high = np.full(shape, np.nan)
    for i, j in zip(*np.nonzero(n), strict=True):
        p[i, j] = k[i, j] / n[i, j]
        low[i, j], high[i, j] = wilson(k[i, j], n[i, j], confidence)
    return {"p": p, "low": low, "high": high, "n": n, "k": k, "x_ticks": xt, "y_ticks": yt}


# ---------------------------------------------------------------------- survival
@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier estimate of P(no event by the end of day t), with a band.

    ``day`` are the day indices (0 = start) at which the estimate steps;
    between steps it is constant; before the first step it is 1.
    """

    day: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int
    events: int
    horizon: int  # days simulated; replications without an event are censored at the last day
    confidence: float = CONFIDENCE

    def at(self, day: float) -> float:
        """Estimated P(no event on days 0..day)."""
        i = np.searchsorted(self.day, day, side="right") - 1
        return 1.0 if i < 0 else float(self.survival[i])

    @property
    def risk(self) -> float:
        """P(event within the horizon) = 1 - S(last day)."""
        return 1.0 - self.at(self.horizon - 1)

    @property
    def median_day(self) -> float:
        """First day by which half the replications had the event (NaN if never)."""
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.day[below[0]]) if len(below) else float("nan")


def kaplan_meier(
    first_day: np.ndarray | pd.Series, horizon: int, confidence: float = CONFIDENCE
) -> KaplanMeier:
    """Kaplan-Meier estimate of the time to a first event.

    ``first_day`` is the day index (0-based) of each replication's first
    event, NaN where it never happened; those replications are right-censored
    at the last simulated day ``horizon - 1``. An event on the last day counts
    before censoring, so ``1 - S(horizon - 1)`` equals the share with an event.
    The band is scipy's log-log Greenwood interval; where the estimate is 0
    the band is 0 (the formula is undefined there).
    """
    t = np.asarray(first_day, dtype=float)
    observed = t[~np.isnan(t)]
    n = len(t)
    if n == 0:
        raise ValueError("no replications")
    if len(observed) and (observed.min() < 0 or observed.max() > horizon - 1):
        raise ValueError(f"event days must lie in 0 .. {horizon - 1}")
    if len(observed) == 0:
        empty = np.array([], dtype=float)
        return KaplanMeier(empty, empty, empty, empty, n, 0, horizon, confidence)
    censored = np.full(n - len(observed), horizon - 1, dtype=float)
    res = stats.ecdf(stats.CensoredData(uncensored=observed, right=censored))
    sf = res.sf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where S = 0; handled below
        ci = sf.confidence_interval(confidence, method="log-log")
    day = np.asarray(sf.quantiles, dtype=float)
    s = np.asarray(sf.probabilities, dtype=float)
    low = np.asarray(ci.low.probabilities, dtype=float)
    high = np.asarray(ci.high.probabilities, dtype=float)
    zero = s <= 0
    low = np.where(zero, 0.0, low)
    high = np.where(zero, 0.0, high)
    keep = np.isin(day, np.unique(observed))  # steps only at event days, not at censoring
    return KaplanMeier(
        day[keep], s[keep], low[keep], high[keep], n, len(observed), horizon, confidence
    )


def survival_of(group: Group, event: str = "armed_incident") -> KaplanMeier:
    """Kaplan-Meier estimate of the first ``event`` (see :data:`FIRST_EVENTS`) of a group."""
    column, _label = FIRST_EVENTS[event]
    return kaplan_meier(group.runs[column].to_numpy(dtype=float), group.days)


# ---------------------------------------------------------------------- daily
FAN_SERIES: dict[str, str] = {
    "rung": "Highest rung today (0-6)",
    "tension": "Tension (mutual perceived threat, 0-1)",
    "clash_hazard": "P(a clash somewhere today)",
    "sanctions_level": "Sanctions packages in force (count)",
    "arrivals": "Cumulative migrant arrivals (persons)",
}


def fan(daily: pd.DataFrame, series: str) -> pd.DataFrame:
    """Date, q05, q25, q50, q75, q95 of a daily series (rung: from the rung counts)."""
    if series == "rung":
        return rung_quantiles(daily)
    cols = {f"q{round(q * 100):02d}": f"{series}_q{round(q * 100):02d}" for q in QUANTILES}
    missing = [c for c in cols.values() if c not in daily.columns]
    if missing:
        raise KeyError(f"daily table has no {series!r} quantiles")
    out = pd.DataFrame({"date": pd.to_datetime(daily["date"])})
    for short, col in cols.items():
        out[short] = daily[col].to_numpy(dtype=float)
    out["mean"] = daily[f"{series}_mean"].to_numpy(dtype=float)
    return out


def rung_counts(daily: pd.DataFrame, who: str = "all") -> np.ndarray:
    """(days, 7) replications at each rung per day (overall highest rung, or one border)."""
    return np.stack([daily[f"rung{r}_{who}"].to_numpy() for r in range(N_RUNGS)], axis=1)


def rung_quantiles(daily: pd.DataFrame, who: str = "all") -> pd.DataFrame:
    """Daily quantiles of the highest rung, exact from the rung counts (lower quantile)."""
    counts = rung_counts(daily, who)
    cum = np.cumsum(counts, axis=1)
    total = cum[:, -1:]
    out = pd.DataFrame({"date": pd.to_datetime(daily["date"])})
    for q in QUANTILES:
        out[f"q{round(q * 100):02d}"] = np.argmax(cum >= np.ceil(q * total), axis=1).astype(float)
    out["mean"] = (counts * np.arange(N_RUNGS)).sum(axis=1) / np.maximum(total[:, 0], 1)
    return out


def rung_shares(daily: pd.DataFrame, who: str = "all") -> pd.DataFrame:
    """Share of replications at each rung per day (columns 0..6), with the date."""
    counts = rung_counts(daily, who).astype(float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    out = pd.DataFrame(shares, columns=list(range(N_RUNGS)))
    out.insert(0, "date", pd.to_datetime(daily["date"]).to_numpy())
    return out


@dataclass(frozen=True)
class ScheduledEvent:
    """A scenario event to mark on time axes."""

    kind: str  # exercise, supply_cut, crisis_meeting, sanctions_round
    label: str
    start: dt.date
    end: dt.date | None  # inclusive last day for windows; None for one-day events


def scenario_events(config: dict[str, Any]) -> list[ScheduledEvent]:
    """The dated events of a resolved scenario, labelled for a time axis."""
    out = []
    horizon_end = _to_date(config["start"]) + dt.timedelta(days=int(config["days"]) - 1)
    for ev in config.get("events") or []:
        kind = ev["type"]
        name = (ev.get("name") or kind).replace("_", " ")
        if kind == "exercise":
            out.append(
                ScheduledEvent(
                    kind, f"exercise: {name}", _to_date(ev["start"]), _to_date(ev["end"])
                )
            )
        elif kind == "supply_cut":
            end = _to_date(ev["end"]) if ev.get("end") else horizon_end
            factor = float(ev.get("factor", 0.2))
            out.append(
                ScheduledEvent(kind, f"supply cut to {factor:.0%}", _to_date(ev["start"]), end)
            )
        elif kind == "crisis_meeting":
            out.append(
                ScheduledEvent(kind, f"{ev['actor']} crisis meeting", _to_date(ev["date"]), None)
            )
        elif kind == "sanctions_round":
            out.append(
                ScheduledEvent(kind, f"{ev['actor']} sanctions round", _to_date(ev["date"]), None)
            )
    return out


# ---------------------------------------------------------------------- paired comparison
def paired_differences(
    a: pd.DataFrame,
    b: pd.DataFrame,
    metrics: Sequence[str] = COMPARE_METRICS,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Differences B - A of each metric, with a paired bootstrap percentile interval.

    Replication ``i`` of A and of B ran from the same seeds (common random
    numbers), so the pairs (A_i, B_i) are resampled together: ``n_boot``
    resamples of the replication indices with a fixed ``seed``, the statistic
    computed on A and B of each resample, the interval read from the
    percentiles of the differences. For proportions, ``a_only``/``b_only``
    count the discordant pairs (event in A only, in B only).
    """
    a = a.sort_values("replication").reset_index(drop=True)
    b = b.sort_values("replication").reset_index(drop=True)
    if len(a) != len(b) or not np.array_equal(a["replication"], b["replication"]):
        raise ValueError("paired comparison needs the same replications in A and B")
    n = len(a)
    if n < 2:
        raise ValueError("paired comparison needs at least two replications")
    rng = np.random.default_rng(seed)
    values = {m: (METRICS[m].values(a), METRICS[m].values(b)) for m in metrics}
    boot = {m: np.empty(n_boot) for m in metrics}
    chunk = max(1, min(n_boot, 2_000_000 // n))
    for first in range(0, n_boot, chunk):
        size = min(chunk, n_boot - first)
        idx = rng.integers(0, n, size=(size, n))
        for m in metrics:
            va, vb = values[m]
            if METRICS[m].statistic == "median":
                d = np.median(vb[idx], axis=1) - np.median(va[idx], axis=1)
            else:
                d = (vb - va)[idx].mean(axis=1)
            boot[m][first : first + size] = d
    alpha = 1 - confidence
    rows = []
    for m in metrics:
        metric = METRICS[m]
        va, vb = values[m]
        est_a, est_b = metric.of(a), metric.of(b)
        lo, hi = np.quantile(boot[m], [alpha / 2, 1 - alpha / 2])
        row = {
            "metric": m,
            "label": metric.label,
            "unit": metric.unit,
            "a": est_a,
            "b": est_b,
            "difference": est_b - est_a,
            "low": float(lo),
            "high": float(hi),
            "changed_pairs": int((va != vb).sum()),
        }
        if metric.statistic == "proportion":
            row["a_only"] = int(((va == 1) & (vb == 0)).sum())
            row["b_only"] = int(((va == 0) & (vb == 1)).sum())
        row["detected"] = bool(not (lo <= 0 <= hi))
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["method"] = (
        f"paired bootstrap: {n_boot} resamples of the {n} replication pairs (seed {seed}), "
        f"{confidence:.0%} percentile interval"
    )
    return out


# ---------------------------------------------------------------------- sensitivity
SENSITIVITY_OUTCOMES = (
    "armed_incident",
    "nonlethal_clash",
    "max_rung",
    "sanctions_packages",
    "arrivals",
)


@dataclass
class Sensitivity:
    """Sensitivity indices of one outcome's per-design-point means."""

    method: str  # "sobol" or "morris"
    outcome: str
    label: str
    table: pd.DataFrame  # one row per parameter
    n_points: int
    replications_min: int
    replications_max: int
    variance: float  # variance of the per-design-point means
    noise_variance: float  # its expected part from replication noise alone
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def noise_share(self) -> float:
        """Share of the variance of the design-point means that replication noise explains."""
        if not self.variance > 0:
            return float("nan")
        return float(min(1.0, self.noise_variance / self.variance))


def point_means(res: Results, outcome: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-design-point means, within-point variances and replication counts, in point order."""
    metric = METRICS[outcome]
    points = [int(p["design_point"]) for p in res.manifest.get("design_points", [])]
    if not points:
        points = sorted(int(p) for p in res.runs["design_point"].unique())
    frame = pd.DataFrame({"dp": res.runs["design_point"].to_numpy(), "y": metric.values(res.runs)})
    grouped = frame.groupby("dp")["y"]
    mean, var, n = grouped.mean(), grouped.var(ddof=1), grouped.size()
    missing = [p for p in points if p not in n.index]
    if missing:
        raise ValueError(f"design point(s) without replications: {missing[:5]}")
    return (
        mean.reindex(points).to_numpy(dtype=float),
        var.reindex(points).fillna(0).to_numpy(dtype=float),
        n.reindex(points).to_numpy(dtype=int),
    )


def sensitivity(
    res: Results,
    outcome: str = "armed_incident",
    *,
    num_resamples: int = 1000,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> Sensitivity:
    """Sobol or Morris indices (SALib) of the per-design-point means of ``outcome``.

    The design points must be the SALib sample in its order (the sweep writes
    them so) and ``manifest["salib_problem"]`` the SALib problem. Proportions
    are analysed as per-point shares, the others as per-point means (the
    median highest rung is a poor per-point summary, so ``max_rung`` uses the mean).
    """
    method = res.design
    if method not in ("sobol", "morris"):
        raise ValueError(
            f"sensitivity indices need a sobol or morris experiment; this is {res.kind}"
            + (f" ({method})" if method else "")
        )
    problem = res.manifest.get("salib_problem")
    if not problem:
        raise ValueError("the manifest has no salib_problem")
    problem = {k: problem[k] for k in ("num_vars", "names", "bounds")}
    y, within, n = point_means(res, outcome)
    noise = float(np.mean(within / n))
    variance = float(np.var(y, ddof=1)) if len(y) > 1 else 0.0
    names = list(problem["names"])
    label = METRICS[outcome].label.replace("median highest rung", "mean highest rung")
    common = {
        "outcome": outcome,
        "label": label,
        "n_points": len(y),
        "replications_min": int(n.min()),
        "replications_max": int(n.max()),
        "variance": variance,
        "noise_variance": noise,
    }
    if not variance > 1e-12 * max(1.0, float(np.mean(y)) ** 2):
        table = pd.DataFrame({"parameter": names})
        for col in (
            ("S1", "S1_conf", "ST", "ST_conf")
            if method == "sobol"
            else ("mu", "mu_star", "mu_star_conf", "sigma")
        ):
            table[col] = np.nan
        return Sensitivity(method, table=table, extra={"constant": True}, **common)
    if method == "sobol":
        from SALib.analyze import sobol

        second = bool(res.manifest.get("calc_second_order", False))
        si, notes = _salib(
            "sobol.analyze",
            lambda: sobol.analyze(
                problem,
                y,
                calc_second_order=second,
                num_resamples=num_resamples,
                conf_level=confidence,
                seed=seed,
            ),
        )
        table = pd.DataFrame(
            {
                "parameter": names,
                "S1": si["S1"],
                "S1_conf": si["S1_conf"],
                "ST": si["ST"],
                "ST_conf": si["ST_conf"],
            }
        )
        extra: dict[str, Any] = {"calc_second_order": second, "warnings": notes}
        if second:
            extra["S2"] = np.asarray(si["S2"])
            extra["S2_conf"] = np.asarray(si["S2_conf"])
        return Sensitivity(method, table=table, extra=extra, **common)
    from SALib.analyze import morris

    x = np.array(
        [[float(p[name]) for name in names] for p in res.manifest["design_points"]], dtype=float
    )
    levels = int(res.manifest.get("num_levels", 4))
    si, notes = _salib(
        "morris.analyze",
        lambda: morris.analyze(
            problem,
            x,
            y,
            num_resamples=num_resamples,
            conf_level=confidence,
            num_levels=levels,
            seed=seed,
        ),
    )
    table = pd.DataFrame(
        {
            "parameter": names,
            "mu": np.asarray(si["mu"], dtype=float),
            "mu_star": np.asarray(si["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
            "sigma": np.asarray(si["sigma"], dtype=float),
        }
    )
    return Sensitivity(
        method, table=table, extra={"num_levels": levels, "warnings": notes}, **common
    )


def _salib(name: str, call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run a SALib analysis; its warnings become notes, its errors ValueErrors."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = call()
        except (ValueError, RuntimeError, ZeroDivisionError) as exc:
            raise ValueError(f"SALib {name}: {exc}") from None
    notes = list(dict.fromkeys(str(w.message).splitlines()[0] for w in caught))
    return out, notes


# ---------------------------------------------------------------------- stories
def kept_replications(res: Results, group: Any = None) -> list[int]:
    """Replications of a group whose event log was kept."""
    seen: set[int] = set()
    col = res.group_column
    for frame in (res.events, res.traces):
        if frame is None or not len(frame):
            continue
        if col is not None and group is not None:
            frame = frame[frame[col] == group]
        seen |= {int(r) for r in frame["replication"].unique()}
    return sorted(seen)


def pick_story(res: Results, group: Any = None) -> tuple[Any, int]:
    """A typical escalating replication of a group, among those whose event log was kept.

    Among kept replications with an armed incident: the one whose first armed
    incident is closest to the group's median day of first armed incident (so
    the story is neither the earliest nor the latest escalation). Without any:
    the most escalated kept replication.
    """
    groups = res.groups()
    if group is None:
        group = groups[0].key
    kept = kept_replications(res, group)
    if not kept:
        raise ValueError("no event log kept for this group; rerun with --keep-traces")
    all_runs = next(g.runs for g in groups if g.key == group)
    runs = all_runs[all_runs["replication"].isin(kept)].sort_values("replication")
    if runs.empty:
        return group, kept[0]
    armed = runs[runs["armed_incident"].astype(bool)]
    if len(armed):
        median = float(all_runs["first_armed_incident_day"].median())
        gap = (armed["first_armed_incident_day"] - median).abs()
        return group, int(armed.loc[gap.sort_values(kind="stable").index[0], "replication"])
    best = runs.sort_values(["max_rung", "nonlethal_clashes"], ascending=False, kind="stable")
    return group, int(best["replication"].iloc[0])


def story_events(res: Results, group: Any, replication: int) -> pd.DataFrame:
    """The event log of one kept replication (without scheduled-event rows)."""
    if res.events is None:
        raise ValueError("no event log in these results")
    ev = res.events
    col = res.group_column
    if col is not None and group is not None:
        ev = ev[ev[col] == group]
    ev = ev[ev["replication"] == replication]
    if ev.empty and replication not in kept_replications(res, group):
        raise KeyError(f"replication {replication} was not kept; rerun with more --keep-traces")
    return ev[ev["move"] != "scheduled event"].reset_index(drop=True)
