"""ABC-SMC calibration of a scenario's priors on the observed record of its window (pyabc).

The scenario must start before its ``forecast_from``: the days between are the calibration
window. Each observed row that lies inside the window and has a model output (irregular
entries, i.e. the detained "arrivals" border guards report, and pushbacks per border,
packages per sanctioner, armed incidents per border) is one summary
statistic: log(1 + the mean over ``replications`` replications of the simulated total over
the row's days). The history database ``calibration.db`` in the results folder can be
inspected with pyabc and lets a killed calibration continue where it stopped.

Scaled distances: each statistic is divided by its standard deviation over ``SCALE_DRAWS``
prior-predictive simulations (at least ``SCALE_FLOOR``), fixed before the first generation
and kept in ``scales.json`` so that a continued calibration uses the same distance.
Statistics the prior cannot move (scheduled sanctions rounds) are left out of the distance.

Only the parameters the window's statistics respond to are calibrated
(:mod:`~escalation_sim.run.calibrate_screen`); the others keep their priors. Particles are
simulated in batches through the vectorised engine (:mod:`~escalation_sim.run.abc_batch`).

Defaults, measured on the shipped record (docs/observed.md,
``scripts/measure_calibration_defaults.py``): ``POPULATION`` = 200 particles (with 100 the
effective sample size fell to about 20-40 in several generations; with 200 it stays
mostly above 80) and ``GENERATIONS`` = 8 (the threshold falls by less than 0.5% per
generation after the sixth; two parameters' posterior means still drift slowly, and a
calibration can be continued for more). ``REPLICATIONS`` = 10 per particle. About one
to two minutes on one core; ``--population 30 --generations 2`` is a look of seconds.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from escalation_sim.config.observed import ObservedRecord
from escalation_sim.config.priors import draw
from escalation_sim.config.scenario import (
    Scenario,
    parameter_fields,
    parameter_value,
    scenario_priors,
)
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import Block
from escalation_sim.io.errors import InputError
from escalation_sim.run.abc_batch import (
    Reporter,
    diagonal_normal_transition,
    in_batch,
    make_batch_sampler,
    new_seed,
    single_model_prior,
    split,
    standard_normal_prior,
    submit,
)
from escalation_sim.run.calibrate_screen import (
    SCREEN_REPLICATIONS,
    constant_statistics,
    screen,
)
from escalation_sim.run.calibrate_window import (
    Target,
    observed_statistics,
    window_scenario,
    window_statistics,
    window_targets,
)

POPULATION = 200
GENERATIONS = 8
REPLICATIONS = 10  # per particle: the statistics are means over these
SCALE_DRAWS = 40  # prior-predictive simulations that fix each statistic's scale
SCALE_FLOOR = 0.1  # log units: a statistic the prior cannot move still gets a finite weight
DB_NAME = "calibration.db"
FAILURES_NAME = "failures.jsonl"
POSTERIOR_NAME = "posterior.parquet"
SCREENING_NAME = "screening.csv"
SCALED = "scaled"  # pyabc's one summary statistic: the scaled window statistics, in order
FAILED = 50.0  # log1p statistic of a failed simulation: far from any observation


@dataclass(frozen=True)
class Failure:
    """A particle whose simulation raised: recorded in failures.jsonl, then rejected."""

    error: str
    traceback: str


def simulate_window(
    sc: Scenario,
    paths: Sequence[str],
    targets: list[Target],
    replications: int,
    values: np.ndarray,
    seeds: Sequence[int],
) -> list[dict[str, float] | Failure]:
    """Window statistics of each particle (a row of ``values``; block seed ``seeds[i]``).

    One vectorised engine call for all of them; if it raises, each particle alone, so
    that only the failing ones become :class:`Failure`. A particle's statistics depend
    only on its values and seed, not on the particles simulated with it.
    """
    try:
        model = EscalationModel(
            sc,
            blocks=[Block(int(s), replications) for s in seeds],
            overrides={p: np.repeat(values[:, j], replications) for j, p in enumerate(paths)},
        ).run()
        return list(window_statistics(model.window, targets, len(seeds)))
    except Exception as exc:
        if len(seeds) == 1:
            return [Failure(f"{type(exc).__name__}: {exc}", traceback.format_exc())]
    out: list[dict[str, float] | Failure] = []
    for i, s in enumerate(seeds):
        out += simulate_window(sc, paths, targets, replications, values[i : i + 1], [s])
    return out


def or_failed(
    rows: list[dict[str, float] | Failure], targets: list[Target]
) -> list[dict[str, float]]:
    """Statistics of each particle; a failed one gets far-off statistics (rejected)."""
    far = {t.key: FAILED for t in targets}
    return [far if isinstance(r, Failure) else r for r in rows]


Runner = Callable[[list[tuple[np.ndarray, list[int]]]], list[list[Any]]]


class WindowSimulator:
    """pyabc's model: a parameter vector -> the window's statistics (picklable for Dask).

    Inside :class:`~escalation_sim.run.abc_batch` batches a call only parks its
    particle; :meth:`simulate` then runs the whole batch through the engine at once.
    """

    def __init__(
        self,
        sc: Scenario,
        paths: list[str],
        names: list[str],
        integer: list[bool],
        targets: list[Target],
        replications: int,
        failures: Path | None,
        latent: list[tuple[Any, float, bool]] | None = None,
        runner: Runner | None = None,
        parts: int = 1,
    ) -> None:
        self.sc, self.paths, self.names, self.integer = window_scenario(sc), paths, names, integer
        self.targets, self.R, self.failures = targets, replications, failures
        self.latent = latent  # (prior, scenario value, integer) per parameter, or None
        self.runner, self.parts = runner, parts
        self.simulated = 0  # particles simulated by this object (this process)
        self.engine_seconds = 0.0  # wall time of its engine calls (the rest is bookkeeping)
        self.calls: list[tuple[int, int]] = []  # (particles, replications) of each engine call
        # (statistic, scale) of the distance: pyabc sees one array of scaled statistics
        # per particle (one database row instead of one per statistic)
        self.pack: list[tuple[str, float]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled for a worker: without the runner (a pool or client stays here)."""
        return {**self.__dict__, "runner": None}

    def overrides(self, par: Any) -> dict[str, np.ndarray]:
        """Per-replication arrays of one particle's values (whole numbers where needed)."""
        vals = self.values(par)
        return {p: np.full(self.R, vals[p], float) for p in self.paths}

    def values(self, par: Any) -> dict[str, float]:
        """Parameter values of a particle: given directly, or as standard normal scores."""
        row = self.value_matrix([par])[0]
        return {p: float(row[j]) for j, p in enumerate(self.paths)}

    def value_matrix(self, pars: Sequence[Any]) -> np.ndarray:
        """(particles, parameters) values; standard normal scores mapped through the priors."""
        raw = np.array([[float(par[n]) for n in self.names] for par in pars], float)
        raw = raw.reshape(len(pars), len(self.names))
        if self.latent is None:
            return raw
        u = np.clip(stats.norm.cdf(raw), 1e-12, 1 - 1e-12)
        cols = [
            draw(prior, u[:, j], value, whole)
            for j, (prior, value, whole) in enumerate(self.latent)
        ]
        return np.column_stack(cols) if cols else raw

    def __call__(self, par: Any) -> dict[str, float]:
        """Simulate the window (inside a batch: the statistics simulated with it)."""
        stats = submit(par) if in_batch() else self.simulate([(par, new_seed())])[0]
        return self.packed(stats)

    def packed(self, stats: dict[str, float]) -> dict[str, Any]:
        """What pyabc compares: the distance's statistics divided by their scales."""
        if self.pack is None:
            return stats
        return {SCALED: np.array([stats[k] / scale for k, scale in self.pack])}

    def simulate(self, requests: list[tuple[Any, int]]) -> list[dict[str, float]]:
        """Statistics of (particle, seed) requests, one engine call per part.

        Failures are recorded and get far-off statistics (the particles are rejected).
        """
        if not requests:
            return []
        values = self.value_matrix([par for par, _ in requests])
        seeds = [seed for _, seed in requests]
        parts = split(list(range(len(requests))), self.parts)
        chunks = [(values[idx], [seeds[i] for i in idx]) for idx in parts]
        started = time.perf_counter()
        if self.runner is None:
            results = [self.run_chunk(chunk) for chunk in chunks]
        else:
            results = self.runner([(self, chunk) for chunk in chunks])
        self.engine_seconds += time.perf_counter() - started
        self.calls += [(len(chunk[1]), self.R) for chunk in chunks]
        flat = [r for part in results for r in part]
        self.simulated += len(flat)
        out = []
        for row, seed, r in zip(values, seeds, flat, strict=True):
            if isinstance(r, Failure):
                self._record(row, seed, r)
                r = {t.key: FAILED for t in self.targets}
            out.append(r)
        return out

    def run_chunk(self, chunk: tuple[np.ndarray, list[int]]) -> list[Any]:
        """One vectorised engine call over a chunk of (values, seeds)."""
        values, seeds = chunk
        return simulate_window(self.sc, self.paths, self.targets, self.R, values, seeds)

    def _record(self, row: np.ndarray, seed: int, failure: Failure) -> None:
        if self.failures is None:
            return
        line = {
            "seed": seed,
            "error": failure.error,
            "parameters": {p: float(v) for p, v in zip(self.paths, row, strict=True)},
            "traceback": failure.traceback,
        }
        with self.failures.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")


