"""Many ABC particles in one vectorised engine call: a pyabc sampler that batches the model.

pyabc evaluates one particle at a time (``simulate_one``: propose a parameter vector,
simulate, compute the distance, accept or reject). The engine is fastest when it advances
thousands of replications at once, and a particle needs only ~10. The batch sampler
therefore splits ``B`` of pyabc's ``simulate_one`` calls (:func:`run_batch`): it proposes
all ``B`` particles and draws their seeds, simulates them in one engine call (``B x R``
replications, each particle its own block seed), then lets pyabc evaluate each (distance,
acceptance, weight), the model call returning the simulated statistics. The first
particles up to the population size are kept, in proposal order (nothing favours fast
particles). The global random stream that pyabc draws from is consumed in a fixed order:
a calibration is reproducible from its seed with any number of workers. (Earlier versions
parked each particle in a thread, then replayed each proposal; the thread switches and the
repeated proposals cost more than pyabc's own bookkeeping.)

``runner`` splits a batch's engine call over local processes
or a Dask cluster (each part is again one vectorised call); results do not depend on the
split, because a particle's replications depend only on its block seed.

Progress with an ETA is reported after every batch (inside a generation).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MIN_BATCH = 16  # particles: below this the engine's per-day overhead dominates again
MAX_BATCH = 400  # particles: x 10 replications = 4,000 per engine call (~100 MB at most)
_local = threading.local()


@dataclass
class _Batch:
    """Simulated statistics of a batch's particles, handed out in proposal order.

    ``recording``: the model call only records the particle's parameters and seed, then
    raises :class:`_Parked` (the first pass of :func:`_replayed_batch`).
    """

    results: list[Any] = field(default_factory=list)
    position: int = 0
    recording: bool = False
    requests: list[Any] = field(default_factory=list)


class _Parked(Exception):
    """Raised by a recorded model call: the particle waits for its batch."""


def in_batch() -> bool:
    """True while a batch's particles are evaluated (the model call must :func:`submit`)."""
    return getattr(_local, "batch", None) is not None


def submit(parameters: Any) -> Any:
    """The model call of a batched particle: its statistics, simulated with its batch."""
    batch: _Batch = _local.batch
    if batch.recording:
        batch.requests.append((parameters, new_seed()))
        raise _Parked
    if batch.position >= len(batch.results):
        raise RuntimeError("a batched particle called the model twice")
    batch.position += 1
    return batch.results[batch.position - 1]


def new_seed() -> int:
    """A particle's block seed, from pyabc's (global) stream right after its proposal."""
    return int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 (pyabc seeds the global)


def run_batch(
    simulate_one: Callable[[], Any], size: int, simulate: Callable[[list[Any]], list[Any]]
) -> list[Any]:
    """``size`` particles of ``simulate_one`` whose model calls ``simulate`` runs at once.

    ``simulate_one`` is pyabc's ``partial(_simulate_one, ...)``: propose, then evaluate.
    The batch first proposes every particle (pyabc's ``generate_valid_proposal``) and
    draws its seed, then ``simulate`` runs them all in one go, then pyabc evaluates each
    (``evaluate_proposal``: the model call returns the statistics, then distance,
    acceptance, weight). Anything else is run one particle at a time.
    """
    from pyabc.inference_util import inference_util as iu

    kw = getattr(simulate_one, "keywords", None)
    if getattr(simulate_one, "func", None) is not iu._simulate_one or not kw or not kw["evaluate"]:
        return _replayed_batch(simulate_one, size, simulate)
    proposal = {
        k: kw[k]
        for k in (
            "t",
            "m",
            "p",
            "model_prior",
            "parameter_priors",
            "model_perturbation_kernel",
            "transitions",
        )
    }
    evaluation = {
        k: kw[k]
        for k in (
            "t",
            "models",
            "summary_statistics",
            "distance_function",
            "eps",
            "acceptor",
            "x_0",
            "weight_function",
            "proposal_id",
        )
    }
    proposals = []
    for _ in range(size):
        m, theta = iu.generate_valid_proposal(**proposal)
        proposals.append((m, theta, new_seed()))
    _local.batch = _Batch(simulate([(theta, seed) for _, theta, seed in proposals]))
    try:
        return [iu.evaluate_proposal(m, theta, **evaluation) for m, theta, _ in proposals]
    finally:
        _local.batch = None


