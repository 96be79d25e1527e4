"""Sobol and Morris indices of the per-design-point means."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.analyze import sobol

from escalation_sim.analysis.sensitivity import salib_seed, sensitivity
from escalation_sim.store.results import Results


# ---------------------------------------------------------------------- sensitivity
def test_sobol_indices_are_those_of_the_per_point_means(sobol_res: Results) -> None:
    si = sensitivity(sobol_res, "armed_incident", num_resamples=200, seed=1)
    assert si.method == "sobol" and si.n_points == 40
    assert (si.replications_min, si.replications_max) == (16, 16)
    assert list(si.table.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    y = sobol_res.runs.groupby("design_point")["armed_incident"].mean().to_numpy(dtype=float)
    problem = {k: sobol_res.manifest["salib_problem"][k] for k in ("num_vars", "names", "bounds")}
    direct = sobol.analyze(
        problem, y, calc_second_order=False, num_resamples=200, seed=salib_seed(1)
    )
    assert si.table["S1"].to_numpy() == pytest.approx(direct["S1"])
    assert si.table["ST_conf"].to_numpy() == pytest.approx(direct["ST_conf"])
    # Noise: mean binomial variance of a point's mean, against the variance of the means.
    within = sobol_res.runs.groupby("design_point")["armed_incident"].var(ddof=1).to_numpy()
    assert si.noise_variance == pytest.approx(np.mean(within / 16))
    assert si.variance == pytest.approx(np.var(y, ddof=1))
    assert 0 <= si.noise_share <= 1


def test_morris_indices(morris_res: Results) -> None:
    si = sensitivity(morris_res, "max_rung", num_resamples=100)
    assert si.method == "morris" and si.n_points == 16
    assert set(si.table.columns) >= {"parameter", "mu_star", "mu_star_conf", "sigma"}
    assert (si.table["mu_star"] >= 0).all()


def test_constant_outcome_gives_no_indices(sobol_res: Results) -> None:
    flat = Results(
        sobol_res.manifest, sobol_res.runs.assign(sanctions_packages=0), path=sobol_res.path
    )
    si = sensitivity(flat, "sanctions_packages")
    assert si.extra.get("constant") and si.table["S1"].isna().all()


def test_sensitivity_needs_a_sobol_or_morris_design(grid_res: Results) -> None:
    with pytest.raises(ValueError, match="sobol or morris"):
        sensitivity(grid_res)


@pytest.mark.parametrize("seed", [0, 5])
def test_the_same_seed_gives_the_same_intervals(sobol_res: Results, seed: int) -> None:
    # SALib draws unseeded resamples for a seed of 0; ours must not (analyze == report).
    a = sensitivity(sobol_res, seed=seed).table
    b = sensitivity(sobol_res, seed=seed).table
    assert a[["S1_conf", "ST_conf"]].to_numpy() == pytest.approx(b[["S1_conf", "ST_conf"]])
