"""Diagnostics of a calibration: prior sample, posterior predictive check, ESS per generation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.config.priors import draw
from escalation_sim.config.scenario import parameter_fields, parameter_value
from escalation_sim.run.calibrate import Calibration, or_failed, simulate_window
from escalation_sim.run.calibrate_window import window_scenario


def prior_sample(cal: Calibration, n: int, seed: int) -> pd.DataFrame:
    """``n`` draws of every calibrated parameter from its prior (for the marginal figure)."""
    u = np.random.default_rng(seed).random((n, len(cal.paths)))
    return pd.DataFrame(
        {
            p: draw(cal.priors[p], u[:, j], cal.values[p], cal.integer[j])
            for j, p in enumerate(cal.paths)
        }
    )


def predictive_check(
    cal: Calibration, posterior: pd.DataFrame, draws: int, replications: int, seed: int
) -> pd.DataFrame:
    """Window statistics simulated from ``draws`` posterior particles (by weight).

    Parameters the posterior does not hold are drawn from their priors, as ensembles do.
    """
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(posterior), size=draws, p=posterior["weight"].to_numpy())
    paths = [p for p in posterior.columns if p in cal.priors]
    rest = [p for p in cal.priors if p not in paths]
    values = posterior[paths].to_numpy(float)[idx]
    if rest:
        fields = parameter_fields(cal.scenario)
        u = rng.random((draws, len(rest)))
        drawn = [
            draw(
                cal.priors[p],
                u[:, j],
                float(parameter_value(cal.scenario, p)),
                fields[p].annotation is int,
            )
            for j, p in enumerate(rest)
        ]
        values = np.column_stack([values, *drawn])
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=draws)]
    window = window_scenario(cal.scenario)
    rows = simulate_window(window, [*paths, *rest], cal.targets, replications, values, seeds)
    return pd.DataFrame(or_failed(rows, cal.targets))


def ess_per_generation(history: Any) -> pd.DataFrame:
    """Effective sample size and threshold of every generation."""
    from pyabc.weighted_statistics import effective_sample_size

    pops = history.get_all_populations()
    rows = []
    for t in pops["t"]:
        if t < 0:
            continue
        _, w = history.get_distribution(m=0, t=int(t))
        eps = float(pops.loc[pops["t"] == t, "epsilon"].iloc[0])
        samples = int(pops.loc[pops["t"] == t, "samples"].iloc[0])
        rows.append(
            {
                "generation": int(t),
                "ess": float(effective_sample_size(w)),
                "epsilon": eps,
                "samples": samples,
            }
        )
    return pd.DataFrame(rows)