def _replayed_batch(
    simulate_one: Callable[[], Any], size: int, simulate: Callable[[list[Any]], list[Any]]
) -> list[Any]:
    """Any ``simulate_one`` (pyabc's prior sample): two passes over the same stream.

    The first pass stops each particle at its model call (recording its parameters and
    seed); ``simulate`` runs them all; the stream is rewound and the second pass repeats
    the same particles, the model call returning the statistics.
    """
    state = np.random.get_state()  # noqa: NPY002 (pyabc's stream)
    batch = _Batch(recording=True)
    _local.batch = batch
    try:
        for _ in range(size):
            try:
                simulate_one()
            except _Parked:
                continue
            raise RuntimeError("a batched particle did not call the model")
        batch.results = simulate(batch.requests)
        np.random.set_state(state)  # noqa: NPY002
        batch.recording = False
        out = []
        for _ in range(size):
            out.append(simulate_one())
            new_seed()  # the seed drawn in the first pass: the stream ends where it did
        return out
    finally:
        _local.batch = None


class Reporter:
    """Progress lines with an ETA: after every batch, inside a generation too."""

    def __init__(self, total: int, first: int, stream: Any, enabled: bool) -> None:
        self.total, self.first, self.stream, self.enabled = total, first, stream, enabled
        self.started = time.perf_counter()
        self.generation_started = self.started
        self.done_generations = 0

    def batch(self, t: int, accepted: int, n: int, simulated: int, rate: float) -> None:
        """A batch of generation ``t`` ended: ``accepted`` of ``n`` after ``simulated``."""
        if t < 0:
            return
        now = time.perf_counter()
        elapsed = now - self.started
        in_gen = now - self.generation_started
        left_gen = in_gen / max(accepted, 1) * (n - accepted)
        per_gen = (elapsed - in_gen) / self.done_generations if self.done_generations else None
        later = self.total - (t + 1)
        eta = left_gen + later * (per_gen if per_gen is not None else in_gen + left_gen)
        if self.enabled:
            self.stream.write(
                f"progress: generation {t + 1}/{self.total}  accepted {accepted}/{n} of "
                f"{simulated} simulated ({rate:.0%})  elapsed {elapsed:,.0f} s  "
                f"ETA {eta:,.0f} s\n"
            )
            self.stream.flush()
        if accepted >= n:
            self.done_generations += 1
            self.generation_started = now


def batch_size(need: int, rate: float) -> int:
    """Particles to propose for ``need`` more acceptances at acceptance rate ``rate``."""
    return int(min(MAX_BATCH, max(MIN_BATCH, math.ceil(1.15 * need / max(rate, 1e-3)))))


def make_batch_sampler(
    simulate: Callable[[list[Any]], list[Any]],
    reporter: Reporter | None = None,
    seed: int | None = None,
) -> Any:
    """A pyabc Sampler whose particles are simulated ``batch_size`` at a time.

    With a ``seed``, numpy's global stream (pyabc's) is reseeded with (seed, t + 1) at the
    start of generation ``t``: a generation then depends only on the populations stored
    before it, so a calibration killed and continued from its database ends exactly as
    an uninterrupted one. The particles kept are the first ``n`` accepted in proposal
    order, so the batch sizes do not change the result either.
    """
    from pyabc.sampler import Sampler

    class BatchSampler(Sampler):
        """pyabc sampler: proposes particles in batches; one engine call per batch."""

        def __init__(self) -> None:
            super().__init__()
            self.rate = 1.0  # acceptance rate of the last generation (first batch's size)
            self.batches: list[int] = []

        def sample_until_n_accepted(
            self,
            n: int,
            simulate_one: Callable[[], Any],
            t: int,
            *,
            max_eval: float = np.inf,
            all_accepted: bool = False,
            ana_vars: Any = None,
        ) -> Any:
            if seed is not None:
                np.random.seed([seed, t + 1])  # noqa: NPY002 (pyabc draws from the global)
            sample = self._create_empty_sample()
            accepted = evaluated = proposed = 0
            rate = 1.0 if all_accepted else self.rate
            while accepted < n and evaluated < max_eval:
                size = batch_size(n - accepted, rate)
                self.batches.append(size)
                particles = run_batch(simulate_one, size, simulate)
                proposed += size
                got = sum(p.accepted for p in particles)
                for p in particles:  # proposal order: stop at the n-th acceptance
                    if accepted == n:
                        break
                    sample.append(p)
                    evaluated += 1
                    accepted += bool(p.accepted)
                rate = max(accepted if accepted < n else got, 1) / proposed
                if reporter is not None:
                    reporter.batch(t, accepted, n, evaluated, accepted / max(evaluated, 1))
            self.rate = accepted / max(evaluated, 1)
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return BatchSampler()


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """``items`` in ``parts`` consecutive chunks of near-equal size (none empty)."""
    parts = max(1, min(parts, len(items)))
    bounds = np.linspace(0, len(items), parts + 1).round().astype(int)
    return [list(items[a:b]) for a, b in itertools.pairwise(bounds)]


