"""Global sensitivity of outcomes to parameters (SALib)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.analysis.metrics import METRICS
from escalation_sim.analysis.stats import CONFIDENCE
from escalation_sim.store.results import Results

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


# The columns of an index table, per method (after "parameter").
INDEX_COLUMNS = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu", "mu_star", "mu_star_conf", "sigma"),
}


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
    An outcome that does not vary between points gets a table of NaN.
    """
    method, problem = _salib_problem(res)
    y, within, n = point_means(res, outcome)
    variance = float(np.var(y, ddof=1)) if len(y) > 1 else 0.0
    names = list(problem["names"])
    common = {
        "outcome": outcome,
        "label": METRICS[outcome].label.replace("median highest rung", "mean highest rung"),
        "n_points": len(y),
        "replications_min": int(n.min()),
        "replications_max": int(n.max()),
        "variance": variance,
        "noise_variance": float(np.mean(within / n)),
    }
    if not variance > 1e-12 * max(1.0, float(np.mean(y)) ** 2):
        table = pd.DataFrame({"parameter": names})
        for col in INDEX_COLUMNS[method]:
            table[col] = np.nan
        return Sensitivity(method, table=table, extra={"constant": True}, **common)
    options = {"num_resamples": num_resamples, "conf_level": confidence, "seed": salib_seed(seed)}
    analyse = _sobol if method == "sobol" else _morris
    si, extra = analyse(res, problem, y, options)
    table = pd.DataFrame(
        {
            "parameter": names,
            **{col: np.asarray(si[col], dtype=float) for col in INDEX_COLUMNS[method]},
        }
    )
    return Sensitivity(method, table=table, extra=extra, **common)


def salib_seed(seed: int) -> int:
    """The seed SALib is given for ``seed``: derived by SeedSequence, never 0.

    SALib's Sobol analysis tests ``if seed:`` and draws unseeded bootstrap
    resamples for a seed of 0, so the same indices came out with different
    intervals from one call to the next (``analyze`` against ``report``).
    """
    return int(np.random.SeedSequence(seed).generate_state(1, np.uint32)[0]) or 1


def _salib_problem(res: Results) -> tuple[str, dict[str, Any]]:
    """The design (sobol or morris) and the SALib problem its sweep stored in the manifest."""
    method = res.design
    if method not in ("sobol", "morris"):
        raise ValueError(
            f"sensitivity indices need a sobol or morris experiment; this is {res.kind}"
            + (f" ({method})" if method else "")
        )
    problem = res.manifest.get("salib_problem")
    if not problem:
        raise ValueError("the manifest has no salib_problem")
    return method, {k: problem[k] for k in ("num_vars", "names", "bounds")}


def _sobol(
    res: Results, problem: dict[str, Any], y: np.ndarray, options: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Sobol indices; second-order ones too where the sweep sampled for them."""
    from SALib.analyze import sobol

    second = bool(res.manifest.get("calc_second_order", False))
    si, notes = _salib(
        "sobol.analyze",
        lambda: sobol.analyze(problem, y, calc_second_order=second, **options),
    )
    extra: dict[str, Any] = {"calc_second_order": second, "warnings": notes}
    if second:
        extra["S2"] = np.asarray(si["S2"])
        extra["S2_conf"] = np.asarray(si["S2_conf"])
    return si, extra


def _morris(
    res: Results, problem: dict[str, Any], y: np.ndarray, options: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Morris elementary effects, which need each design point's coordinates as well."""
    from SALib.analyze import morris

    x = np.array(
        [[float(p[name]) for name in problem["names"]] for p in res.manifest["design_points"]],
        dtype=float,
    )
    levels = int(res.manifest.get("num_levels", 4))
    si, notes = _salib(
        "morris.analyze",
        lambda: morris.analyze(problem, x, y, num_levels=levels, **options),
    )
    return si, {"num_levels": levels, "warnings": notes}


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
