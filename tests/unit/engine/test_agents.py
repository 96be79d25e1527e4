"""Each agent's decision on scripted inputs (Axelrod-style: given these perceptions, this move)."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.engine.agents import Frontline, Sanctioner
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.state import Incidents, MigrationFlow
from tests.support import with_changes

R = 4


def uniforms(model: EscalationModel, **rows: float | list[float]) -> dict[str, np.ndarray]:
    """A full set of slots, 'never fires' (0.999) unless given."""
    u = {
        name: np.full((s.stop - s.start, R), 0.999, np.float32) for name, s in model._slots.items()
    }
    for name, value in rows.items():
        u[name][:] = np.asarray(value, np.float32)
    return u


@pytest.fixture
def model(base):
    return EscalationModel(base, replications=R, seed=3)


def test_instigator_answers_every_perceived_act_at_least_in_kind(model):
    inst = model.instigator
    inst.unanswered[:] = np.array([2.3, 0.0, 2.3, 1.2], np.float32)  # same on every border
    u = uniforms(model, retaliate=[0.1, 0.1, 0.95, 0.1])
    moves = inst.decide(u)
    # 2.3 -> rung 3; nothing to answer; unlucky draw (>= retaliation 0.8); 1.2 below answer_rung
    np.testing.assert_array_equal(moves.rung[0], [3, 0, 0, 0])
    np.testing.assert_array_equal(moves.retaliated[0], [True, False, False, False])
    assert not inst.unanswered.any(), "each act gets one chance of an answer"


def test_instigator_never_chooses_force_by_default(model):
    inst = model.instigator
    inst.unanswered[:] = 5.8  # perceived an armed incident
    moves = inst.decide(uniforms(model, retaliate=0.0))
    assert moves.rung.max() == 3  # max_deliberate_rung


def test_minsk_provokes_more_when_it_believes_punishment_comes_anyway(model):
    inst = model.instigator
    inst.earned[:] = [9, 9, 1, 1]  # evidence that punishment answers its conduct
    inst.unearned[:] = [1, 1, 9, 9]  # ... and that it comes whatever it does
    # restraint 0.7*0.9=0.63 vs 0.7*0.1=0.07; p = 0.15*(1-restraint) (support at reference)
    moves = inst.decide(uniforms(model, provoke=0.07))
    np.testing.assert_array_equal(moves.provoked[0], [False, False, True, True])


def test_covert_provocation_is_unobservable(model):
    inst = model.instigator
    moves = inst.decide(uniforms(model, provoke=0.0, covert=0.0))
    assert moves.provoked.all() and moves.covert.all()
    assert not moves.rung.any()


def test_patron_talks_minsk_down_from_militarised_moves(model):
    inst = model.instigator
    inst.unanswered[:] = 2.5
    moves = inst.decide(uniforms(model, retaliate=0.0))
    model.patron.review(moves, np.array([[0.1, 0.9, 0.1, 0.9]] * 3, np.float32))
    np.testing.assert_array_equal(moves.rung[0], [1, 3, 1, 3])
    np.testing.assert_array_equal(moves.restrained[0], [True, False, True, False])


def test_patron_restrains_more_where_the_risk_of_a_clash_is_higher(model):
    patron, front = model.patron, model.front
    inst = model.instigator
    inst.posture[:] = 0.3
    inst.threat[:] = front.threat[:] = 0.3
    front.posture[:] = 0.2
    front.posture[1] = 0.9  # NATO forces massed at the second border
    pressure = patron.restraint(inst.posture)
    assert np.all(pressure[1] > pressure[0])
    assert np.all(pressure <= model.mechanisms.patron_restraint)
    # Calm on both sides: hardly any risk, hardly any restraint.
    inst.threat[:] = front.threat[:] = 0.01
    assert np.all(patron.restraint(inst.posture) < pressure[0])


def test_patron_mediates_only_where_fire_was_exchanged(model):
    inst = model.instigator
    inst.posture[:] = 0.6
    inst.threat[:] = 0.5
    armed = np.zeros((model.F, R), bool)
    armed[2, :2] = True
    model.patron.mediate(armed)
    assert np.all(inst.posture[2, :2] < 0.6) and np.all(inst.threat[2, :2] < 0.5)
    assert np.all(inst.posture[:2] == np.float32(0.6)) and np.all(
        inst.posture[2, 2:] == np.float32(0.6)
    )
    assert model.patron.mediated.sum() == 2


def test_frontline_answers_in_kind_unless_forgiving(base):
    for forgiveness, expect in ((0.0, [2, 3, 0, 0]), (0.9, [0, 0, 0, 0])):
        m = EscalationModel(with_changes(base, forgiveness=forgiveness), replications=R, seed=1)
        m.front.unanswered[:] = np.array([1.9, 2.4, 1.0, 0.0], np.float32)
        # respond fires when u < frontline_response * (1 - forgiveness) = 0.5 or 0.05
        rung = Frontline.respond(m, uniforms(m, respond=0.2))
        np.testing.assert_array_equal(rung[0], expect)
        assert not m.front.unanswered.any()


def test_sanctioner_decides_after_threshold_and_adopts_after_lag(model):
    s = model.sanc
    eu = model.sanctioner_names.index("EU")
    threshold = model.sanc_params["threshold"][eu, 0]
    lag = int(model.sanc_params["lag"][eu, 0])
    level0 = s.level[eu].copy()
    day = 30  # not a crisis-meeting day
    Sanctioner.attribute_and_decide(model, day, np.array([threshold + 1, 1, 0, 0], np.float32))
    np.testing.assert_array_equal(s.pending[eu], [day + lag, -1, -1, -1])
    assert s.hostility[eu, 0] == 0
    new, eased = Sanctioner.adopt_and_ease(model, day + lag)
    np.testing.assert_array_equal(new[eu], [1, 0, 0, 0])
    np.testing.assert_array_equal(s.level[eu], level0 + np.array([1, 0, 0, 0]))
    assert not eased.any()


def test_crisis_meeting_lowers_the_threshold(model):
    eu = model.sanctioner_names.index("EU")
    threshold = model.sanc_params["threshold"][eu, 0]
    meeting_day = 6  # 18 August 2021
    Sanctioner.attribute_and_decide(model, meeting_day, np.full(R, 0.6 * threshold, np.float32))
    assert (model.sanc.pending[eu] > 0).all()


def test_ratchet_never_eases_but_relief_does_when_calm(base):
    for ratchet, expect in ((True, 0), (False, 1)):
        m = EscalationModel(with_changes(base, sanctions_ratchet=ratchet), replications=R, seed=1)
        level0 = m.sanc.level.copy()
        m.sanc.ema[:] = 0  # calm: no hostility attributed lately
        _, eased = Sanctioner.adopt_and_ease(m, 100)
        assert (eased == expect).all()
        np.testing.assert_array_equal(m.sanc.level, level0 - expect)
        m.sanc.ema[:] = 1.0  # hostile: no relief even without the ratchet
        _, eased = Sanctioner.adopt_and_ease(m, 170)
        assert not eased.any()


def test_valve_opens_with_each_package_and_closes_with_easing(model):
    inst = model.instigator
    inst.valve[:] = 0.5
    inst.react_to_sanctions(np.array([0, 1, 2, 0]), np.array([0, 0, 0, 1]))
    np.testing.assert_allclose(inst.valve, [0.5, 0.6, 0.68, 0.4], rtol=1e-6)


def test_relief_line_is_a_share_of_the_sanctioners_trigger_rate(base):
    m = EscalationModel(with_changes(base, sanctions_ratchet=False), replications=R, seed=1)
    sp = m.sanc_params
    line = sp["relief_threshold"] * sp["threshold"] / sp["cadence"]  # (S, 1)
    m.sanc.ema[:] = line * np.array([0.9, 0.9, 1.1, 1.1], np.float32)
    _, eased = Sanctioner.adopt_and_ease(m, 100)
    np.testing.assert_array_equal(eased, [[1, 1, 0, 0]] * m.S)


def _incidents(R: int, amb=0, blamed_bg=0, blamed_cov=0, clash=0, blamed_clash=0):
    def row(v):
        return np.broadcast_to(np.asarray(v, bool), (3, R)).copy()

    z = np.zeros((3, R), np.float32)
    return Incidents(
        amb_bg=row(amb),
        blamed_bg=row(blamed_bg),
        blamed_cov=row(blamed_cov),
        posture_m=z,
        posture_f=z,
        hostility=z,
        p_any=z[0],
        clash=row(clash),
        armed=row(0),
        conflict=row(0),
        clash_rung=np.zeros((3, R), np.int8),
        blamed_clash=row(blamed_clash),
    )


def test_minsk_learns_that_punishment_comes_whatever_it_does(model):
    inst, none = model.instigator, np.zeros(R, np.int16)
    prior = inst.belief.copy()
    # Blamed for incidents it did not cause (replications 0, 1) vs spared (2, 3).
    inst.learn(none, none, _incidents(R, amb=1, blamed_bg=[1, 1, 0, 0]))
    assert (inst.belief[:2] < prior[:2]).all() and (inst.belief[2:] > prior[2:]).all()


def test_an_easing_is_evidence_that_restraint_pays_and_a_package_after_calm_is_not(model):
    inst = model.instigator
    inst.conduct[:] = 0.0  # it has done nothing lately
    prior = inst.belief.copy()
    inst.learn(np.array([1, 1, 0, 0], np.int16), np.array([0, 0, 1, 1], np.int16), _incidents(R))
    assert (inst.belief[:2] < prior[:2]).all() and (inst.belief[2:] > prior[2:]).all()


def test_an_unblamed_clash_is_felt_as_hostile_from_an_unknown_author(base):
    from escalation_sim.engine.model import EscalationModel as M

    m = M(with_changes(base, perception_noise=0.0), replications=R, seed=3)
    before = m.front.threat.copy()
    hostility_before = m.sanc.hostility.copy()
    z = np.zeros((m.F, R), bool)
    clash = z.copy()
    clash[0] = True
    inc = Incidents(
        amb_bg=z,
        blamed_bg=z,
        blamed_cov=z,
        posture_m=m.front.posture,
        posture_f=m.front.posture,
        hostility=m.front.threat,
        p_any=np.zeros(R, np.float32),
        clash=clash,
        armed=z,
        conflict=z,
        clash_rung=np.where(clash, 4, 0).astype(np.int8),
        blamed_clash=z,
    )
    moves = m.instigator.decide(uniforms(m))
    f0 = np.zeros((m.F, R), np.float32)
    r0 = np.zeros(R, np.float32)
    no_route = MigrationFlow(f0, f0, f0, f0, z, z, z, r0, r0 > 0, r0 > 0, r0 > 0, r0)  # none
    m._frontline_perception(uniforms(m), moves, inc, no_route)
    assert np.all(m.front.threat[0] > before[0])  # felt at that border
    assert np.all(m.front.unanswered[0] < 4)  # but no author to answer
    # nor to sanction: only the sanctioners' own repression trigger adds (eq. 10b)
    repression = m.sanc_params["repression_weight"] * (1 - m.instigator.support)
    np.testing.assert_allclose(m.sanc.hostility, hostility_before + repression, rtol=1e-6)


def test_a_patron_with_no_stake_does_not_mediate(base):
    from escalation_sim.engine.model import EscalationModel as M

    m = M(with_changes(base, patron_restraint=0.0), replications=R, seed=3)
    m.instigator.posture[:] = 0.6
    armed = np.ones((m.F, R), bool)
    m.patron.mediate(armed)
    assert not m.patron.mediated.any()
    assert np.all(m.instigator.posture == np.float32(0.6))
