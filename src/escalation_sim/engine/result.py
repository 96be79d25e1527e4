"""Flat result records of a model run, and how results of separate runs combine."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from escalation_sim.engine.records import DailySummary, WindowSeries


@dataclass
class ModelResult:
    """Everything one run produces: a row per replication, a daily summary, samples."""

    runs: pd.DataFrame
    daily: DailySummary
    traces: pd.DataFrame | None
    events: pd.DataFrame
    daily_by_group: list[DailySummary] | None = None  # one per group (sweep design point)
    window: WindowSeries | None = None  # the calibration window, if the scenario has one
    series: pd.DataFrame | None = None  # per-replication flows of the forecast days, if asked

    def merge(self, other: ModelResult) -> ModelResult:
        """Combine results over disjoint replications (runs appended, summaries added).

        Per-group summaries merge group by group; results with and without them,
        or with different groups, cannot be combined.
        """
        traces = [t for t in (self.traces, other.traces) if t is not None]
        by_group = None
        if self.daily_by_group is not None or other.daily_by_group is not None:
            if (
                self.daily_by_group is None
                or other.daily_by_group is None
                or len(self.daily_by_group) != len(other.daily_by_group)
            ):
                raise ValueError("cannot merge results with different per-group summaries")
            by_group = [
                a.merge(b) for a, b in zip(self.daily_by_group, other.daily_by_group, strict=True)
            ]
        return ModelResult(
            runs=pd.concat([self.runs, other.runs], ignore_index=True),
            daily=self.daily.merge(other.daily),
            traces=pd.concat(traces, ignore_index=True) if traces else None,
            events=pd.concat([self.events, other.events], ignore_index=True)
            if len(other.events)
            else self.events,
            daily_by_group=by_group,
            window=self.window.merge(other.window)
            if self.window is not None and other.window is not None
            else None,
            series=pd.concat([self.series, other.series], ignore_index=True)
            if self.series is not None and other.series is not None
            else None,
        )

    def events_of(self, replication: int) -> pd.DataFrame:
        """The event log of one kept replication: its story, day by day."""
        kept = set(self.events["replication"].unique()) if len(self.events) else set()
        if self.traces is not None:
            kept |= set(self.traces["replication"].unique())
        if replication not in kept:
            raise KeyError(f"replication {replication} was not kept; rerun with more traces")
        return self.events[self.events["replication"] == replication].reset_index(drop=True)
