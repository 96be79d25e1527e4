"""Headline numbers: the one function the terminal summary, the report and the golden test use.

:func:`headline_numbers` turns a runs table into flat numbers (each probability with
its Wilson interval, each count with its 90% range); :func:`outcome_table`
is the same numbers, one row per group of a results folder.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from escalation_sim.analysis.stats import proportion
from escalation_sim.store.results import Group


def headline_numbers(runs: pd.DataFrame) -> dict[str, float]:
    """Headline outcomes of a runs table, each with its interval or 90% range."""
    armed = proportion(runs["armed_incident"])
    clash = proportion(runs["nonlethal_clashes"] > 0)
    rung = runs["max_rung"].quantile([0.05, 0.5, 0.95], interpolation="lower")
    first = runs["first_armed_incident_day"]
    amb = runs["ambiguous_incidents"].sum()
    blamed = runs["blamed_on_instigator"].sum() / amb if amb else float("nan")
    caused = runs["caused_by_instigator"].sum() / amb if amb else float("nan")
    packages, arrivals = runs["sanctions_packages"], runs["arrivals"]
    return {
        "replications": len(runs),
        "p_armed_incident": armed["p"],
        "p_armed_incident_low": armed["low"],
        "p_armed_incident_high": armed["high"],
        "median_first_armed_day": float(first.median()) if first.notna().any() else np.nan,
        "p_nonlethal_clash": clash["p"],
        "p_nonlethal_clash_low": clash["low"],
        "p_nonlethal_clash_high": clash["high"],
        "p_armed_conflict": float(runs["armed_conflict"].mean()),
        "max_rung_median": int(rung.loc[0.5]),
        "max_rung_q05": int(rung.loc[0.05]),
        "max_rung_q95": int(rung.loc[0.95]),
        "sanctions_packages_mean": float(packages.mean()),
        "sanctions_packages_q05": float(packages.quantile(0.05)),
        "sanctions_packages_q95": float(packages.quantile(0.95)),
        "arrivals_median": float(arrivals.median()),
        "arrivals_q05": float(arrivals.quantile(0.05)),
        "arrivals_q95": float(arrivals.quantile(0.95)),
        "blamed_share": float(blamed),
        "caused_share": float(caused),
        "blame_gap": float(blamed - caused),
        "restraint_interventions_mean": float(runs["restraint_interventions"].mean()),
        **_route_shape(runs),
    }


def _route_shape(runs: pd.DataFrame) -> dict[str, float]:
    """The flow's shape across replications: the peak day's 5-95% range, peak-to-final ratio.

    NaN for results written before the route kept them (issue 10).
    """
    out = {}
    for col, key in (("attempts_peak_day", "peak_day"), ("attempts_peak_to_final", "peak_ratio")):
        x = runs[col] if col in runs else pd.Series([np.nan])
        out[f"{key}_median"] = float(x.median())
        out[f"{key}_q05"] = float(x.quantile(0.05))
        out[f"{key}_q95"] = float(x.quantile(0.95))
    return out


def outcome_table(groups: Sequence[Group]) -> pd.DataFrame:
    """Headline outcomes per group (scenario, design point or the run), one row each."""
    return pd.DataFrame([{"group": g.label, **headline_numbers(g.runs)} for g in groups])
