"""Pure functions: the arithmetic of the ten mechanisms.

Agents decide, these compute. Every function works element-wise on scalars or
numpy arrays (the replication axis is the last one), never draws random
numbers itself (it is given uniforms), and has no side effects, so each one is
testable without Mesa. Equation numbers refer to ``docs/ODD.md``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from escalation_sim.config.ladder import (
    FRONTLINE_MOVE_BY_RUNG,
    INSTIGATOR_MOVE_BY_RUNG,
    MAX_RUNG,
    goldstein_by_rung,
)

F32 = np.float32

# Goldstein score of a deliberate move of rung 0..6 (index by rung), per side.
INSTIGATOR_GOLDSTEIN = np.array(goldstein_by_rung(INSTIGATOR_MOVE_BY_RUNG), dtype=F32)
FRONTLINE_GOLDSTEIN = np.array(goldstein_by_rung(FRONTLINE_MOVE_BY_RUNG), dtype=F32)
Array = NDArray[np.float32]


# ----------------------------------------------------------------- 1. no benefit of the doubt
def attribution_probability(reputation: ArrayLike, benefit_of_doubt: ArrayLike) -> Array:
    """P(observers blame the instigator for an ambiguous incident) (eq. 1).

    Rises with pariah reputation; benefit of the doubt discounts it to zero at 1.
    """
    return np.clip(
        np.asarray(reputation, F32) * (F32(1) - np.asarray(benefit_of_doubt, F32)), 0, 1
    ).astype(F32)


def update_reputation(
    reputation: ArrayLike,
    hostile: ArrayLike,
    conciliatory: ArrayLike,
    gain: ArrayLike,
    loss: ArrayLike,
    calm: ArrayLike = 0,
    repair: ArrayLike = 0,
) -> Array:
    """Sticky pariah reputation (eq. 2): hostile acts raise it fully, gestures barely lower it.

    ``hostile`` is the day's attributed hostility (sum of perceived rungs / 6);
    ``conciliatory`` the share of observers who read the day's gesture as one;
    ``calm`` is 1 on a day with nothing attributed, when ``repair`` lowers it slowly.
    """
    r = np.asarray(reputation, F32)
    r = r + np.asarray(gain, F32) * np.asarray(hostile, F32) * (1 - r)
    r = r - np.asarray(loss, F32) * np.asarray(conciliatory, F32) * r
    r = r - np.asarray(repair, F32) * np.asarray(calm, F32) * r
    return np.clip(r, 0, 1).astype(F32)


# ----------------------------------------------------------------- 2. nothing to lose
def update_conduct(conduct: ArrayLike, hostile_share: ArrayLike, memory: ArrayLike) -> Array:
    """The instigator's record of its own recent hostility (eq. 3a), 0 .. 1.

    An exponential average of the share of borders where it made a hostile move.
    """
    k = np.asarray(conduct, F32)
    return (k + np.asarray(memory, F32) * (np.asarray(hostile_share, F32) - k)).astype(F32)


def update_belief(
    earned: ArrayLike,
    unearned: ArrayLike,
    new_earned: ArrayLike,
    new_unearned: ArrayLike,
    prior: ArrayLike,
    strength: ArrayLike,
    forgetting: ArrayLike,
) -> tuple[Array, Array]:
    """Evidence for and against contingent punishment (eq. 3b), a forgetting Beta belief.

    ``earned`` counts punishments that matched the instigator's conduct (and fair
    treatment), ``unearned`` those that did not; both fade towards the prior's
    pseudo-counts at rate ``forgetting`` before today's evidence is added.
    """
    f, n, m = np.asarray(forgetting, F32), np.asarray(strength, F32), np.asarray(prior, F32)
    a = np.asarray(earned, F32) * (1 - f) + f * n * m + np.asarray(new_earned, F32)
    b = np.asarray(unearned, F32) * (1 - f) + f * n * (1 - m) + np.asarray(new_unearned, F32)
    return a.astype(F32), b.astype(F32)


def contingency(earned: ArrayLike, unearned: ArrayLike) -> Array:
    """Believed share of Western punishment that answers the instigator's conduct (eq. 3c)."""
    a, b = np.asarray(earned, F32), np.asarray(unearned, F32)
    return (a / np.maximum(a + b, F32(1e-6))).astype(F32)


