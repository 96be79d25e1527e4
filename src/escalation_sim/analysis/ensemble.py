"""Headlines of a parameter ensemble: two intervals and the parameters' share of variance.

Replications come in groups that share one parameter draw (the runs table's ``draw``
column). By the law of total variance, Var(Y) = E[Var(Y | draw)] + Var(E[Y | draw]):
the first term is replication noise, the second the parameters' share. Both are
estimated with the one-way random-effects ANOVA (unbiased for unequal group sizes).

For a probability the *total* interval is the 95% range of P(outcome | parameters)
across parameter draws, and the *replication-only* interval is the Wilson interval of the
pooled estimate (what it would be were the parameters known). The per-draw share of a few
replications (10 by default) is mostly binomial noise, so its empirical range runs from 0
to 1 whatever the parameters do; the range is instead read off a beta distribution fitted
to the per-draw counts by maximum likelihood (a beta-binomial model), which separates the
spread of P across parameters from the binomial noise of the replications.
For a count the total interval is the 90% range over all replications and the
replication-only interval the 90% range of the within-draw deviations around the median.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from escalation_sim.analysis.stats import proportion

OUTCOMES = {  # headline outcome -> (runs column, kind)
    "p_armed_incident": ("armed_incident", "probability"),
    "sanctions_packages": ("sanctions_packages", "count"),
    "arrivals": ("arrivals", "count"),
}


def variance_components(y: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """(between-draw, within-draw) variance components of ``y`` (ANOVA estimators)."""
    frame = pd.DataFrame({"y": np.asarray(y, float), "g": groups})
    stats = frame.groupby("g")["y"].agg(["mean", "count"])
    n, k = len(frame), len(stats)
    if k < 2 or n <= k:
        return float("nan"), float("nan")
    grand = frame["y"].mean()
    dev = frame["y"] - frame["g"].map(stats["mean"])
    msw = float((dev**2).sum() / (n - k))
    msb = float((stats["count"] * (stats["mean"] - grand) ** 2).sum() / (k - 1))
    m0 = (n - float((stats["count"] ** 2).sum()) / n) / (k - 1)
    return max(0.0, (msb - msw) / m0), msw


def beta_binomial_fit(k: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """(a, b) of the beta distribution of P across groups, from ``k`` of ``n`` per group.

    Maximum likelihood of the beta-binomial model k ~ Binomial(n, P), P ~ Beta(a, b),
    over log a and log b. Without spread between groups the likelihood grows as a + b
    grows; a + b is capped at 1e6, a beta of standard deviation below 0.001.
    """
    k, n = np.asarray(k, float), np.asarray(n, float)
    mean = float(np.clip(k.sum() / n.sum(), 1e-6, 1 - 1e-6))

    def nll(x: np.ndarray) -> float:
        a, b = np.exp(x)
        return -float(stats.betabinom.logpmf(k, n, a, b).sum())

    start = np.log([mean * 2.0, (1 - mean) * 2.0])
    cap = np.log(1e6)
    res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(-10, cap), (-10, cap)])
    a, b = np.exp(res.x)
    return float(a), float(b)


def probability_range(k: np.ndarray, n: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Central ``level`` range of P across groups, binomial noise removed (beta-binomial)."""
    a, b = beta_binomial_fit(k, n)
    tail = (1 - level) / 2
    return float(stats.beta.ppf(tail, a, b)), float(stats.beta.ppf(1 - tail, a, b))


def parameter_share(y: np.ndarray, groups: np.ndarray) -> float:
    """Share of Var(y) due to the parameters: between / (between + within)."""
    between, within = variance_components(y, groups)
    total = between + within
    return between / total if total > 0 else 0.0


def ensemble_numbers(runs: pd.DataFrame) -> dict[str, float]:
    """Each headline outcome with its total and replication-only interval and share."""
    if "draw" not in runs.columns:
        raise ValueError("not an ensemble: the runs table has no 'draw' column")
    draws = runs["draw"].to_numpy()
    out: dict[str, float] = {"draws": float(len(np.unique(draws)))}
    for key, (col, kind) in OUTCOMES.items():
        y = runs[col].to_numpy(float)
        out[f"{key}_parameter_share"] = parameter_share(y, draws)
        if kind == "probability":
            per_draw = pd.Series(y).groupby(draws).agg(["sum", "count"])
            pooled = proportion(runs[col])
            out[key] = pooled["p"]
            low, high = probability_range(per_draw["sum"], per_draw["count"])
            out[f"{key}_total_low"], out[f"{key}_total_high"] = low, high
            out[f"{key}_replication_low"] = pooled["low"]
            out[f"{key}_replication_high"] = pooled["high"]
        else:
            within = y - pd.Series(y).groupby(draws).transform("mean").to_numpy()
            centre = float(np.median(y))
            out[key] = centre
            out[f"{key}_total_low"] = float(np.quantile(y, 0.05))
            out[f"{key}_total_high"] = float(np.quantile(y, 0.95))
            out[f"{key}_replication_low"] = centre + float(np.quantile(within, 0.05))
            out[f"{key}_replication_high"] = centre + float(np.quantile(within, 0.95))
    return out


def format_ensemble(numbers: dict[str, float], source: str, per_draw: int) -> str:
    """The terminal block under the headline: each outcome's two intervals, labelled."""
    lines = [
        f"  parameter uncertainty ({source}: {int(numbers['draws']):,} draws x {per_draw} "
        "replications each)"
    ]
    labels = {
        "p_armed_incident": ("P(armed incident)", "{:.3f}", "95%", "95% CI"),
        "sanctions_packages": ("new sanctions packages (median)", "{:.1f}", "90%", "90% range"),
        "arrivals": ("migrant arrivals (median)", "{:,.0f}", "90%", "90% range"),
    }
    for key, (label, fmt, level, rep_level) in labels.items():
        f = fmt.format
        lo, hi = f(numbers[key + "_total_low"]), f(numbers[key + "_total_high"])
        rlo, rhi = f(numbers[key + "_replication_low"]), f(numbers[key + "_replication_high"])
        share = numbers[key + "_parameter_share"]
        what = (
            "(P across parameter draws; replications' binomial noise removed)"
            if key == "p_armed_incident"
            else "(parameters + replications)"
        )
        lines.append(f"  {label:<32}{f(numbers[key]):>7}   total {level} {lo} - {hi} {what}")
        lines.append(
            f"  {'':<32}{'':>7}   replications only {rep_level} {rlo} - {rhi}; "
            f"parameters' share of variance {share:.0%}"
        )
    return "\n".join(lines)


def ensemble_table(runs: pd.DataFrame, by: str = "design_point") -> pd.DataFrame:
    """:func:`ensemble_numbers` of each group of ``runs`` (a sweep's design points)."""
    rows = []
    for key, group in runs.groupby(by, sort=True):
        rows.append({by: key, "replications": len(group), **ensemble_numbers(group)})
    return pd.DataFrame(rows)


def format_ensemble_row(row: pd.Series | dict[str, float]) -> str:
    """P(armed incident) of one group with both intervals and the parameters' share."""
    return (
        f"{row['p_armed_incident']:.3f}  total [{row['p_armed_incident_total_low']:.3f}, "
        f"{row['p_armed_incident_total_high']:.3f}]  replications only "
        f"[{row['p_armed_incident_replication_low']:.3f}, "
        f"{row['p_armed_incident_replication_high']:.3f}]  parameters' share "
        f"{row['p_armed_incident_parameter_share']:.0%}"
    )
