"""Which parameters can the calibration window inform? A one-at-a-time screening.

ABC over every prior-carrying parameter (58) against a handful of window statistics (9)
collapses: the importance weights of a 58-dimensional proposal degenerate (an effective
sample size of ~2 of 100 particles), and most parameters cannot move any window statistic
anyway (the window has no armed incident and scheduled sanctions). So ``calibrate``
first screens: each parameter is set to its prior's 5% and then its 95% quantile, the
others staying at the scenario's values, and both are simulated with the same block seed
(common random numbers, ``SCREEN_REPLICATIONS`` replications each). Its *effect* is the
largest change of a window statistic between the two, in units of that statistic's
prior-predictive standard deviation (the distance's scale). Parameters whose effect
reaches ``SCREEN_THRESHOLD`` are calibrated; the others keep their priors, and ensembles
(``--parameters POSTERIOR.parquet``) draw them from those priors.

One at a time misses a parameter that matters only together with another; the
threshold is a judgement (half a prior-predictive standard deviation: a change ABC's
distance can see); ``calibrate --all-parameters`` calibrates every parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.config.priors import draw

SCREEN_QUANTILES = (0.05, 0.95)
SCREEN_REPLICATIONS = 40  # per end of each parameter's range
SCREEN_THRESHOLD = 0.5  # prior-predictive standard deviations of some window statistic
CONSTANT = 1e-2  # log units: a statistic whose prior-predictive SD is below this is constant

Simulate = Callable[[np.ndarray, Sequence[int]], list[dict[str, float]]]


def screen(
    paths: Sequence[str],
    latent: Sequence[tuple[Any, float, bool]],
    simulate: Simulate,
    scales: dict[str, float],
    constant: Sequence[str],
    seed: int,
    threshold: float = SCREEN_THRESHOLD,
) -> pd.DataFrame:
    """One row per parameter: its 5%/95% values, effect, the statistic it moves most, kept.

    ``simulate(values, seeds)`` gives the window statistics of each row of ``values``
    (parameters in ``paths`` order) with block seed ``seeds[i]``; ``constant`` statistics
    (ones the prior cannot move) are left out of the effect.
    """
    base = np.array([value for _, value, _ in latent], float)
    k = len(paths)
    values = np.repeat(base[None, :], 2 * k, axis=0)
    ends = np.array(SCREEN_QUANTILES)
    for j, (prior, value, whole) in enumerate(latent):
        values[2 * j : 2 * j + 2, j] = draw(prior, ends, value, whole)
    rng = np.random.default_rng([seed, 7])
    pair_seeds = rng.integers(0, 2**31 - 1, size=k)
    stats = pd.DataFrame(simulate(values, [int(s) for s in np.repeat(pair_seeds, 2)]))
    keys = [c for c in stats.columns if c not in set(constant)]
    scaled = stats[keys] / pd.Series({c: scales[c] for c in keys})
    diff = (scaled.iloc[1::2].to_numpy() - scaled.iloc[0::2].to_numpy()) if keys else None
    rows = []
    for j, path in enumerate(paths):
        effect = float(np.abs(diff[j]).max()) if diff is not None else 0.0
        top = keys[int(np.abs(diff[j]).argmax())] if diff is not None else ""
        rows.append(
            {
                "parameter": path,
                "low": float(values[2 * j, j]),
                "high": float(values[2 * j + 1, j]),
                "effect": effect,
                "statistic": top,
                "calibrated": effect >= threshold,
            }
        )
    return pd.DataFrame(rows).sort_values("effect", ascending=False, ignore_index=True)


def constant_statistics(prior_predictive: pd.DataFrame) -> list[str]:
    """Statistics the prior cannot move (prior-predictive SD below ``CONSTANT``)."""
    sd = prior_predictive.std()
    return [str(k) for k, v in sd.items() if not v >= CONSTANT]
