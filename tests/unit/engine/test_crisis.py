"""The crisis arc (ODD 7.11): a clash opens a crisis; talks end it and pull forces back."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from escalation_sim.config import ladder
from escalation_sim.engine import rules
from escalation_sim.engine.crisis import Crisis

MECH = SimpleNamespace(crisis_talks=0.5, withdrawal=0.4, leader_calls=0.0, allied_deployment=0.1)


def arrays(value: float) -> np.ndarray:
    return np.full((2, 3), value, np.float32)


def test_a_clash_opens_a_crisis_that_lapses_without_talks():
    c = Crisis(2, 3)
    clash = np.zeros((2, 3), bool)
    clash[1, 0] = True
    assert c.open(clash, 3).sum() == 1
    assert c.open(clash, 3).sum() == 0  # already open: prolonged, not new
    never = np.ones((2, 3), np.float32)
    for _ in range(3):
        assert c.days_left[1, 0] > 0
        c.step(
            never,
            never,
            MECH,
            np.zeros(3),
            arrays(0),
            (arrays(1), arrays(1)),
            (arrays(1), arrays(1)),
        )
    assert (c.days_left == 0).all()


def test_talks_sought_and_accepted_withdraw_forces_calm_both_sides_and_end_the_crisis():
    c = Crisis(2, 3)
    clash = np.zeros((2, 3), bool)
    clash[0, :] = True
    c.open(clash, 30)
    pm, pf, tm, tf = arrays(0.5), arrays(0.5), arrays(0.6), arrays(0.6)
    seek = np.zeros((2, 3), np.float32)
    accept = np.array([[0.1, 0.9, 0.1]] * 2, np.float32)
    restraint = np.array([0.5, 0.5, 0.5], np.float32)
    talks, called = c.step(seek, accept, MECH, restraint, arrays(0), (pm, pf), (tm, tf))
    assert not called.any()  # the frontline sought them: no leader's call needed
    np.testing.assert_array_equal(talks, [[True, False, True], [False, False, False]])
    assert pm[0, 0] == pytest.approx(0.3) and pf[0, 0] == pytest.approx(0.3)
    assert tm[0, 0] == pytest.approx(0.36) and tf[0, 2] == pytest.approx(0.36)
    assert pm[0, 1] == np.float32(0.5) and pm[1, 0] == np.float32(0.5)  # no talks: unchanged
    np.testing.assert_array_equal(c.days_left[0], [0, 29, 0])


def test_minsk_accepts_talks_by_its_restraint_or_under_moscows_mediation():
    assert rules.talks_acceptance(0.0, 0.0) == 0
    assert rules.talks_acceptance(0.5, 0.0) == pytest.approx(0.5)
    assert rules.talks_acceptance(0.5, 0.5) == pytest.approx(0.75)
    assert rules.talks_acceptance(0.0, 1.0) == pytest.approx(1.0)


def test_deescalating_moves_sit_below_rung_zero_and_score_as_cooperation():
    for name in ("crisis_talks", "mediation", "withdraw_forces", "ease_sanctions", "leader_call"):
        move = ladder.MOVES[name]
        assert move.rung < 0 and move.goldstein > 0, name
        assert ladder.rung_info(move.rung).level == move.rung
    assert ladder.rung_label(-2) == "-2 military de-escalation"
    assert ladder.rung_info(3).name == "militarised posture"


def test_a_leaders_call_offers_talks_the_frontline_did_not_seek():
    mech = SimpleNamespace(crisis_talks=0.2, withdrawal=0.4, leader_calls=0.25)
    c = Crisis(1, 4)
    c.open(np.ones((1, 4), bool), 30)
    # P(offered) = 1 - 0.8 * 0.75 = 0.4: below 0.2 the frontline seeks, 0.2..0.4 a call
    seek = np.array([[0.1, 0.3, 0.39, 0.5]], np.float32)
    accept = np.zeros((1, 4), np.float32)  # accepted wherever offered
    p = np.full((1, 4), 0.5, np.float32)
    talks, called = c.step(
        seek, accept, mech, np.full(4, 0.5, np.float32), p * 0, (p, p.copy()), (p.copy(), p.copy())
    )
    np.testing.assert_array_equal(called, [[False, True, True, False]])
    np.testing.assert_array_equal(talks, [[True, True, True, False]])


def test_allies_deploy_once_per_crisis_raising_frontline_posture_and_minsks_threat():
    c = Crisis(2, 2)
    clash = np.array([[True, False], [False, False]])
    c.open(clash, 30)
    inst = SimpleNamespace(threat=arrays(0.2)[:, :2].copy())
    front = SimpleNamespace(posture=arrays(0.4)[:, :2].copy())
    mech = SimpleNamespace(allied_deployment=0.1, threat_gain=0.6)
    allied = c.deploy(clash, mech, inst, front)
    np.testing.assert_array_equal(allied, clash)
    assert front.posture[0, 0] == pytest.approx(0.5) and front.posture[0, 1] == pytest.approx(0.4)
    assert inst.threat[0, 0] == pytest.approx(0.2 + 0.6 * 0.5)  # read as a rung-3 move
    assert not c.deploy(clash, mech, inst, front).any()  # once per crisis
    c.days_left[:] = 0
    c.deployed &= c.days_left > 0  # the crisis ended: a new one can bring allies again
    assert c.deploy(clash, mech, inst, front).sum() == 1
    none = SimpleNamespace(allied_deployment=0.0, threat_gain=0.6)
    assert not Crisis(2, 2).deploy(clash, none, inst, front).any()