def restraint(base: ArrayLike, belief: ArrayLike, nothing_to_lose: ArrayLike) -> Array:
    """Instigator restraint (eq. 3): what holding back is believed to spare it.

    The expected marginal punishment of a provocation over holding back is the
    believed contingency; with ``nothing_to_lose`` 0 it acts as if it were 1.
    """
    c = np.clip(np.asarray(belief, F32), 0, 1)
    believed = 1 - np.asarray(nothing_to_lose, F32) * (1 - c)
    return np.clip(np.asarray(base, F32) * believed, 0, 1).astype(F32)


def provocation_probability(
    rate: ArrayLike, restraint_: ArrayLike, war_atmosphere: ArrayLike, urge: ArrayLike
) -> Array:
    """Daily probability of a deliberate provocation at one border (eq. 4).

    Restraint holds it back; the urge to keep a war atmosphere (:func:`war_urge`)
    pushes it up in proportion to how much the regime values that atmosphere.
    """
    p = np.asarray(rate, F32) * (1 - np.asarray(restraint_, F32))
    p = p * (1 + np.asarray(war_atmosphere, F32) * np.asarray(urge, F32))
    return np.clip(p, 0, 1).astype(F32)


def war_urge(support: ArrayLike, reference: ArrayLike) -> Array:
    """Urge to stoke an atmosphere of a country at war (eq. 4a), 0 .. 1.

    The regime provokes to mobilise the apparatus and justify repression when it
    needs support: the urge is the relative shortfall of support below its
    reference (e.g. from sanctions pain). Felt threat does not enter (a fading
    threat is no reason to provoke; it already raises support through eq. 12).
    """
    return support_deficit(support, reference)


def provocation_rung(u: ArrayLike, escalation: ArrayLike) -> NDArray[np.int8]:
    """Rung of a provocation from one uniform (eq. 5): P(>=2) = e, P(3) = e**2."""
    u, e = np.asarray(u, F32), np.clip(np.asarray(escalation, F32), 0, 1)
    return (1 + (u < e) + (u < e * e)).astype(np.int8)


def relief_line(relief_threshold: ArrayLike, threshold: ArrayLike, cadence: ArrayLike) -> Array:
    """Smoothed attributed hostility below which a sanctioner eases (M19), hostility units/day.

    A share of its own trigger rate (``threshold / cadence``): relief for restraint.
    """
    rate = np.asarray(threshold, F32) / np.asarray(cadence, F32)
    return (np.asarray(relief_threshold, F32) * rate).astype(F32)


# ----------------------------------------------------------------- 3. retaliation
def counter_rung(perceived: ArrayLike, cap: int) -> NDArray[np.int8]:
    """Rung of a counter-move: at least the perceived rung (eq. 6), capped at ``cap``."""
    return np.clip(np.ceil(np.asarray(perceived, F32) - F32(1e-4)), 1, cap).astype(np.int8)


# ----------------------------------------------------------------- 4. mutual hostile interpretation
def perceive(rung: ArrayLike, u: ArrayLike, hostile_bias: ArrayLike, noise: ArrayLike) -> Array:
    """Perceived rung of a move (eq. 7), from one uniform ``u``.

    The error is upward with probability (1 + hostile_bias) / 2 and has a
    uniform magnitude up to ``noise`` rungs; the upper and lower parts of ``u``
    serve as the magnitude, so one draw gives both sign and size.
    """
    u = np.asarray(u, F32)
    p_up = (1 + np.asarray(hostile_bias, F32)) * F32(0.5)
    up = u < p_up
    # err = +u / p_up upwards, -(u - p_up) / (1 - p_up) downwards: one division, the same
    # floating-point values (p - u == -(u - p) exactly)
    num = np.where(up, u, p_up - u)
    den = np.where(up, np.maximum(p_up, F32(1e-6)), np.maximum(1 - p_up, F32(1e-6)))
    seen = np.asarray(rung, F32) + num / den * np.asarray(noise, F32)  # broadcast shape
    return np.minimum(np.maximum(seen, F32(0)), F32(MAX_RUNG))


