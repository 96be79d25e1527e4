"""Design points of an experiment: a pure function of the experiment.

Grids and explicit lists as written, Latin hypercubes from
:mod:`scipy.stats.qmc`, Sobol (Saltelli) and Morris samples from SALib, all
seeded from the experiment's master seed.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from escalation_sim.config.experiment import DESIGN_SEED_KEY, Experiment, Parameter


def count_points(exp: Experiment) -> int:
    """Number of design points, without generating them."""
    d = len(exp.parameters)
    if exp.design == "grid":
        return math.prod(len(p.values or ()) for p in exp.parameters)
    if exp.design == "explicit":
        return len(exp.parameters[0].values or ())
    n = int(exp.samples or 0)
    if exp.design == "lhs":
        return n
    if exp.design == "sobol":
        return n * (2 * d + 2 if exp.calc_second_order else d + 2)
    return n * (d + 1)


def design_seed(exp: Experiment) -> int:
    """Seed of the sampler (lhs, sobol, morris), fixed by the master seed."""
    return int(
        np.random.SeedSequence(exp.seed, spawn_key=(DESIGN_SEED_KEY,)).generate_state(1, np.uint32)[
            0
        ]
    )


def salib_problem(exp: Experiment) -> dict[str, Any] | None:
    """The SALib problem definition of a sobol or morris design (for later analysis)."""
    if exp.design not in ("sobol", "morris"):
        return None
    out: dict[str, Any] = {
        "num_vars": len(exp.parameters),
        "names": exp.paths,
        "bounds": [[p.range.low, p.range.high] for p in exp.parameters if p.range],
    }
    if exp.design == "sobol":
        out["calc_second_order"] = exp.calc_second_order
    else:
        out["num_levels"] = exp.num_levels
    return out


def _unit_sample(exp: Experiment) -> np.ndarray:
    d, n, seed = len(exp.parameters), int(exp.samples or 0), design_seed(exp)
    unit = {"num_vars": d, "names": exp.paths, "bounds": [[0.0, 1.0]] * d}
    if exp.design == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
    if exp.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(unit, n, calc_second_order=exp.calc_second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(unit, n, num_levels=exp.num_levels, seed=seed)


def _scale(p: Parameter, u: np.ndarray) -> list[float | int]:
    """Unit-cube column -> parameter values (SALib's own scaling for uniform floats)."""
    r = p.range
    assert r is not None
    if p.kind == "int":
        lo, hi = int(r.low), int(r.high)
        return [int(v) for v in np.minimum(lo + np.floor(u * (hi - lo + 1)), hi)]
    if r.dist == "loguniform":
        a, b = math.log(r.low), math.log(r.high)
        return [float(v) for v in np.exp(u * (b - a) + a)]
    return [float(v) for v in u * (r.high - r.low) + r.low]


def design_points(exp: Experiment) -> list[dict[str, Any]]:
    """The design points in order: ``[{path: value, ...}, ...]`` (index = design point)."""
    paths = exp.paths
    if exp.design == "grid":
        combos = itertools.product(*(p.values or () for p in exp.parameters))
        return [dict(zip(paths, c, strict=True)) for c in combos]
    if exp.design == "explicit":
        cols = [p.values or () for p in exp.parameters]
        return [dict(zip(paths, c, strict=True)) for c in zip(*cols, strict=True)]
    u = _unit_sample(exp)
    cols = [_scale(p, u[:, j]) for j, p in enumerate(exp.parameters)]
    return [dict(zip(paths, c, strict=True)) for c in zip(*cols, strict=True)]
