"""Flat result records of a model run, and how results of separate runs combine."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from escalation_sim.engine.records import DailySummary


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