def perceive_where(
    mask: np.ndarray, rung: ArrayLike, u: ArrayLike, hostile_bias: ArrayLike, noise: ArrayLike
) -> Array:
    """``perceive`` where ``mask`` holds, 0 elsewhere: the same values, computed only there.

    Most moves and incidents are rare on a given day, so perceiving only the masked elements
    saves most of the arithmetic on the hot path; the result equals
    ``np.where(mask, perceive(rung, u, hostile_bias, noise), 0)`` bit for bit.
    """
    mask = np.asarray(mask, bool)
    out = np.zeros(mask.shape, F32)
    if not mask.any():
        return out
    shape = mask.shape

    def at(x: ArrayLike) -> np.ndarray:
        return np.broadcast_to(np.asarray(x), shape)[mask]

    out[mask] = perceive(at(rung), at(np.asarray(u, F32)), at(hostile_bias), at(noise))
    return out


def update_threat(
    threat: ArrayLike,
    hostile_rungs: ArrayLike,
    conciliatory: ArrayLike,
    gain: ArrayLike,
    decay: ArrayLike,
) -> Array:
    """Perceived threat (eq. 8): decays, rises with perceived hostility, falls with gestures."""
    t = np.asarray(threat, F32) * (1 - np.asarray(decay, F32))
    t = t + np.asarray(gain, F32) * np.asarray(hostile_rungs, F32) / MAX_RUNG
    t = t - np.asarray(gain, F32) * F32(0.5) * np.asarray(conciliatory, F32) * t
    return np.clip(t, 0, 1).astype(F32)


# ----------------------------------------------------------------- 5. unintended armed incidents
def clash_probability(
    scale: ArrayLike, posture_a: ArrayLike, posture_b: ArrayLike, hostility: ArrayLike
) -> Array:
    """Daily probability of a clash at one border (eq. 9).

    Zero when either side has no forces there or nobody feels threatened: no
    constant base hazard, so incidents need posture and mutual hostility.
    """
    rate = (
        np.asarray(scale, F32)
        * np.asarray(posture_a, F32)
        * np.asarray(posture_b, F32)
        * np.asarray(hostility, F32)
    )
    return (-np.expm1(-rate)).astype(F32)


def armed_probability(escalation: ArrayLike, hostility: ArrayLike) -> Array:
    """P(a clash becomes an exchange of fire) (eq. 10), rising with mutual threat."""
    return np.clip(np.asarray(escalation, F32) * np.asarray(hostility, F32), 0, 1).astype(F32)


# ----------------------------------------------------------------- 8. patron restraint
def patron_risk(
    scale: ArrayLike,
    posture_m: ArrayLike,
    posture_f: ArrayLike,
    hostility: ArrayLike,
    horizon: ArrayLike,
) -> Array:
    """Risk Moscow weighs (eq. 20a): P(a clash at this border within its horizon).

    The clash hazard of eq. 9 at the given postures (the instigator's after its
    move) and mutual threat, held for ``horizon`` days.
    """
    # 1 - (1 - p)^H with 1 - p = exp(-rate) (eq. 9): one exponential.
    rate = (
        np.asarray(scale, F32)
        * np.asarray(posture_m, F32)
        * np.asarray(posture_f, F32)
        * np.asarray(hostility, F32)
    )
    return (-np.expm1(-np.asarray(horizon, F32) * rate)).astype(F32)


def patron_restraint(
    stake: ArrayLike, risk: ArrayLike, interest: ArrayLike, isolation: ArrayLike
) -> Array:
    """How hard Moscow restrains (eq. 20b): its stake, scaled by risk against its interest.

    ``stake * risk / (risk + interest * (1 - isolation))``: nothing when there is no
    risk, its full stake when the risk dwarfs what Minsk's confrontation with the
    West is worth to it; that worth shrinks as sanctions isolate Minsk (``isolation``
    = packages in force / the sanctioners' room, 0..1).
    """
    r = np.asarray(risk, F32)
    worth = np.asarray(interest, F32) * (1 - np.clip(np.asarray(isolation, F32), 0, 1))
    denom = r + worth
    share = np.divide(r, denom, out=np.zeros(np.broadcast(r, denom).shape, F32), where=denom > 0)
    return (np.asarray(stake, F32) * share).astype(F32)


