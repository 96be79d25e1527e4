"""Pure functions of the migrant route (ODD 7.9, eqs. 14-22): stocks, splits and frictions.

Like ``rules``: element-wise on scalars or arrays (the replication axis last), given
uniforms rather than drawing them, no side effects. ``route`` applies them each day.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

F32 = np.float32
Array = NDArray[np.float32]


def approach(value: ArrayLike, target: ArrayLike, lag: ArrayLike) -> Array:
    """One day of a first-order lag: ``value`` moves 1/lag of the way to ``target`` (eq. 17)."""
    v = np.asarray(value, F32)
    return (v + (np.asarray(target, F32) - v) / np.maximum(np.asarray(lag, F32), 1)).astype(F32)


def inflow(supply: ArrayLike, valve: ArrayLike, cut: ArrayLike, z: ArrayLike) -> Array:
    """People the route brings into Belarus today (eq. 15): supply x valve x (1 - cut).

    Gaussian approximation of a Poisson count from the standard normal ``z``; never negative.
    """
    mu = np.asarray(supply, F32) * np.asarray(valve, F32) * (1 - np.asarray(cut, F32))
    return np.maximum(mu + np.sqrt(mu) * np.asarray(z, F32), 0).astype(F32)


def escorted(escort: ArrayLike, share: ArrayLike, waiting: ArrayLike) -> Array:
    """People Minsk's border guards escort to each border (F, R) from those waiting (eq. 15b).

    Each escort takes ``share`` of the people waiting in Belarus to its border; escorts at
    several borders on one day share them out if they would take more than all.
    """
    take = np.asarray(escort, F32) * np.asarray(share, F32)
    total = np.maximum(take.sum(axis=0, keepdims=True), 1)
    return (take / total * np.asarray(waiting, F32)).astype(F32)


def pushback_rate(
    base: ArrayLike, pressure: ArrayLike, per_pressure: ArrayLike, fence: ArrayLike
) -> Array:
    """Share of crossing attempts turned back (eq. 14).

    The base rate rises with domestic pressure; a fence blocks its share of the rest.
    """
    open_ = 1 - np.clip(
        np.asarray(base, F32) + np.asarray(per_pressure, F32) * np.asarray(pressure, F32), 0, 1
    )
    return np.clip(1 - open_ * (1 - np.asarray(fence, F32)), 0, 1).astype(F32)


def split_target(
    weight: ArrayLike,
    difficulty: ArrayLike,
    sensitivity: ArrayLike,
    steer: ArrayLike,
    steering: ArrayLike,
) -> Array:
    """Where the flow would go (eq. 16), (F, R) shares summing to 1 over borders (axis 0).

    A border's pull is its geographic ``weight``, times exp(-sensitivity x difficulty)
    (people go where crossing is easier), times 1 + steering x steer (Minsk sends them
    to the neighbours it resents). Borders of zero weight get nothing.
    """
    pull = (
        np.asarray(weight, F32)
        * np.exp(-np.asarray(sensitivity, F32) * np.asarray(difficulty, F32))
        * (1 + np.asarray(steering, F32) * np.asarray(steer, F32))
    )
    total = pull.sum(axis=0, keepdims=True)
    even = np.full_like(pull, F32(1) / pull.shape[0])
    return np.where(total > 0, pull / np.maximum(total, F32(1e-30)), even).astype(F32)


def force_probability(pushed: ArrayLike, friction_: ArrayLike, scale: ArrayLike) -> Array:
    """P(force against migrants at a border today) (eq. 19).

    Today's pushbacks, weighed by the friction of the people stranded there (eq. 20).
    """
    load = np.asarray(pushed, F32) * np.asarray(friction_, F32)
    return (-np.expm1(-load / np.asarray(scale, F32))).astype(F32)


def friction(stranded: ArrayLike, scale: ArrayLike) -> Array:
    """Multiplier on the clash hazard between forces at a border (eq. 20): 1 + stranded/scale."""
    return (1 + np.asarray(stranded, F32) / np.asarray(scale, F32)).astype(F32)


def death_probability(stranded: ArrayLike, rate: ArrayLike) -> Array:
    """P(a humanitarian death at a border today) (eq. 21), from the stranded population."""
    return (-np.expm1(-np.asarray(rate, F32) * np.asarray(stranded, F32))).astype(F32)


def peak_to_final(peak: ArrayLike, final: ArrayLike) -> NDArray[np.float64]:
    """Peak daily attempts over the final week's daily mean (eq. 22), +1 in both against 0/0."""
    return (np.asarray(peak, np.float64) + 1) / (np.asarray(final, np.float64) + 1)
