"""Daily series: fans, rung shares, scheduled events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.analysis.stats import wilson_arrays
from escalation_sim.config.events import SupplyCut
from escalation_sim.config.ladder import N_RUNGS
from escalation_sim.engine.records import QUANTILES
from escalation_sim.store.results import _to_date

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


def rung_at_least(daily: pd.DataFrame, rung: int, who: str = "all") -> pd.DataFrame:
    """P(highest rung today >= ``rung``) per day with its Wilson 95% interval.

    Exact from the daily rung counts: k replications at ``rung`` or above of n.
    """
    counts = rung_counts(daily, who)
    k = counts[:, rung:].sum(axis=1)
    n = counts.sum(axis=1)
    low, high = wilson_arrays(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
    return pd.DataFrame(
        {
            "date": pd.to_datetime(daily["date"]).to_numpy(),
            "k": k,
            "n": n,
            "p": p,
            "low": low,
            "high": high,
        }
    )


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
            factor = float(ev.get("factor", SupplyCut.model_fields["factor"].default))
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
