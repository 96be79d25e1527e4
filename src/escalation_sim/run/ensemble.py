"""Parameter ensembles: each replication runs with its own parameter vector.

``--parameters prior`` draws every prior-carrying parameter from its prior;
``--parameters POSTERIOR.parquet`` draws a particle of a calibration's posterior by weight.
Replications come in groups of ``per_draw`` that share one draw: replication ``i`` uses
draw ``i // per_draw``, and draw ``j``'s vector depends only on (seed, j) (see
:func:`~escalation_sim.engine.randomness.draw_uniforms`), so results are bit-identical
however the replications are chunked. Groups let the law of total variance split an
outcome's variance into the parameters' share and the replications' share.
"""

from __future__ import annotations

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
    """How each replication's parameters are drawn: from priors or from a posterior sample."""

    source: str  # "prior" or the posterior file
    paths: tuple[str, ...]
    seed: int
    per_draw: int
    _priors: tuple[tuple[Any, float, bool], ...] = ()
    _particles: np.ndarray | None = None
    _cum_weights: np.ndarray | None = None

    def values(self, first: int, n: int) -> np.ndarray:
        """(n, k) parameter values of replications ``first .. first + n - 1``."""
        draws = np.arange(first, first + n) // self.per_draw
        uniq, inverse = np.unique(draws, return_inverse=True)
        if self._particles is not None:
            u = draw_uniforms(self.seed, uniq, 1)[:, 0]
            idx = np.searchsorted(self._cum_weights, u, side="right")
            idx = np.minimum(idx, len(self._particles) - 1)
            return self._particles[idx][inverse]
        u = draw_uniforms(self.seed, uniq, len(self.paths))
        cols = [
            draw(prior, u[:, j], value, integer)
            for j, (prior, value, integer) in enumerate(self._priors)
        ]
        return np.column_stack(cols)[inverse]

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
        }


def make_ensemble(
    spec: str | Path, scenario: Scenario, seed: int, per_draw: int = PER_DRAW
) -> Ensemble:
    """``prior`` or a posterior Parquet file -> an Ensemble for ``scenario`` (InputError if bad)."""
    if per_draw < 2:
        raise ValueError("per_draw must be at least 2 (a within-draw variance needs two)")
    if str(spec) == "prior":
        fields = parameter_fields(scenario)
        priors = scenario_priors(scenario)
        meta = tuple(
            (prior, float(parameter_value(scenario, p)), fields[p].annotation is int)
            for p, prior in priors.items()
        )
        return Ensemble("prior", tuple(priors), seed, per_draw, _priors=meta)
    sample = load_posterior(spec, scenario)
    return Ensemble(
        str(spec),
        sample.paths,
        seed,
        per_draw,
        _particles=sample.values,
        _cum_weights=np.cumsum(sample.weights),
    )
