"""The schedule: determinism, batch-size independence, per-replication parameters, records."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from escalation_sim.config.ladder import MOVES
from escalation_sim.engine.eventlog import EVENT_ROWS
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import BLOCK_SIZE, Block, block_seed, make_blocks
from escalation_sim.engine.state import InstigatorMoves, Today
from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario
from tests.support import BASE

SHORT = ["days=40"]


@pytest.fixture(scope="module")
def short():
    return load(BASE, SHORT)


def runs(sc, **kw) -> pd.DataFrame:
    return EscalationModel(sc, **kw).run().result().runs


def test_same_seed_same_results_bit_for_bit(short):
    a, b = runs(short, replications=300, seed=5), runs(short, replications=300, seed=5)
    pd.testing.assert_frame_equal(a, b)
    c = runs(short, replications=300, seed=6)
    assert not a.drop(columns=["seed"]).equals(c.drop(columns=["seed"]))


def test_a_replication_does_not_depend_on_batch_size(short):
    small = runs(short, replications=7, seed=11)
    large = runs(short, replications=250, seed=11)
    pd.testing.assert_frame_equal(small, large.iloc[:7])


def test_chunking_and_blocks_do_not_change_results(short):
    n = BLOCK_SIZE + 150
    one = run_scenario(short, n, seed=2, keep_traces=0, chunk_blocks=10)
    split = run_scenario(short, n, seed=2, keep_traces=0, chunk_blocks=1)
    pd.testing.assert_frame_equal(one.runs, split.runs)
    np.testing.assert_array_equal(one.daily.hist, split.daily.hist)
    assert one.runs["replication"].tolist() == list(range(n))
    assert one.runs["seed"].iloc[BLOCK_SIZE] == block_seed(2, 1)


def test_block_seeds_are_fixed_by_master_seed_and_index():
    blocks = make_blocks(9, 2500)
    assert [b.size for b in blocks] == [1000, 1000, 500]
    assert blocks[1].seed == block_seed(9, 1) == make_blocks(9, 1001)[1].seed
    assert len({b.seed for b in blocks}) == 3
    assert 0 <= blocks[0].seed < 2**63
    with pytest.raises(ValueError):
        make_blocks(9, 0)


def test_per_replication_overrides_equal_separate_runs(short):
    seed = block_seed(4, 0)
    lo = runs(
        short.model_copy(
            update={"mechanisms": short.mechanisms.model_copy(update={"hostile_bias": 0.0})}
        ),
        blocks=[Block(seed, 40)],
    )
    hi = runs(
        short.model_copy(
            update={"mechanisms": short.mechanisms.model_copy(update={"hostile_bias": 1.0})}
        ),
        blocks=[Block(block_seed(4, 1), 40)],
    )
    both = runs(
        short,
        blocks=[Block(seed, 40), Block(block_seed(4, 1), 40)],
        overrides={"mechanisms.hostile_bias": np.repeat([0.0, 1.0], 40)},
    )
    cols = [c for c in both.columns if c not in ("replication",)]
    pd.testing.assert_frame_equal(both.iloc[:40][cols].reset_index(drop=True), lo[cols])
    pd.testing.assert_frame_equal(both.iloc[40:][cols].reset_index(drop=True), hi[cols])


def test_actor_overrides_and_bad_overrides(short):
    m = EscalationModel(
        short,
        replications=3,
        overrides={
            "actors.Minsk.reputation": [0.1, 0.5, 0.9],
            "actors.Poland.posture": [0.1, 0.2, 0.3],
        },
    )
    np.testing.assert_allclose(m.instigator.reputation, [0.1, 0.5, 0.9])
    np.testing.assert_allclose(m.frontline[1].posture, [0.1, 0.2, 0.3])
    np.testing.assert_allclose(m.frontline[0].posture, 0.35)
    with pytest.raises(ValueError, match="unknown parameter"):
        EscalationModel(short, replications=3, overrides={"mechanisms.nope": [1, 2, 3]})
    with pytest.raises(ValueError, match="must lie in 0"):
        EscalationModel(short, replications=3, overrides={"mechanisms.hostile_bias": [0, 2, 1]})
    with pytest.raises(ValueError, match="must lie in 1"):
        EscalationModel(short, replications=3, overrides={"actors.EU.lag": [0, 2, 1]})
    with pytest.raises(ValueError, match="shape"):
        EscalationModel(short, replications=3, overrides={"mechanisms.hostile_bias": [0.1, 0.2]})


def test_groups_give_one_daily_summary_each(short):
    res = EscalationModel(short, replications=30, seed=1, groups=[10, 20]).run().result()
    assert [g.replications for g in res.daily_by_group] == [10, 20]
    assert res.daily.replications == 30
    np.testing.assert_array_equal(
        res.daily.rung_counts, sum(g.rung_counts for g in res.daily_by_group)
    )


def test_single_replication_runs(base):
    res = EscalationModel(base, replications=1, seed=0, keep_traces=1).run().result()
    assert len(res.runs) == 1 and len(res.traces) == base.days
    assert res.daily.replications == 1


def test_outcome_columns_and_invariants(base):
    res = run_scenario(base, 400, seed=3, keep_traces=20)
    r = res.runs
    required = [
        "replication",
        "seed",
        "armed_incident",
        "first_armed_incident_day",
        "nonlethal_clashes",
        "max_rung",
        "days_rung3_plus",
        "sanctions_packages",
        "arrivals",
        "pushbacks",
        "stranded_peak",
        "ambiguous_incidents",
        "blamed_on_instigator",
        "caused_by_instigator",
        "restraint_interventions",
        "final_reputation",
        "final_domestic_support",
        "goldstein_total",
    ]
    assert set(required) <= set(r.columns)
    assert r["armed_incident"].dtype == bool
    assert (r["armed_incident"] == r["first_armed_incident_day"].notna()).all()
    assert r["max_rung"].between(0, 6).all()
    assert (r.loc[r["armed_incident"], "max_rung"] >= 5).all()
    assert (r["blamed_on_instigator"] <= r["ambiguous_incidents"]).all()
    assert (r["caused_by_instigator"] <= r["ambiguous_incidents"]).all()
    assert (r["pushbacks"] <= r["attempts"]).all()
    np.testing.assert_allclose(r["pushbacks"] + r["entries"], r["attempts"], atol=2)
    assert (r["arrivals"] <= r["attempts"] + 1).all()  # repeat attempts come on top of arrivals
    assert r["days_rung3_plus"].between(0, base.days).all()
    assert len(res.traces) == 20 * base.days
    assert set(res.events["replication"]) <= set(range(20))
    daily = res.daily.to_frame()
    assert len(daily) == base.days and (daily["replications"] == 400).all()
    rung_cols = [f"rung{k}_all" for k in range(7)]
    assert (daily[rung_cols].sum(axis=1) == 400).all()


def test_event_log_explains_armed_incidents(base):
    res = run_scenario(base, 200, seed=1, keep_traces=200)
    armed = res.runs.loc[res.runs["armed_incident"], "replication"]
    assert len(armed) > 0
    story = res.events_of(int(armed.iloc[0]))
    rows = story[story["move"].isin(["armed_incident", "armed_conflict"])]
    assert len(rows) >= 1
    assert rows["reason"].str.contains("incident hazard").all()
    assert story["reason"].str.contains("retaliation|response").any()
    with pytest.raises(KeyError):
        res.events_of(10_000)


def test_keeping_one_late_replication_tells_the_same_story(short):
    full = EscalationModel(short, replications=60, seed=8, keep_traces=60).run().result()
    one = EscalationModel(short, replications=60, seed=8, keep=[47]).run().result()
    assert set(one.events["replication"]) == {47}
    pd.testing.assert_frame_equal(one.events_of(47), full.events_of(47))
    pd.testing.assert_frame_equal(
        one.traces.reset_index(drop=True),
        full.traces[full.traces["replication"] == 47].reset_index(drop=True),
    )


def test_event_log_table_names_ladder_moves_and_fields_of_the_day():
    """Every row kind of the event log reads a move of the ladder and fields of Today."""
    today = {f.name for f in dataclasses.fields(Today)}
    moves = {f.name for f in dataclasses.fields(InstigatorMoves)}
    for row in (*EVENT_ROWS["border"], *EVENT_ROWS["sanctioner"]):
        names = [row.move] if isinstance(row.move, str) else list(row.move.values())
        assert set(names) <= set(MOVES), row
        for field in (row.marks, row.perceived, row.blamed):
            if field is not None:
                head, _, tail = field.partition(".")
                assert head in today and (not tail or tail in moves), (row, field)


def test_per_replication_patron_and_crisis_parameters_equal_separate_runs(short):
    """The patron and the crisis arc weigh only some replications: each keeps its own values."""
    lo_values = {
        "incident_hazard": 0.02,
        "patron_restraint": 0.3,
        "patron_interest": 0.01,
        "patron_horizon": 20.0,
        "crisis_talks": 0.05,
        "withdrawal": 0.2,
    }
    hi_values = {
        "incident_hazard": 0.2,
        "patron_restraint": 0.9,
        "patron_interest": 0.2,
        "patron_horizon": 60.0,
        "crisis_talks": 0.5,
        "withdrawal": 0.6,
    }
    seeds = (block_seed(5, 0), block_seed(5, 1))
    arms = [
        runs(
            short.model_copy(update={"mechanisms": short.mechanisms.model_copy(update=values)}),
            blocks=[Block(seed, 30)],
        )
        for values, seed in ((lo_values, seeds[0]), (hi_values, seeds[1]))
    ]
    both = runs(
        short,
        blocks=[Block(seeds[0], 30), Block(seeds[1], 30)],
        overrides={
            f"mechanisms.{k}": np.repeat([lo_values[k], hi_values[k]], 30) for k in lo_values
        },
    )
    cols = [c for c in both.columns if c != "replication"]
    pd.testing.assert_frame_equal(both.iloc[:30][cols].reset_index(drop=True), arms[0][cols])
    pd.testing.assert_frame_equal(both.iloc[30:][cols].reset_index(drop=True), arms[1][cols])
    assert arms[1]["crisis_talks"].sum() > 0 and arms[1]["patron_mediations"].sum() > 0
