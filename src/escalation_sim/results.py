"""Flat result records of a model run, and how results of separate runs combine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from escalation_sim.outcomes import DailySummary

if TYPE_CHECKING:
    from escalation_sim.model import EscalationModel


@dataclass
class ModelResult:
    """Everything one run produces: a row per replication, a daily summary, samples."""

    runs: pd.DataFrame
    daily: DailySummary
    traces: pd.DataFrame | None
    events: pd.DataFrame
    daily_by_group: list[DailySummary] | None = None  # one per group (sweep design point)

    def merge(self, other: ModelResult) -> ModelResult:
        """Combine results over disjoint replications (runs appended, summaries added)."""
        traces = [t for t in (self.traces, other.traces) if t is not None]
        return ModelResult(
            runs=pd.concat([self.runs, other.runs], ignore_index=True),
            daily=self.daily.merge(other.daily),
            traces=pd.concat(traces, ignore_index=True) if traces else None,
            events=pd.concat([self.events, other.events], ignore_index=True)
            if len(other.events)
            else self.events,
        )

    def events_of(self, replication: int) -> pd.DataFrame:
        """The event log of one kept replication: its story, day by day."""
        kept = set(self.events["replication"].unique()) if len(self.events) else set()
        if self.traces is not None:
            kept |= set(self.traces["replication"].unique())
        if replication not in kept:
            raise KeyError(f"replication {replication} was not kept; rerun with more traces")
        return self.events[self.events["replication"] == replication].reset_index(drop=True)


def runs_frame(model: EscalationModel) -> pd.DataFrame:
    """One row per replication with every outcome the brief asks for."""
    a, inst = model.acc, model.instigator
    positions = np.concatenate([np.arange(b.size) for b in model.blocks])
    seeds = np.concatenate([np.full(b.size, b.seed, np.int64) for b in model.blocks])
    cols: dict[str, np.ndarray] = {
        "replication": np.arange(model.R) + model.offset,
        "seed": seeds,
        "block_position": positions,
        "armed_incident": a.armed > 0,
        "first_armed_incident_day": a.first_armed.astype(float),
        "first_nonlethal_clash_day": a.first_nonlethal.astype(float),
        "nonlethal_clashes": a.nonlethal,
        "armed_incidents": a.armed,
        "armed_conflict": a.conflict,
        "max_rung": a.max_rung.max(axis=0).astype(np.int8),
        "days_rung3_plus": a.days3,
        "sanctions_packages": a.new_packages,
        "first_package_day": a.first_package.astype(float),
        "sanctions_eased": a.eased,
        "sanctions_level_final": model.sanc.level.sum(axis=0),
        "arrivals": a.arrivals.sum(axis=0).round(),
        "pushbacks": a.pushbacks.sum(axis=0).round(),
        "stranded_peak": a.stranded_peak.astype(float).round(),
        "ambiguous_incidents": a.ambiguous,
        "blamed_on_instigator": a.blamed,
        "caused_by_instigator": a.caused,
        "caused_and_blamed": a.caused_blamed,
        "provocations": a.provocations,
        "instigator_hostile_moves": a.hostile_moves,
        "retaliations": a.retaliations,
        "frontline_responses": a.responses,
        "counter_sanctions": a.counter_sanctions,
        "restraint_interventions": a.interventions,
        "final_reputation": inst.reputation.astype(float),
        "final_domestic_support": inst.support.astype(float),
        "final_valve": inst.valve.astype(float),
        "mean_tension": a.tension_sum / max(model.day, 1),
        "goldstein_total": a.goldstein.sum(axis=0) + a.goldstein_other,
    }
    for i, name in enumerate(model.dyads):
        cols[f"max_rung_{name}"] = a.max_rung[i]
        cols[f"arrivals_{name}"] = a.arrivals[i].round()
        cols[f"pushbacks_{name}"] = a.pushbacks[i].round()
        cols[f"stranded_peak_{name}"] = a.stranded_peak_f[i].astype(float).round()
        cols[f"goldstein_{name}"] = a.goldstein[i]
    return pd.DataFrame(cols)
