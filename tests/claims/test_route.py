"""The migrant route's claims (issue 10), each with an effect size under common random numbers.

Base and variant run from the same master seed (replication ``i`` of both draws the same
numbers); every comparison is one-sided and must reach the claim tests' significance and
minimum effect (``Paired.holds``: p < 0.01, >= 5% of the base mean and >= 0.2 SD).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalation_sim.analysis.paired import paired_mean
from escalation_sim.io.scenario_file import load
from escalation_sim.run.compare import run_pair
from escalation_sim.run.scenario import run_scenario
from tests.claims.test_counterfactuals import SCENARIOS, SEED, shows
from tests.support import with_changes

pytestmark = pytest.mark.slow
N = 400  # pairs; the route's effects are large next to its noise


def _actor(sc, name: str, **changes):
    """A copy of ``sc`` with one actor's parameters changed (validated)."""
    data = sc.model_dump()
    for a in data["actors"]:
        if a["name"] == name:
            a.update(changes)
    return type(sc).model_validate(data)


def _days(traces: pd.DataFrame, column: str, lo: int, hi: int) -> pd.Series:
    """Per replication: mean of a trace column over days lo .. hi (inclusive)."""
    rows = traces[traces["day"].between(lo, hi)]
    return rows.groupby("replication")[column].mean()


def test_cutting_the_route_lowers_attempts_and_the_hazard_with_a_lag():
    base = load(SCENARIOS / "august_2021.yaml")
    b, c = run_pair(base, load(SCENARIOS / "route_closed_early.yaml"), N, SEED, keep_traces=N)
    assert b.traces is not None and c.traces is not None
    # Lag: people already in Belarus still come, and the cut approaches its target over
    # weeks; so the first week hardly differs while the third month differs a lot.
    first = _days(b.traces, "attempts", 0, 6) - _days(c.traces, "attempts", 0, 6)
    later = _days(b.traces, "attempts", 60, 89) - _days(c.traces, "attempts", 60, 89)
    assert first.mean() < 0.25 * later.mean()
    shows(
        paired_mean(
            _days(b.traces, "attempts", 60, 179),
            _days(c.traces, "attempts", 60, 179),
            "attempts/day, days 60-179",
        )
    )
    shows(
        paired_mean(
            _days(b.traces, "clash_hazard", 30, 179),
            _days(c.traces, "clash_hazard", 30, 179),
            "clash hazard, days 30-179",
        )
    )


def test_a_route_steered_to_one_border_raises_incidents_there():
    # Minsk's grievance against Latvia (steering) sends the flow there: more attempts and
    # more force against migrants at the Latvian border.
    base = load(SCENARIOS / "august_2021.yaml")
    steered = _actor(base, "Latvia", grievance=3.0)
    b = run_scenario(base, N, SEED, keep_traces=0).runs
    c = run_scenario(steered, N, SEED, keep_traces=0).runs
    for col in ("attempts_Latvia", "force_against_migrants_Latvia"):
        shows(paired_mean(b[col], c[col], col, "greater"))


def test_pushbacks_shift_the_flow_to_the_other_borders():
    base = load(SCENARIOS / "august_2021.yaml")
    soft = _actor(base, "Lithuania", pushback=0.3)  # Lithuania turns back far fewer
    b = run_scenario(soft, N, SEED, keep_traces=0).runs
    c = run_scenario(base, N, SEED, keep_traces=0).runs  # its pushbacks as in August 2021
    other = ["attempts_Poland", "attempts_Latvia"]
    shows(paired_mean(b[other].sum(axis=1), c[other].sum(axis=1), "Poland+Latvia", "greater"))
    share = c["attempts_Lithuania"] / c["attempts"]
    assert share.mean() < (b["attempts_Lithuania"] / b["attempts"]).mean()


def test_stranded_people_raise_the_hazard():
    # Friction off (a scale no stranded population reaches) against the default.
    base = load(SCENARIOS / "august_2021.yaml")
    calm = with_changes(
        base, migration={**base.mechanisms.migration.model_dump(), "stranded_hazard": 1e6}
    )
    b, c = run_pair(base, calm, N, SEED, keep_traces=N)
    assert b.traces is not None and c.traces is not None
    shows(
        paired_mean(
            _days(b.traces, "clash_hazard", 0, 179),
            _days(c.traces, "clash_hazard", 0, 179),
            "clash hazard with vs without stranded friction",
        )
    )
    clashes_b = b.runs["nonlethal_clashes"] + b.runs["armed_incidents"]
    clashes_c = c.runs["nonlethal_clashes"] + c.runs["armed_incidents"]
    assert np.mean(clashes_b) > np.mean(clashes_c)