def latent_of(cal: Calibration) -> list[tuple[Any, float, bool]]:
    """(prior, scenario value, integer) of every calibrated parameter, in order."""
    return [(cal.priors[p], cal.values[p], w) for p, w in zip(cal.paths, cal.integer, strict=True)]


@dataclass
class Calibration:
    """Everything ``calibrate`` sets up before it simulates (checked, nothing written)."""

    scenario: Scenario
    targets: list[Target]
    skipped: int
    paths: list[str]
    names: list[str]
    integer: list[bool]
    priors: dict[str, Any]
    values: dict[str, float]


def prepare(sc: Scenario, record: ObservedRecord) -> Calibration:
    """Check the scenario and record against each other; InputError if they do not fit."""
    if sc.forecast_day == 0:
        raise InputError(
            f"scenario {sc.name!r} has no calibration window: set forecast_from after its "
            f"start ({sc.start})",
            None,
            None,
            "forecast_from",
        )
    targets, skipped = window_targets(record, sc)
    priors = scenario_priors(sc)
    fields = parameter_fields(sc)
    paths = list(priors)
    return Calibration(
        sc,
        targets,
        skipped,
        paths,
        [f"p{i:02d}" for i in range(len(paths))],
        [fields[p].annotation is int for p in paths],
        priors,
        {p: float(parameter_value(sc, p)) for p in paths},
    )