# ----------------------------------------------------------------- 11. crisis arc
def talks_acceptance(restraint_: ArrayLike, mediation: ArrayLike) -> Array:
    """P(the instigator accepts talks in a crisis) (eq. 21a).

    It accepts by its own restraint (eq. 3) or under Moscow's mediation (eq. 20b):
    ``1 - (1 - restraint)(1 - mediation)``.
    """
    r, m = np.asarray(restraint_, F32), np.asarray(mediation, F32)
    return (1 - (1 - r) * (1 - m)).astype(F32)


def relax_posture(posture: ArrayLike, baseline: ArrayLike, decay: ArrayLike) -> Array:
    """Posture relaxes towards its baseline (eq. 11)."""
    p = np.asarray(posture, F32)
    return (p + np.asarray(decay, F32) * (np.asarray(baseline, F32) - p)).astype(F32)


# ----------------------------------------------------------------- 7. war atmosphere
def update_support(
    support: ArrayLike,
    reference: ArrayLike,
    threat: ArrayLike,
    pain: ArrayLike,
    war_atmosphere: ArrayLike,
    rate: ArrayLike,
) -> Array:
    """Domestic support moves towards reference + rally effect - sanctions pain (eq. 12)."""
    target = np.clip(
        np.asarray(reference, F32)
        + np.asarray(war_atmosphere, F32)
        * np.asarray(threat, F32)
        * (1 - np.asarray(reference, F32))
        - np.asarray(pain, F32),
        0,
        1,
    )
    s = np.asarray(support, F32)
    return np.clip(s + np.asarray(rate, F32) * (target - s), 0, 1).astype(F32)


def support_deficit(support: ArrayLike, reference: ArrayLike) -> Array:
    """Relative shortfall of support below its reference, 0 .. 1."""
    ref = np.maximum(np.asarray(reference, F32), F32(1e-6))
    return np.clip((ref - np.asarray(support, F32)) / ref, 0, 1).astype(F32)


def repression(support: ArrayLike) -> Array:
    """Minsk's domestic repression, 0 .. 1: the shortfall of its support (eq. 10b).

    A regime with less support crushes more opponents (article: Lukashenko "has crushed his
    opponents at home"); the US/UK/Canada sanction it besides conduct at the border.
    """
    return np.clip(1 - np.asarray(support, F32), 0, 1).astype(F32)


def sanctions_pain(level: ArrayLike, per_package: ArrayLike, cushion: ArrayLike) -> Array:
    """Support lost to sanctions in force, after the patron's cushion (eq. 13).

    ``level`` is the pain-weighted count of packages, sum over sanctioners of level x pain.
    """
    return (
        np.asarray(level, F32) * np.asarray(per_package, F32) * (1 - np.asarray(cushion, F32))
    ).astype(F32)


# ----------------------------------------------------------------- 9. migration
# The route's arithmetic is in ``route_rules`` (eqs. 14-22); its standard normal is here.
def standard_normal(u1: ArrayLike, u2: ArrayLike) -> Array:
    """Standard normal deviates from two uniforms in [0, 1) (Box-Muller)."""
    radius = np.sqrt(-2 * np.log1p(-np.asarray(u1, F32)))  # log(1 - u1): finite for u1 < 1
    return (radius * np.cos(2 * np.pi * np.asarray(u2, F32))).astype(F32)


def hostile_only(seen: ArrayLike) -> Array:
    """Perceived rungs of acts read as hostile (>= 0.5), else 0."""
    seen = np.asarray(seen, F32)
    return seen * (seen >= F32(0.5))  # x * 1 = x, x * 0 = +0 for the rungs (>= 0)
