"""Run two scenarios under common random numbers."""

from __future__ import annotations

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.result import ModelResult
from escalation_sim.run.scenario import run_scenario


def run_pair(
    base: Scenario,
    other: Scenario,
    replications: int,
    seed: int,
    *,
    keep_traces: int = 0,
) -> tuple[ModelResult, ModelResult]:
    """Run both scenarios with the same master seed (common random numbers)."""
    if base.days != other.days or base.start != other.start:
        raise ValueError("paired scenarios must share start date and horizon")
    return (
        run_scenario(base, replications, seed, keep_traces=keep_traces),
        run_scenario(other, replications, seed, keep_traces=keep_traces),
    )
