"""The Wilson interval against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from escalation_sim.analysis.stats import wilson_interval


def test_wilson_interval_hand_computed():
    # k=3, n=10: centre (p + z²/2n)/(1 + z²/n), half-width z/(1+z²/n)·sqrt(p(1-p)/n + z²/4n²)
    z, n, p = 1.959963984540054, 10, 0.3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo, hi = wilson_interval(3, 10)
    assert lo == pytest.approx(centre - half, abs=1e-9)
    assert hi == pytest.approx(centre + half, abs=1e-9)
    assert wilson_interval(0, 10)[0] == 0


# ---------------------------------------------------------------------- Wilson
def wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(3, 10), (0, 10), (10, 10), (27, 100), (1, 2000)])
def test_wilson_equals_the_score_formula(k: int, n: int) -> None:
    lo, hi = wilson_interval(k, n)
    hlo, hhi = wilson_by_hand(k, n)
    assert lo == pytest.approx(max(0.0, hlo), abs=1e-12)
    assert hi == pytest.approx(min(1.0, hhi), abs=1e-12)


def test_wilson_of_3_in_10_is_the_textbook_interval() -> None:
    lo, hi = wilson_interval(3, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.1078, 0.6032)
