"""Score a run's forecast against an observed record, with baselines (``escalation-sim score``).

The forecast window runs from the scenario's forecast date to its horizon. Items come
from the record (:mod:`escalation_sim.analysis.items`); the forecast of an item is every
replication's value in the run's series table. Baselines scored on the same items: the
statistical one (:mod:`escalation_sim.analysis.baselines`, fitted only on rows that end
before the forecast date) and, when given, a prior ensemble run of the same scenario.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.analysis.baselines import StatisticalBaseline
from escalation_sim.analysis.items import Item, window_items
from escalation_sim.analysis.scores import ForecastSeries, overall_skill, score_table
from escalation_sim.config.observed import ObservedRecord
from escalation_sim.config.scenario import Scenario
from escalation_sim.io.errors import InputError
from escalation_sim.store.results import TABLE_FILES, Results

STATISTICAL, PRIOR = "statistical", "prior"


@dataclass
class Scored:
    """A forecast's score table, overall skill per baseline, and what it used."""

    table: pd.DataFrame
    overall: pd.DataFrame
    forecast_from: dt.date
    horizon_end: dt.date
    observed_file: str
    latest_observation_scored: dt.date
    baseline_latest_observation: dt.date | None
    baselines: list[str] = field(default_factory=list)
    forecast_latest_observation: dt.date | None = None  # the posterior's calibration's

    def describe(self) -> dict[str, Any]:
        """What a manifest records of the scoring (dates as ISO text)."""
        base = self.baseline_latest_observation
        return {
            "observed_file": self.observed_file,
            "forecast_from": str(self.forecast_from),
            "horizon_end": str(self.horizon_end),
            "items": len(self.table),
            "latest_observation_scored": str(self.latest_observation_scored),
            "baseline_latest_observation_used": None if base is None else str(base),
            "baselines": self.baselines,
            "forecast_latest_observation_used": None
            if self.forecast_latest_observation is None
            else str(self.forecast_latest_observation),
            "overall": self.overall.to_dict(orient="records"),
        }


def forecast_window(config: dict[str, Any] | Scenario) -> tuple[Scenario, dt.date, dt.date]:
    """The scenario, its forecast date and its last simulated day."""
    sc = config if isinstance(config, Scenario) else Scenario.model_validate(config)
    return sc, sc.forecast_date, sc.start + dt.timedelta(days=sc.days - 1)


def series_of(res: Results, what: str = "RESULTS") -> ForecastSeries:
    """The run's forecast series, or a located InputError saying how to get them."""
    if res.kind != "run":
        raise InputError(
            f"{what} holds a {res.kind}; score needs the results of one `escalation-sim run`",
            res.path,
        )
    if res.series is None:
        raise InputError(
            f"{what} has no {TABLE_FILES['series']} (every replication's daily flows); "
            "rerun with `escalation-sim run SCENARIO --series`",
            res.path,
        )
    _, first, _ = forecast_window(res.config_of())
    return ForecastSeries.from_frame(res.series, first)


def items_for(sc: Scenario, record: ObservedRecord, first: dt.date, last: dt.date) -> list[Item]:
    """The record's items of the window, or a located InputError when there are none."""
    front = [a.name for a in sc.actors_of("frontline")]
    sanc = [a.name for a in sc.actors_of("sanctioner")]
    items = window_items(record, first, last, front, sanc)
    if not items:
        raise InputError(
            f"no observation with a model output lies in the forecast window {first} .. {last} "
            "(rows must fall inside it; see docs/validation.md)",
            record.file,
        )
    return items


def score_forecast(
    forecast: ForecastSeries,
    sc: Scenario,
    record: ObservedRecord,
    *,
    last: dt.date,
    seed: int = 0,
    prior: ForecastSeries | None = None,
) -> Scored:
    """Score one forecast (from ``forecast.start`` to ``last``) on the record's items."""
    first = forecast.start
    assert isinstance(first, dt.date)
    items = items_for(sc, record, first, last)
    statistical = StatisticalBaseline(record, first, seed)
    baselines: dict[str, Any] = {STATISTICAL: statistical}
    if prior is not None:
        baselines[PRIOR] = prior.members
    table = score_table(items, forecast.members, baselines, seed)
    overall = pd.concat(
        [overall_skill(table, f"{b}_score", seed).assign(baseline=b) for b in baselines],
        ignore_index=True,
    )
    return Scored(
        table,
        overall,
        first,
        last,
        record.file,
        max(it.latest for it in items),
        statistical.latest,
        list(baselines),
    )


def score_results(
    res: Results, record: ObservedRecord, *, prior: Results | None = None, seed: int = 0
) -> Scored:
    """Score a run's results (with ``--series``) against the record, over its forecast window."""
    forecast = series_of(res)
    sc, first, last = forecast_window(res.config_of())
    used = calibration_latest(res, first)
    base = None
    if prior is not None:
        base = series_of(prior, "--prior")
        _, p_first, p_last = forecast_window(prior.config_of())
        if (p_first, p_last) != (first, last):
            raise InputError(
                f"--prior forecasts {p_first} .. {p_last}, RESULTS {first} .. {last}: "
                "the prior ensemble must cover the same window",
                prior.path,
            )
    scored = score_forecast(forecast, sc, record, last=last, seed=seed, prior=base)
    scored.forecast_latest_observation = used
    return scored


def calibration_latest(res: Results, first: dt.date) -> dt.date | None:
    """The latest observation behind a posterior ensemble's calibration, checked.

    A run drawn from a posterior carries what its calibration saw: when the calibration's
    manifest (next to the posterior file) says it used an observation on or after the
    forecast date, the forecast knew part of what it is scored on (InputError).
    """
    from escalation_sim.store.results import read_manifest

    source = (res.manifest.get("ensemble") or {}).get("source")
    if not source or source == "prior":
        return None
    folder = Path(source).parent
    manifest = read_manifest(folder) if folder.is_dir() else None
    text = (manifest or {}).get("latest_observation_used")
    if not text:
        return None
    used = dt.date.fromisoformat(str(text))
    if used >= first:
        raise InputError(
            f"its posterior ({source}) was calibrated on observations up to {used}, not "
            f"before its forecast date {first}: scoring it would reward leaked knowledge",
            res.path,
        )
    return used
