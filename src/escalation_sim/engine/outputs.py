"""What a finished run hands back: the per-replication outcomes and the kept traces.

Read from the model's totals and state at the horizon; nothing here steps the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from escalation_sim.engine.randomness import Block
from escalation_sim.engine.records import BORDER_COUNTS, SERIES_NAMES
from escalation_sim.engine.route_rules import peak_to_final
from escalation_sim.engine.state import SanctionState


class RecordedModel(Protocol):
    """What the outcome frame reads of a model that has run."""

    R: int
    offset: int
    day: int
    forecast_day: int
    blocks: Sequence[Block]
    dyads: Sequence[str]
    totals: Any  # the run's accumulators (SimpleNamespace of arrays)
    instigator: Any  # the instigator agent (reputation, support, valve)
    route: Any  # the migrant route (its cut)
    sanc: SanctionState


def traces_frame(
    trace_values: np.ndarray,
    trace_rungs: np.ndarray,
    trace_border: np.ndarray,
    kept_labels: np.ndarray,
    dyads: Sequence[str],
    start: dt.date,
) -> pd.DataFrame:
    """Daily state of the kept replications, one row per replication and day."""
    days, _n, K = trace_values.shape
    rep = np.repeat(kept_labels, days)
    day = np.tile(np.arange(days), K)
    cols: dict[str, Any] = {"replication": rep, "day": day}
    cols["date"] = pd.to_datetime(start) + pd.to_timedelta(day, unit="D")
    for s, name in enumerate(SERIES_NAMES):
        cols[name] = trace_values[:, s, :].T.ravel()
    for i, name in enumerate(dyads):
        cols[f"rung_{name}"] = trace_rungs[:, i, :].T.ravel()
    for k, what in enumerate(BORDER_COUNTS):
        for i, name in enumerate(dyads):
            cols[f"{what}_{name}"] = trace_border[:, k, i, :].T.ravel()
    return pd.DataFrame(cols)


def runs_frame(model: RecordedModel) -> pd.DataFrame:
    """One row per replication with every outcome the brief asks for."""
    tot, inst = model.totals, model.instigator
    positions = np.concatenate([np.arange(b.size) for b in model.blocks])
    seeds = np.concatenate([np.full(b.size, b.seed, np.int64) for b in model.blocks])
    cols: dict[str, np.ndarray] = {
        "replication": np.arange(model.R) + model.offset,
        "seed": seeds,
        "block_position": positions,
        "armed_incident": tot.armed > 0,
        "first_armed_incident_day": tot.first_armed.astype(float),
        "first_nonlethal_clash_day": tot.first_nonlethal.astype(float),
        "nonlethal_clashes": tot.nonlethal,
        "armed_incidents": tot.armed,
        "armed_conflict": tot.conflict,
        "max_rung": tot.max_rung.max(axis=0).astype(np.int8),
        "days_rung3_plus": tot.days3,
        "sanctions_packages": tot.new_packages,
        "first_package_day": tot.first_package.astype(float),
        "sanctions_eased": tot.eased,
        "sanctions_level_final": model.sanc.level.sum(axis=0),
        "arrivals": tot.arrivals.sum(axis=0).round(),
        "attempts": tot.attempts.sum(axis=0).round(),
        "pushbacks": tot.pushbacks.sum(axis=0).round(),
        "entries": tot.entries.sum(axis=0).round(),
        "stranded_peak": tot.stranded_peak.astype(float).round(),
        "attempts_peak_day": tot.attempts_peak_day.astype(float),
        "attempts_peak_to_final": peak_to_final(tot.attempts_peak, tot.attempts_final),
        "returned": tot.returned.round(),
        "force_against_migrants": tot.force_migrants.sum(axis=0),
        "humanitarian_deaths": tot.deaths.sum(axis=0),
        "deaths_blamed_on_instigator": tot.deaths_blamed,
        "deaths_blamed_on_frontline": tot.deaths.sum(axis=0) - tot.deaths_blamed,
        "route_pressure_day": tot.first_press.astype(float),
        "route_pressure_cost": tot.press_cost,
        "route_pressure_lifts": tot.press_lifts,
        "final_route_cut": model.route.cut.astype(float),
        "ambiguous_incidents": tot.ambiguous,
        "blamed_on_instigator": tot.blamed,
        "caused_by_instigator": tot.caused,
        "caused_and_blamed": tot.caused_blamed,
        "provocations": tot.provocations,
        "instigator_hostile_moves": tot.hostile_moves,
        "retaliations": tot.retaliations,
        "frontline_responses": tot.responses,
        "counter_sanctions": tot.counter_sanctions,
        "restraint_interventions": tot.interventions,
        "crises": tot.crises,
        "crisis_days": tot.crisis_days,
        "crisis_talks": tot.talks,
        "patron_mediations": tot.mediations,
        "leader_calls": tot.leader_calls,
        "allied_deployments": tot.allied,
        "final_reputation": inst.reputation.astype(float),
        "final_domestic_support": inst.support.astype(float),
        "final_valve": inst.valve.astype(float),
        "final_belief": inst.belief.astype(float),
        "mean_tension": tot.tension_sum / max(model.day - model.forecast_day, 1),
        "goldstein_total": tot.goldstein.sum(axis=0) + tot.goldstein_other,
    }
    for i, name in enumerate(model.dyads):
        cols[f"max_rung_{name}"] = tot.max_rung[i]
        cols[f"arrivals_{name}"] = tot.arrivals[i].round()
        cols[f"attempts_{name}"] = tot.attempts[i].round()
        cols[f"pushbacks_{name}"] = tot.pushbacks[i].round()
        cols[f"entries_{name}"] = tot.entries[i].round()
        cols[f"humanitarian_deaths_{name}"] = tot.deaths[i]
        cols[f"force_against_migrants_{name}"] = tot.force_migrants[i]
        cols[f"stranded_peak_{name}"] = tot.stranded_peak_f[i].astype(float).round()
        cols[f"goldstein_{name}"] = tot.goldstein[i]
    return pd.DataFrame(cols)


class SeriesModel(Protocol):
    """What the forecast-series frame reads of a model that has run."""

    R: int
    offset: int
    forecast_day: int
    dyads: Sequence[str]
    sanctioner_names: Sequence[str]
    config: Any
    series: Any  # WindowSeries over the forecast days


def series_frame(model: SeriesModel) -> pd.DataFrame:
    """Observable flows of every replication over the forecast days, one row per (rep, day).

    Columns ``quantity:actor`` use the observed records' vocabulary (arrivals, pushbacks
    and armed_incidents per border, sanctions_packages per sanctioner), so a record's row
    is compared with the sum of its column over the row's days.
    """
    s = model.series
    days = s.entries.shape[0]
    cols: dict[str, Any] = {
        "replication": np.repeat(np.arange(model.R) + model.offset, days),
        "day": np.tile(np.arange(days) + model.forecast_day, model.R).astype(np.int32),
    }
    for i, name in enumerate(model.dyads):
        # the record's "arrivals" are the detained, i.e. irregular entries (ODD 7.9)
        cols[f"arrivals:{name}"] = s.entries[:, i, :].T.ravel()
        cols[f"pushbacks:{name}"] = s.pushbacks[:, i, :].T.ravel()
        cols[f"armed_incidents:{name}"] = s.armed[:, i, :].T.ravel().astype(np.int8)
    for j, name in enumerate(model.sanctioner_names):
        cols[f"sanctions_packages:{name}"] = s.packages[:, j, :].T.ravel()
    return pd.DataFrame(cols)
