"""Parameter ensembles: each replication runs with its own parameter vector.

``--parameters prior`` draws every prior-carrying parameter from its prior;
``--parameters POSTERIOR.parquet`` draws a particle of a calibration's posterior by weight
for the parameters it calibrated, and every other prior-carrying parameter from its prior
(a calibration fits only the parameters its window can inform; the rest stay uncertain).
Replications come in groups of ``per_draw`` that share one draw: replication ``i`` uses
draw ``i // per_draw``, and draw ``j``'s vector depends only on (seed, j) (see
:func:`~escalation_sim.engine.randomness.draw_uniforms`), so results are bit-identical
however the replications are chunked. Groups let the law of total variance split an
outcome's variance into the parameters' share and the replications' share.

A sweep's design points share the draws (replication ``i`` of every design point uses
draw ``i // per_draw``: common random numbers, as ``compare`` pairs its scenarios); the
swept parameters are not drawn (``exclude``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from escalation_sim.config.priors import draw
from escalation_sim.config.scenario import (
    Scenario,
    parameter_fields,
    parameter_value,
    scenario_priors,
)
from escalation_sim.engine.randomness import draw_uniforms
from escalation_sim.io.posterior_file import load_posterior

PER_DRAW = 10  # replications per parameter draw: enough for a within-draw variance


@dataclass(frozen=True)
class Ensemble:
    """How each replication's parameters are drawn: from priors and/or a posterior sample.

    ``paths`` are the posterior's parameters (if any) followed by the prior-drawn ones.
    """

    source: str  # "prior" or the posterior file
    paths: tuple[str, ...]
    seed: int
    per_draw: int
    _priors: tuple[tuple[Any, float, bool], ...] = ()  # the last len(_priors) paths
    _particles: np.ndarray | None = None
    _cum_weights: np.ndarray | None = None

    @property
    def posterior_paths(self) -> tuple[str, ...]:
        """Paths drawn from the posterior sample (none for ``prior``)."""
        return self.paths[: len(self.paths) - len(self._priors)]

    @property
    def prior_paths(self) -> tuple[str, ...]:
        """Paths drawn from their priors."""
        return self.paths[len(self.paths) - len(self._priors) :]

    def values(self, first: int, n: int) -> np.ndarray:
        """(n, k) parameter values of replications ``first .. first + n - 1``."""
        return self.values_at(np.arange(first, first + n))

    def values_at(self, replications: np.ndarray) -> np.ndarray:
        """(n, k) parameter values of the given replication indices (any order)."""
        draws = np.asarray(replications, np.int64) // self.per_draw
        uniq, inverse = np.unique(draws, return_inverse=True)
        offset = 0 if self._particles is None else 1
        u = draw_uniforms(self.seed, uniq, offset + len(self._priors))
        cols = []
        if self._particles is not None:
            idx = np.searchsorted(self._cum_weights, u[:, 0], side="right")
            idx = np.minimum(idx, len(self._particles) - 1)
            cols.append(self._particles[idx])
        cols += [
            draw(prior, u[:, offset + j], value, integer)[:, None]
            for j, (prior, value, integer) in enumerate(self._priors)
        ]
        return np.hstack(cols)[inverse] if cols else np.empty((len(draws), 0))

    def digest(self) -> str:
        """SHA-256 of everything that decides the draws (a resumed sweep must match it)."""
        h = hashlib.sha256(repr((self.paths, self.seed, self.per_draw)).encode())
        h.update(repr([(repr(p), v, i) for p, v, i in self._priors]).encode())
        for arr in (self._particles, self._cum_weights):
            if arr is not None:
                h.update(np.ascontiguousarray(arr, np.float64).tobytes())
        return h.hexdigest()

    def overrides(self, first: int, n: int) -> dict[str, np.ndarray]:
        """Per-replication engine overrides by parameter path."""
        vals = self.values(first, n)
        return {p: vals[:, j] for j, p in enumerate(self.paths)}

    def frame(self, first: int, n: int) -> pd.DataFrame:
        """The draw index and parameter values of each replication (a runs-table block)."""
        vals = self.values(first, n)
        out = pd.DataFrame(vals, columns=list(self.paths))
        out.insert(0, "draw", np.arange(first, first + n) // self.per_draw)
        return out

    def describe(self) -> dict[str, Any]:
        """What the manifest records of the ensemble."""
        return {
            "source": self.source,
            "per_draw": self.per_draw,
            "seed": self.seed,
            "parameters": list(self.paths),
            "from_posterior": list(self.posterior_paths),
            "from_prior": list(self.prior_paths),
            "digest": self.digest(),
        }


def make_ensemble(
    spec: str | Path,
    scenario: Scenario,
    seed: int,
    per_draw: int = PER_DRAW,
    *,
    exclude: Iterable[str] = (),
) -> Ensemble:
    """``prior`` or a posterior Parquet file -> an Ensemble for ``scenario`` (InputError if bad).

    Paths in ``exclude`` (a sweep's swept parameters) are not drawn. With a posterior, the
    prior-carrying parameters it does not hold are drawn from their priors.
    """
    if per_draw < 2:
        raise ValueError("per_draw must be at least 2 (a within-draw variance needs two)")
    skip = set(exclude)
    fields = parameter_fields(scenario)
    priors = {p: q for p, q in scenario_priors(scenario).items() if p not in skip}
    particles = weights = None
    posterior: tuple[str, ...] = ()
    if str(spec) != "prior":
        sample = load_posterior(spec, scenario)
        keep = [j for j, p in enumerate(sample.paths) if p not in skip]
        posterior = tuple(sample.paths[j] for j in keep)
        if posterior:
            particles, weights = sample.values[:, keep], np.cumsum(sample.weights)
    meta = tuple(
        (prior, float(parameter_value(scenario, p)), fields[p].annotation is int)
        for p, prior in priors.items()
        if p not in posterior
    )
    rest = tuple(p for p in priors if p not in posterior)
    return Ensemble(
        str(spec),
        posterior + rest,
        seed,
        per_draw,
        _priors=meta,
        _particles=particles,
        _cum_weights=weights,
    )
