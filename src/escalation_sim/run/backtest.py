"""Rolling-origin backtest inside an observed record (``escalation-sim backtest``).

For each origin D: the scenario is cut to forecast from D for ``horizon`` days (its
scheduled events from D on are dropped: they were not known at D); the record is cut to
the rows that end before D; ``calibrate``'s ABC-SMC runs on that cut record only
(``run.calibrate.prepare`` and ``run_abc``); the posterior ensemble and the prior
ensemble forecast D .. D + horizon - 1; both are scored, with the statistical baseline
(fitted on the rows before D), against the whole record's rows after D. Nothing the
forecast or a baseline uses is dated on or after D, and each origin records the latest
observation date its calibration and its baseline used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.analysis.scores import ForecastSeries, overall_skill
from escalation_sim.config.observed import ObservedRecord
from escalation_sim.config.scenario import Scenario
from escalation_sim.io.errors import InputError
from escalation_sim.run.calibrate import POSTERIOR_NAME, posterior_frame, prepare, run_abc
from escalation_sim.run.ensemble import make_ensemble
from escalation_sim.run.scenario import run_scenario
from escalation_sim.run.score import PRIOR, STATISTICAL, Scored, items_for, score_forecast
from escalation_sim.store.files import atomic_write_parquet

FORECAST_REPLICATIONS = 200  # per origin and ensemble: 20 parameter draws of 10
POPULATION = 30  # particles per generation: a backtest calibrates once per origin
GENERATIONS = 2
HORIZON = 14


@dataclass(frozen=True)
class Settings:
    """How each origin is calibrated and forecast."""

    horizon: int = HORIZON
    population: int = POPULATION
    generations: int = GENERATIONS
    replications: int = 10  # per particle, as calibrate
    forecast_replications: int = FORECAST_REPLICATIONS
    seed: int = 0
    workers: int = 1


def cut_record(record: ObservedRecord, origin: dt.date) -> ObservedRecord:
    """The rows a forecaster had at ``origin``: those that end before it."""
    rows = tuple(r for r in record.rows if r.end < origin)
    if not rows:
        raise InputError(f"no observation ends before the origin {origin}", record.file)
    return ObservedRecord(record.file, rows)


def origin_scenario(sc: Scenario, origin: dt.date, horizon: int) -> Scenario:
    """The scenario forecasting ``horizon`` days from ``origin``, without later events."""
    if not sc.start < origin:
        raise InputError(
            f"origin {origin} is not after the scenario's start {sc.start}: no window to "
            "calibrate on",
            None,
            None,
            "--origins",
        )

    def known(ev: Any) -> bool:
        days = [getattr(ev, k, None) for k in ("date", "start", "end")]
        return all(d is None or d < origin for d in days)

    data = sc.model_dump(mode="json")
    data["forecast_from"] = str(origin)
    data["days"] = (origin - sc.start).days + horizon
    data["events"] = [e.model_dump(mode="json") for e in sc.events if known(e)]
    return Scenario.model_validate(data)


def check_origin(sc: Scenario, record: ObservedRecord, origin: dt.date, horizon: int) -> None:
    """Everything an origin needs, checked before any work (InputError if it lacks some).

    The scenario cut at the origin, rows before it that calibration can use, and rows
    after it to score.
    """
    osc = origin_scenario(sc, origin, horizon)
    prepare(osc, cut_record(record, origin))
    items_for(osc, record, origin, origin + dt.timedelta(days=horizon - 1))


@dataclass
class OriginResult:
    """One origin: its scores, the posterior's path and the dates it used."""

    origin: dt.date
    scored: Scored
    calibration_latest: dt.date
    posterior: Path

    def describe(self) -> dict[str, Any]:
        """What the manifest records of the origin."""
        return {
            "origin": str(self.origin),
            "calibration_latest_observation_used": str(self.calibration_latest),
            "posterior": str(self.posterior),
            **self.scored.describe(),
        }


def forecast(sc: Scenario, spec: str | Path, settings: Settings, seed: int) -> ForecastSeries:
    """An ensemble forecast's series (``spec``: ``prior`` or a posterior file)."""
    ensemble = make_ensemble(spec, sc, seed)
    result = run_scenario(
        sc, settings.forecast_replications, seed, keep_traces=0, ensemble=ensemble, series=True
    )
    assert result.series is not None
    return ForecastSeries.from_frame(result.series, sc.forecast_date)


def run_origin(
    sc: Scenario,
    record: ObservedRecord,
    origin: dt.date,
    out: Path,
    settings: Settings,
    progress: bool = False,
) -> OriginResult:
    """Calibrate before ``origin``, forecast, score after it (files in ``out``)."""
    osc = origin_scenario(sc, origin, settings.horizon)
    known = cut_record(record, origin)
    cal = prepare(osc, known)
    out.mkdir(parents=True, exist_ok=True)
    history = run_abc(
        cal,
        out,
        population=settings.population,
        generations=settings.generations,
        seed=settings.seed,
        workers=settings.workers,
        scheduler=None,
        replications=settings.replications,
        progress=progress,
    )
    posterior = out / POSTERIOR_NAME
    atomic_write_parquet(posterior, posterior_frame(history, cal))
    seed = settings.seed
    model = forecast(osc, posterior, settings, seed)
    prior = forecast(osc, "prior", settings, seed)
    last = origin + dt.timedelta(days=settings.horizon - 1)
    scored = score_forecast(model, osc, record, last=last, seed=seed, prior=prior)
    latest = max(osc.start + dt.timedelta(days=t.last) for t in cal.targets)
    return OriginResult(origin, scored, latest, posterior)


def per_origin_skill(results: list[OriginResult], seed: int) -> pd.DataFrame:
    """Skill against the statistical baseline per origin and score kind."""
    frames = [
        overall_skill(r.scored.table, f"{STATISTICAL}_score", seed).assign(origin=str(r.origin))
        for r in results
    ]
    return pd.concat(frames, ignore_index=True)


def all_items(results: list[OriginResult]) -> pd.DataFrame:
    """Every origin's item table, with the origin."""
    return pd.concat(
        [r.scored.table.assign(origin=str(r.origin)) for r in results], ignore_index=True
    )


def overall(items: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Skill over all origins' items, against each baseline."""
    return pd.concat(
        [
            overall_skill(items, f"{b}_score", seed).assign(baseline=b)
            for b in (STATISTICAL, PRIOR)
            if f"{b}_score" in items.columns
        ],
        ignore_index=True,
    )


def backtest(
    sc: Scenario,
    record: ObservedRecord,
    origins: list[dt.date],
    out: Path,
    settings: Settings,
    on_origin: Callable[[OriginResult], None] | None = None,
    progress: bool = False,
) -> list[OriginResult]:
    """Every origin in turn (each in ``out/origin_<date>/``)."""
    results = []
    for origin in origins:
        r = run_origin(sc, record, origin, out / f"origin_{origin}", settings, progress)
        results.append(r)
        if on_origin is not None:
            on_origin(r)
    return results
