"""The Wilson interval against hand computation."""

from __future__ import annotations

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
