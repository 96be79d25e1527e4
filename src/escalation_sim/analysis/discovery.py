"""Scenario discovery: PRIM boxes of the parameter space where an outcome is likely.

Each design point of a sweep (or each parameter draw of an ensemble run) is one case:
its parameter values, and whether the
outcome's mean over its replications (for ``armed_incident`` the probability of an
armed incident) reaches a threshold. PRIM (EMA Workbench's implementation, the
optional extra ``escalation-sim[ema]``) peels the parameter space down to boxes
of high density; each box has its coverage (share of all cases of interest that
fall in it), its density (share of its points that are cases of interest), the
restricted parameters' ranges and its peeling trajectory.

Also :func:`main_effects`: for a grid sweep, the outcome at each level of each
parameter, averaged over the other parameters (a full factorial makes that fair).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.analysis.metrics import METRICS
from escalation_sim.analysis.stats import proportion
from escalation_sim.store.results import Results


@dataclass
class Box:
    """One PRIM box: its statistics, restricted ranges and peeling trajectory."""

    number: int
    coverage: float
    density: float
    mass: float
    cases: int  # cases of interest in the box
    points: int  # design points in the box
    # parameter, low, high, full_low, full_high, qp: the restriction's quasi-p value
    # (Bryant and Lempert 2010; the larger of its two sides'), high when it may be chance
    restricted: pd.DataFrame
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step


@dataclass
class Discovery:
    """The boxes PRIM found for one outcome and threshold, with the data behind them."""

    outcome: str
    threshold: float
    points: pd.DataFrame  # one row per case: parameters, outcome mean, of_interest
    boxes: list[Box]
    case: str = "design point"  # what one case is: a sweep's design point or a parameter draw

    @property
    def cases(self) -> int:
        """Design points whose outcome reaches the threshold."""
        return int(self.points["of_interest"].sum())


def case_columns(res: Results) -> tuple[str, list[str]]:
    """The runs column that names a case and the parameters that vary between cases.

    A sweep's cases are its design points (the swept parameters); an ensemble run's
    (``run --parameters prior|POSTERIOR``) are its parameter draws (the drawn
    parameters that vary across draws).
    """
    if res.kind == "sweep" and res.parameters:
        return "design_point", list(res.parameters)
    drawn = (res.manifest.get("ensemble") or {}).get("parameters") or []
    if "draw" in res.runs.columns and drawn:
        runs = res.runs
        varying = [p for p in drawn if p in runs.columns and runs[p].nunique() > 1]
        if runs["draw"].nunique() > 1 and varying:
            return "draw", varying
    raise ValueError(
        "scenario discovery needs a sweep folder (parameters per design point) or an "
        "ensemble run (run --parameters prior|POSTERIOR.parquet: parameters per draw)"
    )


def point_table(res: Results, outcome: str) -> pd.DataFrame:
    """Per case (design point or parameter draw): the parameters' values and the outcome's mean."""
    case, parameters = case_columns(res)
    if outcome not in res.runs.columns:
        raise ValueError(f"no outcome column {outcome!r} in runs")
    runs = res.runs
    values = pd.to_numeric(runs[outcome], errors="coerce").astype(float)
    grouped = runs.assign(_y=values).groupby(case, sort=True)
    table = grouped[parameters].first()
    table[outcome] = grouped["_y"].mean()
    table["replications"] = grouped.size()
    return table.reset_index()


def discover(
    res: Results,
    outcome: str = "armed_incident",
    threshold: float | None = None,
    *,
    max_boxes: int = 3,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> Discovery:
    """PRIM boxes where the outcome's mean per design point is at least ``threshold``.

    The default threshold is the average of the design points' means: the points at
    or above the sweep's average are the cases of interest.
    """
    with warnings.catch_warnings():  # EMA warns about its optional parallel back-ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    points = point_table(res, outcome)
    if threshold is None:
        threshold = float(points[outcome].mean())
    points["of_interest"] = points[outcome] >= threshold
    y = points["of_interest"].to_numpy()
    if not y.any() or y.all():
        lo, hi = points[outcome].min(), points[outcome].max()
        raise ValueError(
            f"{'no' if not y.any() else 'every'} case has {outcome} >= {threshold:g} "
            f"(the means range from {lo:.3g} to {hi:.3g}); choose a threshold in between"
        )
    x = _inputs(points[case_columns(res)[1]])
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():  # pandas deprecations inside EMA's PRIM, not ours
        warnings.simplefilter("ignore")
        boxes = _peel(prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min), x, y, max_boxes)
    case = "design point" if case_columns(res)[0] == "design_point" else "parameter draw"
    return Discovery(outcome, threshold, points, boxes, case)


def _peel(finder: Any, x: pd.DataFrame, y: np.ndarray, max_boxes: int) -> list[Box]:
    """Up to ``max_boxes`` boxes, each on the points the earlier ones left."""
    boxes: list[Box] = []
    for number in range(1, max_boxes + 1):
        box = finder.find_box()
        if box is None or not np.isfinite(box.density):
            break
        found = _box(number, box, x, y)
        if found.cases == 0 or found.restricted.empty:  # the rest of the space: no box
            break
        boxes.append(found)
        if len(finder.yi_remaining) == 0 or not y[finder.yi_remaining].any():
            break
    return boxes


def _inputs(values: pd.DataFrame) -> pd.DataFrame:
    """PRIM's inputs: floats as floats, integers and switches as integers."""
    out = pd.DataFrame(index=values.index)
    for col in values:
        v = values[col]
        if v.dtype == bool or pd.api.types.is_integer_dtype(v):
            out[col] = v.astype(np.int64)
        else:
            out[col] = v.astype(np.float64)
    return out