def quiet_pyabc() -> None:
    """Silence pyabc's INFO logs: the progress line says what matters."""
    for name in (
        "ABC",
        "ABC.Sampler",
        "ABC.History",
        "ABC.Distance",
        "ABC.Epsilon",
        "ABC.Population",
        "ABC.Adaptation",
        "ABC.Acceptor",
        "ABC.Transition",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)


def generations_done(db: Path) -> int:
    """Generations stored in a history database (0 if none)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        try:
            (n,) = con.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()
        except sqlite3.Error:
            return 0
    return int(n)


def _run_job(job: tuple[WindowSimulator, tuple[np.ndarray, list[int]]]) -> list[Any]:
    sim, chunk = job
    return sim.run_chunk(chunk)


def make_runner(workers: int, scheduler: str | None, stack: ExitStack) -> tuple[Runner | None, int]:
    """Where a batch's engine calls run: here, in local processes, or on a Dask cluster.

    Returns the runner and the number of parts a batch is split into (one per worker).
    """
    if scheduler is not None:
        from distributed import Client

        client = stack.enter_context(Client(scheduler))
        parts = max(1, len(client.scheduler_info().get("workers", {})))

        def on_dask(jobs: list[Any]) -> list[list[Any]]:
            return client.gather(client.map(_run_job, jobs, pure=False))

        return on_dask, parts
    if workers <= 1:
        return None, 1
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))

    def on_pool(jobs: list[Any]) -> list[list[Any]]:
        return list(pool.map(_run_job, jobs))

    return on_pool, workers


def run_abc(
    cal: Calibration,
    out: Path,
    *,
    population: int,
    generations: int,
    seed: int,
    workers: int,
    scheduler: str | None,
    replications: int = REPLICATIONS,
    progress: bool = True,
    stream: Any = None,
    screen: bool = True,
) -> Any:
    """Run (or continue) ABC-SMC into ``out/calibration.db``; return the pyabc History.

    With ``screen`` (the default) only the parameters that the window's statistics can
    inform are calibrated (:mod:`~escalation_sim.run.calibrate_screen`; the screening is
    kept in ``out/screening.csv``) and ``cal`` is narrowed to them in place, so that
    :func:`posterior_frame` writes those columns; the others keep their priors.

    Particles are proposed in batches and simulated in one engine call per batch and
    worker (:mod:`~escalation_sim.run.abc_batch`), so the result depends on ``seed``
    only, not on ``workers`` or a Dask ``scheduler``, and a calibration killed and
    continued ends as an uninterrupted one (each generation reseeds with (seed, t)).
    """
    import sys

    import pyabc

    quiet_pyabc()
    db = out / DB_NAME
    done = generations_done(db)
    # ABC runs on standard normal scores z of each parameter (value = prior quantile of
    # Phi(z)): the prior is exactly ours, and no proposal ever has prior density zero.
    with ExitStack() as stack:
        runner, parts = make_runner(workers, scheduler, stack)
        model = WindowSimulator(
            cal.scenario,
            cal.paths,
            cal.names,
            cal.integer,
            cal.targets,
            replications,
            out / FAILURES_NAME,
            latent_of(cal),
            runner=runner,
            parts=parts,
        )
        scales, constant = fixed_scales(out, cal, model, seed)
        if screen:
            narrow(cal, model, screening(out, cal, model, scales, constant, seed))
        prior = standard_normal_prior(cal.names)
        model.pack = [(t.key, scales[t.key]) for t in cal.targets if t.key not in constant]
        reporter = Reporter(generations, done, stream or sys.stderr, progress)
        sampler = make_batch_sampler(model.simulate, reporter, seed)
        abc = pyabc.ABCSMC(
            model,
            prior,
            pyabc.PNormDistance(p=2),
            population_size=population,
            model_prior=single_model_prior(),
            # a diagonal kernel: a full covariance is singular when the population is
            # smaller than the number of parameters (a quick look's 30 particles)
            transitions=diagonal_normal_transition(),
            sampler=sampler,
        )
        if done:
            abc.load(f"sqlite:///{db}", 1)
        else:
            abc.new(f"sqlite:///{db}", model.packed(observed_statistics(cal.targets)))
        history = (
            abc.run(max_nr_populations=generations - done) if generations > done else abc.history
        )
    history.batches = list(sampler.batches)  # type: ignore[attr-defined]
    history.particles_simulated = model.simulated  # type: ignore[attr-defined]
    history.engine_seconds = model.engine_seconds  # type: ignore[attr-defined]
    history.engine_calls = list(model.calls)  # type: ignore[attr-defined]
    return history


def fixed_scales(
    out: Path, cal: Calibration, model: WindowSimulator, seed: int
) -> tuple[dict[str, float], list[str]]:
    """Each statistic's prior-predictive SD (floored) and the constant statistics, stored.

    Constant statistics (the prior cannot move them) are left out of the distance: they
    only add a constant to it.
    """
    path = out / "scales.json"
    if path.exists():
        stored = json.loads(path.read_text())
        if "scales" not in stored:  # written before constant statistics were recorded
            return {k: float(v) for k, v in stored.items()}, []
        return {k: float(v) for k, v in stored["scales"].items()}, list(stored["constant"])
    rng = np.random.default_rng([seed, 3])
    names = model.names
    z = rng.standard_normal((SCALE_DRAWS, len(names)))
    requests = [
        (dict(zip(names, row, strict=True)), int(s))
        for row, s in zip(z, rng.integers(0, 2**31 - 1, SCALE_DRAWS), strict=True)
    ]
    sims = pd.DataFrame(model.simulate(requests))
    scales = {t.key: max(float(sims[t.key].std()), SCALE_FLOOR) for t in cal.targets}
    constant = constant_statistics(sims[[t.key for t in cal.targets]])
    from escalation_sim.store.files import atomic_write_json

    atomic_write_json(path, {"scales": scales, "constant": constant})
    return scales, constant


def screening(
    out: Path,
    cal: Calibration,
    model: WindowSimulator,
    scales: dict[str, float],
    constant: list[str],
    seed: int,
) -> pd.DataFrame:
    """The parameter screening of this calibration (computed once, kept in screening.csv)."""
    path = out / SCREENING_NAME
    if path.exists():
        return pd.read_csv(path)

    def simulate(values: np.ndarray, seeds: Sequence[int]) -> list[dict[str, float]]:
        started = time.perf_counter()
        rows = simulate_window(model.sc, cal.paths, cal.targets, SCREEN_REPLICATIONS, values, seeds)
        model.engine_seconds += time.perf_counter() - started
        model.calls.append((len(seeds), SCREEN_REPLICATIONS))
        return or_failed(rows, cal.targets)

    table = screen(cal.paths, latent_of(cal), simulate, scales, constant, seed)
    from escalation_sim.store.files import atomic_write_bytes

    atomic_write_bytes(path, table.to_csv(index=False).encode())
    return table


def narrow(cal: Calibration, model: WindowSimulator, table: pd.DataFrame) -> None:
    """Keep only the screened-in parameters in ``cal`` and ``model`` (in their order).

    A short window may move no statistic by the threshold; the strongest parameter is then
    calibrated alone, so that there is still a posterior (the others keep their priors).
    """
    keep = set(table.loc[table["calibrated"].astype(bool), "parameter"])
    if not keep and len(table):
        keep = {table.sort_values("effect", ascending=False)["parameter"].iloc[0]}
    idx = [j for j, p in enumerate(cal.paths) if p in keep]
    cal.paths = [cal.paths[j] for j in idx]
    cal.names = [cal.names[j] for j in idx]
    cal.integer = [cal.integer[j] for j in idx]
    model.paths, model.names, model.integer = cal.paths, cal.names, cal.integer
    model.latent = latent_of(cal)


def posterior_frame(history: Any, cal: Calibration) -> pd.DataFrame:
    """The last generation: one row per particle with its weight and parameter values."""
    t = history.max_t
    df, w = history.get_distribution(m=0, t=t)
    frame = pd.DataFrame({"particle": np.arange(len(df)), "weight": w / w.sum()})
    frame["generation"] = t
    for p, n, (prior, value, whole) in zip(cal.paths, cal.names, latent_of(cal), strict=True):
        u = np.clip(stats.norm.cdf(df[n].to_numpy(float)), 1e-12, 1 - 1e-12)
        frame[p] = draw(prior, u, value, whole)
    return frame
