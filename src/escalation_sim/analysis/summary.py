"""Headline numbers of a runs table."""

from __future__ import annotations

import pandas as pd

from escalation_sim.analysis.stats import wilson_interval


def summarise(runs: pd.DataFrame) -> dict[str, object]:
    """Headline numbers of a runs table: the terminal summary and golden tests use these."""
    n = len(runs)
    k_armed = int(runs["armed_incident"].sum())
    k_clash = int((runs["nonlethal_clashes"] > 0).sum())
    amb = runs["ambiguous_incidents"].sum()
    blamed_share = runs["blamed_on_instigator"].sum() / amb if amb else float("nan")
    caused_share = runs["caused_by_instigator"].sum() / amb if amb else float("nan")
    q = runs["max_rung"].quantile([0.05, 0.5, 0.95], interpolation="lower")
    return {
        "replications": n,
        "p_armed_incident": k_armed / n,
        "p_armed_incident_ci": wilson_interval(k_armed, n),
        "median_first_armed_day": float(runs["first_armed_incident_day"].median()),
        "p_nonlethal_clash": k_clash / n,
        "p_nonlethal_clash_ci": wilson_interval(k_clash, n),
        "p_armed_conflict": float(runs["armed_conflict"].mean()),
        "max_rung_median": int(q.loc[0.5]),
        "max_rung_90": (int(q.loc[0.05]), int(q.loc[0.95])),
        "sanctions_packages_mean": float(runs["sanctions_packages"].mean()),
        "sanctions_packages_90": tuple(
            float(x) for x in runs["sanctions_packages"].quantile([0.05, 0.95])
        ),
        "arrivals_median": float(runs["arrivals"].median()),
        "arrivals_90": tuple(float(x) for x in runs["arrivals"].quantile([0.05, 0.95])),
        "blamed_share": float(blamed_share),
        "caused_share": float(caused_share),
        "blame_gap": float(blamed_share - caused_share),
        "restraint_interventions_mean": float(runs["restraint_interventions"].mean()),
    }