def _box(number: int, box: Any, x: pd.DataFrame, y: np.ndarray) -> Box:
    """A found PRIM box as plain tables."""
    lims: pd.DataFrame = box.box_lim
    qp = box.p_values[box._cur_box]  # quasi-p values of each side's restriction, -1 if none
    rows = []
    for col in x.columns:
        low, high = float(lims.at[0, col]), float(lims.at[1, col])
        full_low, full_high = float(x[col].min()), float(x[col].max())
        if low > full_low or high < full_high:
            rows.append(
                {
                    "parameter": col,
                    "low": low,
                    "high": high,
                    "full_low": full_low,
                    "full_high": full_high,
                    "qp": max((v for v in qp.get(col, []) if v >= 0), default=np.nan),
                }
            )
    inside = np.asarray(box.yi)
    trajectory = box.peeling_trajectory
    trajectory = trajectory[["coverage", "density", "mass", "res_dim"]]
    return Box(
        number=number,
        coverage=float(box.coverage),
        density=float(box.density),
        mass=float(box.mass),
        cases=int(y[inside].sum()),
        points=int(inside.size),
        restricted=pd.DataFrame(
            rows, columns=["parameter", "low", "high", "full_low", "full_high", "qp"]
        ),
        trajectory=trajectory.reset_index(drop=True).astype(float),
    )


def main_effects(res: Results, outcome: str = "armed_incident") -> pd.DataFrame:
    """Per parameter and level of a grid sweep: the outcome over all other levels.

    ``outcome`` is one of :data:`~escalation_sim.analysis.metrics.METRICS`. Columns:
    parameter, level, replications, value (a proportion or a mean), low, high (a
    Wilson 95% interval for a proportion, else a normal one for the mean), effect
    (the largest minus the smallest level value of that parameter). A full
    factorial design makes the levels' averages over the other parameters comparable.
    """
    if res.kind != "sweep" or res.design != "grid" or not res.parameters:
        raise ValueError("main effects need a grid sweep")
    metric = METRICS[outcome]
    runs = res.runs.assign(_y=metric.values(res.runs))
    rows = []
    for param in res.parameters:
        for level, group in runs.groupby(param, sort=True):
            y = group["_y"].dropna().to_numpy(dtype=float)
            if metric.statistic == "proportion":
                p = proportion(y)
                value, low, high = p["p"], p["low"], p["high"]
            else:
                value = float(y.mean())
                half = 1.96 * float(y.std(ddof=1)) / np.sqrt(len(y)) if len(y) > 1 else np.nan
                low, high = value - half, value + half
            rows.append(
                {
                    "parameter": param,
                    "level": level,
                    "replications": len(y),
                    "value": float(value),
                    "low": float(low),
                    "high": float(high),
                }
            )
    table = pd.DataFrame(rows)
    spread = table.groupby("parameter")["value"].agg(lambda v: v.max() - v.min())
    return table.assign(effect=table["parameter"].map(spread))