# ---------------------------------------------------------------------- fast pyabc parts
def standard_normal_prior(names: Sequence[str]) -> Any:
    """A pyabc prior: independent standard normal scores, drawn and evaluated as one vector.

    Equals ``pyabc.Distribution(**{n: RV("norm", 0, 1)})`` but without a scipy call per
    parameter (pyabc evaluates the prior twice per proposal).
    """
    from pyabc import Parameter
    from pyabc.random_variables import DistributionBase

    class StandardNormals(DistributionBase):
        def __init__(self, keys: Sequence[str]) -> None:
            self.keys = list(keys)
            self.log_norm = -0.5 * len(self.keys) * math.log(2 * math.pi)

        def rvs(self, *args: Any, **kwargs: Any) -> Any:
            z = np.random.standard_normal(len(self.keys))  # noqa: NPY002 (pyabc's stream)
            return Parameter(dict(zip(self.keys, z.tolist(), strict=True)))

        def pdf(self, x: Any) -> float:
            z = np.array([float(x[k]) for k in self.keys])
            return float(math.exp(self.log_norm - 0.5 * float(z @ z)))

        def get_parameter_names(self) -> list[str]:
            return list(self.keys)

    return StandardNormals(names)


def diagonal_normal_transition(scaling: float = 1.0) -> Any:
    """A pyabc transition: a Gaussian kernel around one weighted particle, diagonal covariance.

    Each proposal perturbs *one* particle (all its coordinates) by independent normal
    noise whose scale per parameter is the weighted standard deviation times Silverman's
    factor for the effective sample size. Unlike one 1-D kernel per parameter
    (``AggregatedTransition``), it keeps a particle's coordinates together; unlike a full
    covariance, it is not singular when there are fewer particles than parameters; and it
    is vectorised (one draw, one density over all particles).
    """
    from pyabc import Parameter
    from pyabc.transition import NotEnoughParticles, Transition
    from pyabc.transition.multivariatenormal import silverman_rule_of_thumb

    class DiagonalNormalTransition(Transition):
        def __init__(self, scaling: float = 1.0) -> None:
            self.scaling = scaling

        def fit(self, X: Any, w: np.ndarray) -> None:
            if len(X) == 0:
                raise NotEnoughParticles("Fitting not possible.")
            arr = X.to_numpy(float)
            mean = w @ arr
            var = np.maximum(w @ (arr - mean) ** 2, 1e-12)
            factor = silverman_rule_of_thumb(1 / float((w**2).sum()), arr.shape[1])
            self.sd = np.sqrt(var * self.scaling) * factor
            self.arr, self.cum = arr, np.cumsum(w)
            self.log_norm = -float(np.log(self.sd * math.sqrt(2 * math.pi)).sum())

        def rvs_single(self) -> Any:
            u = np.random.random_sample() * self.cum[-1]  # noqa: NPY002 (pyabc's stream)
            i = min(int(np.searchsorted(self.cum, u, side="right")), len(self.arr) - 1)
            x = self.arr[i] + self.sd * np.random.standard_normal(len(self.sd))  # noqa: NPY002
            return Parameter(dict(zip(self.X.columns, x.tolist(), strict=True)))

        def pdf(self, x: Any) -> Any:
            cols = list(self.X.columns)
            if isinstance(x, dict | Parameter) or getattr(x, "ndim", 2) == 1:
                pts = np.array([[float(x[c]) for c in cols]])
            else:
                pts = x[cols].to_numpy(float)
            z = (pts[:, None, :] - self.arr[None, :, :]) / self.sd
            dens = np.exp(self.log_norm - 0.5 * (z**2).sum(axis=2)) @ self.w
            return float(dens[0]) if pts.shape[0] == 1 and getattr(x, "ndim", 1) == 1 else dens

    return DiagonalNormalTransition(scaling)


def single_model_prior() -> Any:
    """The pyabc model prior for one model (always model 0), without scipy's ``randint``.

    pyabc evaluates the model prior twice per particle; scipy's discrete ``pmf`` cost a
    third of pyabc's own bookkeeping per particle.
    """
    from pyabc.random_variables import RVBase

    class OneModel(RVBase):
        def copy(self) -> OneModel:
            return OneModel()

        def rvs(self, *args: Any, **kwargs: Any) -> int:
            return 0

        def pmf(self, x: Any, *args: Any, **kwargs: Any) -> float:
            return 1.0 if x == 0 else 0.0

        def pdf(self, x: Any, *args: Any, **kwargs: Any) -> float:
            return self.pmf(x)

        def cdf(self, x: Any, *args: Any, **kwargs: Any) -> float:
            return 1.0 if x >= 0 else 0.0

    return OneModel()
