"""The route's pure rules (ODD 7.9) and the ladder's reading of a border-day."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.engine import route_rules as rr
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.state import Incidents, InstigatorMoves, MigrationFlow, rung_per_border


def test_approach_moves_a_share_of_the_gap_per_day():
    assert rr.approach(0.0, 1.0, 4.0) == pytest.approx(0.25)
    assert rr.approach(0.5, 0.5, 30.0) == pytest.approx(0.5)
    assert rr.approach(0.0, 1.0, 0.5) == pytest.approx(1.0)  # a lag below a day is a day


def test_inflow_is_supply_through_the_valve_and_the_cut_never_negative():
    assert rr.inflow(100, 0.5, 0.2, 0.0) == pytest.approx(40)
    assert rr.inflow(100, 1.0, 1.0, 3.0) == 0
    assert rr.inflow(4, 1.0, 0.0, -10.0) == 0


def test_fences_block_a_share_of_what_pushbacks_leave_open():
    assert rr.pushback_rate(0.5, 0, 0.3, 0.0) == pytest.approx(0.5)
    assert rr.pushback_rate(0.5, 0, 0.3, 0.5) == pytest.approx(0.75)
    assert rr.pushback_rate(0.9, 1.0, 0.3, 0.0) == pytest.approx(1.0)


def test_the_split_follows_ease_and_steering_and_sums_to_one():
    weight = np.array([[1.0], [1.0]], np.float32)
    even = rr.split_target(weight, np.zeros((2, 1)), 3.0, np.zeros((2, 1)), 1.0)
    np.testing.assert_allclose(even[:, 0], [0.5, 0.5])
    hard = rr.split_target(weight, np.array([[0.8], [0.2]]), 3.0, np.zeros((2, 1)), 1.0)
    assert hard[0, 0] < hard[1, 0] and hard.sum() == pytest.approx(1)
    steered = rr.split_target(weight, np.zeros((2, 1)), 3.0, np.array([[1.0], [0.0]]), 1.0)
    assert steered[0, 0] == pytest.approx(2 / 3)
    nothing = rr.split_target(np.zeros((2, 1)), np.zeros((2, 1)), 3.0, np.zeros((2, 1)), 1.0)
    np.testing.assert_allclose(nothing[:, 0], [0.5, 0.5])


def test_friction_force_and_death_rise_with_the_stranded():
    assert rr.friction(0, 1000) == 1 and rr.friction(1000, 1000) == pytest.approx(2)
    assert rr.force_probability(100, 2.0, 1000) > rr.force_probability(100, 1.0, 1000) > 0
    assert rr.death_probability(0, 1e-4) == 0 < rr.death_probability(1000, 1e-4) < 1
    assert rr.peak_to_final(99, 9) == pytest.approx(10)


def _day(arrived: float, posture: float = 0.1) -> np.ndarray:
    z = np.zeros((1, 1), bool)
    moves = InstigatorMoves(np.zeros((1, 1), np.int8), z, z, z, z, np.zeros(1, bool))
    a = np.full((1, 1), arrived, np.float32)
    flow = MigrationFlow(a, a, a * 0, a, z, z, z, *(np.zeros(1) for _ in range(5)))
    p = np.full((1, 1), posture, np.float32)
    inc = Incidents(z, z, z, p, p, p, np.zeros(1), z, z, z, np.zeros((1, 1), np.int8), z)
    return rung_per_border(moves, np.zeros((1, 1), np.int8), flow, inc, 0.5)


def test_arrivals_alone_are_not_rung_2():
    assert _day(arrived=500.0)[0, 0] == 0
    assert _day(arrived=500.0, posture=0.6)[0, 0] == 3  # militarised posture still is rung 3


def test_a_rung3_move_of_forces_already_there_is_not_a_new_deployment():
    res = EscalationModel("august_2021", replications=30, seed=3, keep_traces=30).run().result()
    ev = res.events
    assert {"troops_to_border", "reinforce_posture"} <= set(ev["move"])
    assert (ev.loc[ev["move"] == "reinforce_posture", "rung"] == 3).all()
    assert "force_against_migrants" in set(ev["move"]) and "pushback" not in set(ev["move"])
