"""Each rule against hand-computed values (no Mesa)."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.config import ladder
from escalation_sim.engine import rules


def test_attribution_rises_with_reputation_and_benefit_of_doubt_discounts_it():
    p = rules.attribution_probability([0.2, 0.5, 0.9], 0.0)
    np.testing.assert_allclose(p, [0.2, 0.5, 0.9], rtol=1e-6)
    np.testing.assert_allclose(rules.attribution_probability(0.9, 0.5), 0.45, rtol=1e-6)
    assert rules.attribution_probability(0.9, 1.0) == 0


def test_reputation_is_sticky_hostile_raises_more_than_gesture_lowers():
    up = rules.update_reputation(0.5, hostile=1.0, conciliatory=0, gain=0.04, loss=0.004)
    down = rules.update_reputation(0.5, hostile=0.0, conciliatory=1, gain=0.04, loss=0.004)
    assert up == pytest.approx(0.5 + 0.04 * 0.5, rel=1e-5)
    assert down == pytest.approx(0.5 - 0.004 * 0.5, rel=1e-5)
    assert (up - 0.5) == pytest.approx(10 * (0.5 - down), rel=1e-5)


def test_reputation_repairs_slowly_on_calm_days():
    calm = rules.update_reputation(0.8, 0.0, 0, 0.04, 0.004, calm=1, repair=0.002)
    busy = rules.update_reputation(0.8, 0.0, 0, 0.04, 0.004, calm=0, repair=0.002)
    assert calm == pytest.approx(0.8 * (1 - 0.002), rel=1e-5)
    assert busy == pytest.approx(0.8, rel=1e-6)


def test_restraint_follows_the_believed_contingency_of_punishment():
    # Restraint is what holding back is believed to spare: none if punishment comes anyway.
    assert rules.restraint(0.7, belief=1.0, nothing_to_lose=1.0) == pytest.approx(0.7)
    assert rules.restraint(0.7, belief=0.0, nothing_to_lose=1.0) == pytest.approx(0.0)
    assert rules.restraint(0.7, belief=0.4, nothing_to_lose=0.5) == pytest.approx(0.7 * 0.7)
    assert rules.restraint(0.7, belief=0.0, nothing_to_lose=0.0) == pytest.approx(0.7)


def test_belief_learns_from_earned_and_unearned_punishment_and_forgets():
    a, b = rules.update_belief(1.0, 1.0, 0.0, 3.0, prior=0.5, strength=2.0, forgetting=0.0)
    assert rules.contingency(a, b) == pytest.approx(0.2)  # blamed for what it did not do
    a, b = rules.update_belief(1.0, 1.0, 3.0, 0.0, prior=0.5, strength=2.0, forgetting=0.0)
    assert rules.contingency(a, b) == pytest.approx(0.8)
    # Without new evidence the belief returns to the prior.
    a, b = np.float32(9.0), np.float32(1.0)
    for _ in range(2000):
        a, b = rules.update_belief(a, b, 0, 0, prior=0.5, strength=2.0, forgetting=0.01)
    assert rules.contingency(a, b) == pytest.approx(0.5, abs=1e-3)
    assert a + b == pytest.approx(2.0, abs=1e-2)


def test_conduct_record_is_an_exponential_average():
    k = rules.update_conduct(0.0, 1.0, 0.1)
    assert k == pytest.approx(0.1)
    assert rules.update_conduct(k, 0.0, 0.1) == pytest.approx(0.09)


def test_provocation_probability_and_war_atmosphere():
    p = rules.provocation_probability(0.2, restraint_=0.5, war_atmosphere=0.5, urge=0.4)
    assert p == pytest.approx(0.2 * 0.5 * 1.2, rel=1e-5)
    assert rules.provocation_probability(0.2, 1.0, 1.0, 1.0) == 0
    # The urge to stoke a war atmosphere: only when support sags below its reference.
    assert rules.war_urge(support=0.4, reference=0.4) == pytest.approx(0.0)
    assert rules.war_urge(support=0.6, reference=0.4) == pytest.approx(0.0)
    assert rules.war_urge(support=0.2, reference=0.4) == pytest.approx(0.5)


def test_provocation_rung_thresholds():
    e = 0.5  # P(rung >= 2) = 0.5, P(rung 3) = 0.25
    assert rules.provocation_rung([0.9], e)[0] == 1
    assert rules.provocation_rung([0.3], e)[0] == 2
    assert rules.provocation_rung([0.1], e)[0] == 3
    u = np.linspace(0, 1, 100_001, dtype=np.float32)[:-1]
    r = rules.provocation_rung(u, e)
    assert (r >= 2).mean() == pytest.approx(0.5, abs=1e-3, rel=1e-5)
    assert (r == 3).mean() == pytest.approx(0.25, abs=1e-3, rel=1e-5)


def test_counter_rung_is_at_least_the_perceived_rung():
    np.testing.assert_array_equal(
        rules.counter_rung([0.6, 1.0, 1.2, 2.0, 2.01, 4.5], 3), [1, 1, 2, 2, 3, 3]
    )


def test_perceive_is_exact_without_noise_and_skewed_hostile_with_bias():
    rung = np.full(100_000, 2.0, np.float32)
    u = np.linspace(0, 1, 100_000, endpoint=False, dtype=np.float32)
    np.testing.assert_allclose(rules.perceive(rung, u, 0.5, 0.0), 2.0)
    neutral = rules.perceive(rung, u, 0.0, 1.0)
    assert neutral.mean() == pytest.approx(2.0, abs=1e-3, rel=1e-5)
    assert neutral.min() >= 1.0 and neutral.max() <= 3.0
    biased = rules.perceive(rung, u, 0.5, 1.0)
    assert (biased > 2).mean() == pytest.approx(0.75, abs=1e-3)  # (1 + 0.5) / 2
    assert biased.mean() == pytest.approx(2.25, abs=1e-2)  # E[err] = bias * noise / 2
    assert rules.perceive(0.0, 0.99, 0.0, 3.0) == 0  # clipped at the bottom of the ladder
    assert rules.perceive(6.0, 0.01, 0.0, 3.0) == 6


def test_threat_update():
    t = rules.update_threat(0.5, hostile_rungs=3.0, conciliatory=0, gain=0.3, decay=0.04)
    assert t == pytest.approx(0.5 * 0.96 + 0.3 * 0.5, rel=1e-5)
    calm = rules.update_threat(0.5, 0.0, conciliatory=1, gain=0.3, decay=0.0)
    assert calm == pytest.approx(0.5 - 0.15 * 0.5, rel=1e-5)
    assert rules.update_threat(0.9, 60.0, 0, 0.3, 0.0) == 1


def test_clash_probability_needs_posture_and_hostility():
    assert rules.clash_probability(0.03, 0.0, 0.9, 0.9) == 0
    assert rules.clash_probability(0.03, 0.9, 0.9, 0.0) == 0
    p = rules.clash_probability(0.03, 0.5, 0.6, 0.7)
    assert p == pytest.approx(1 - np.exp(-0.03 * 0.5 * 0.6 * 0.7), rel=1e-5)
    assert rules.clash_probability(0.03, 0.6, 0.6, 0.8) > rules.clash_probability(
        0.03, 0.6, 0.6, 0.4
    )


def test_armed_probability():
    assert rules.armed_probability(0.3, 0.5) == pytest.approx(0.15, rel=1e-5)
    assert rules.armed_probability(1.0, 2.0) == 1


def test_relax_posture_and_support():
    assert rules.relax_posture(0.8, 0.3, 0.1) == pytest.approx(0.75, rel=1e-5)
    s = rules.update_support(0.35, 0.35, threat=0.8, pain=0.0, war_atmosphere=0.5, rate=1.0)
    assert s == pytest.approx(0.35 + 0.5 * 0.8 * 0.65, rel=1e-5)
    assert rules.update_support(0.35, 0.35, 0.8, 0.0, 0.0, 1.0) == pytest.approx(0.35, rel=1e-5)
    assert rules.support_deficit(0.2, 0.4) == pytest.approx(0.5, rel=1e-5)
    assert rules.support_deficit(0.5, 0.4) == 0
    assert rules.sanctions_pain(10, 0.03, 0.5) == pytest.approx(0.15, rel=1e-5)


def test_migration_rules():
    # the route's rules are in route_rules (tests/unit/engine/test_route_rules.py)
    assert rules.standard_normal(0.0, 0.0) == pytest.approx(0.0, abs=1e-6)
    assert rules.standard_normal(1 - np.exp(-0.5), 0.0) == pytest.approx(1.0, rel=1e-5)


def test_goldstein_scores_match_the_brief():
    assert ladder.MOVES["impose_sanctions"][1] == -8.0
    assert ladder.MOVES["troops_to_border"][1] == -7.2
    assert ladder.MOVES["pushback"][1] == -5.0
    assert ladder.MOVES["national_measures"][1] == -7.5
    assert ladder.MOVES["armed_incident"][1] == -10.0
    assert ladder.MOVES["ease_sanctions"][1] == 7.0
    for name, move in ladder.MOVES.items():
        assert ladder.MIN_RUNG <= move.rung <= ladder.MAX_RUNG, name


def test_deliberate_goldstein_arrays_are_read_from_the_move_table():
    for side, by_rung, scores in (
        ("instigator", ladder.INSTIGATOR_MOVE_BY_RUNG, rules.INSTIGATOR_GOLDSTEIN),
        ("frontline", ladder.FRONTLINE_MOVE_BY_RUNG, rules.FRONTLINE_GOLDSTEIN),
    ):
        assert scores[0] == 0, side
        for rung, name in by_rung.items():
            assert ladder.MOVES[name].rung == rung, (side, name)
            assert scores[rung] == np.float32(ladder.MOVES[name].goldstein), (side, name)


def test_box_muller_gives_standard_normals():
    from scipy import stats

    rng = np.random.default_rng(0)
    z = rules.standard_normal(
        rng.random(200_000, dtype=np.float32), rng.random(200_000, dtype=np.float32)
    )
    assert np.isfinite(z).all()
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert stats.kstest(z, "norm").pvalue > 0.001
    assert np.isfinite(rules.standard_normal(np.float32(0.99999994), 0.3))


def test_relief_line_is_a_share_of_the_trigger_rate():
    # EU: a package for 20 hostility units over a 45-day cadence; relief below half that rate.
    assert rules.relief_line(0.5, 20.0, 45) == pytest.approx(0.5 * 20 / 45)
    np.testing.assert_allclose(
        rules.relief_line([[0.5], [1.0]], [[20.0], [30.0]], [[45], [60]]),
        [[20 / 90], [0.5]],
        rtol=1e-6,
    )


def test_patron_risk_grows_with_posture_hostility_and_horizon():
    base = rules.patron_risk(0.03, 0.4, 0.4, 0.3, 30)
    assert 0 < base < 1
    assert rules.patron_risk(0.03, 0.6, 0.4, 0.3, 30) > base  # Minsk's posture at the line
    assert rules.patron_risk(0.03, 0.4, 0.8, 0.3, 30) > base  # NATO's posture at the border
    assert rules.patron_risk(0.03, 0.4, 0.4, 0.6, 30) > base  # mutual threat
    assert rules.patron_risk(0.03, 0.4, 0.4, 0.3, 60) > base  # a longer horizon
    assert rules.patron_risk(0.03, 0.0, 0.4, 0.3, 30) == 0  # no forces at the line: no risk
    # Held for H days: 1 - (1 - p)^H with p the daily clash probability (eq. 9).
    p = rules.clash_probability(0.03, 0.4, 0.4, 0.3)
    assert base == pytest.approx(1 - (1 - p) ** 30, rel=1e-4)


def test_patron_restraint_weighs_risk_against_interest():
    # No risk: no restraint; risk equal to its (unshrunk) interest: half its stake.
    assert rules.patron_restraint(0.8, 0.0, 0.03, 0.0) == 0
    assert rules.patron_restraint(0.8, 0.03, 0.03, 0.0) == pytest.approx(0.4)
    # Rising with risk towards the stake, falling with its interest in Minsk's dependence.
    risks = np.array([0.01, 0.03, 0.1, 0.5], np.float32)
    p = rules.patron_restraint(0.8, risks, 0.03, 0.0)
    assert np.all(np.diff(p) > 0) and p[-1] < 0.8
    assert rules.patron_restraint(0.8, 0.03, 0.09, 0.0) < rules.patron_restraint(
        0.8, 0.03, 0.01, 0.0
    )
    # Isolation shrinks its interest (Minsk already depends on it): more restraint.
    assert rules.patron_restraint(0.8, 0.03, 0.03, 0.5) > rules.patron_restraint(
        0.8, 0.03, 0.03, 0.0
    )
    # Without any interest it restrains at its full stake whenever there is risk (the old veto).
    assert rules.patron_restraint(0.5, 1e-4, 0.0, 0.0) == pytest.approx(0.5)
    assert rules.patron_restraint(0.0, 0.5, 0.03, 0.0) == 0


def test_perceive_where_equals_perceive_under_the_mask_bit_for_bit():
    rng = np.random.default_rng(5)
    shape = (3, 500)
    rung = rng.integers(0, 7, shape).astype(np.int8)
    u = rng.random(shape, dtype=np.float32)
    bias = rng.random(shape[1]).astype(np.float32)  # per replication, broadcast over borders
    for mask in (rng.random(shape) < 0.05, np.zeros(shape, bool), np.ones(shape, bool)):
        expected = np.where(mask, rules.perceive(rung, u, bias, 0.5), 0)
        got = rules.perceive_where(mask, rung, u, bias, 0.5)
        assert got.dtype == expected.dtype == np.float32
        np.testing.assert_array_equal(got, expected)
