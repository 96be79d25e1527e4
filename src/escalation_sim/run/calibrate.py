"""ABC-SMC calibration of a scenario's priors on the observed record of its window (pyabc).

The scenario must start before its ``forecast_from``: the days between are the calibration
window. Each observed row that lies inside the window and has a model output (irregular
entries, i.e. the detained "arrivals" border guards report, and pushbacks per border,
packages per sanctioner, armed incidents per border) is one summary
statistic: log(1 + the mean over ``replications`` replications of the simulated total over
the row's days). pyabc's adaptive p-norm distance scales every statistic by its spread in
each generation (scaled distances). The history database ``calibration.db`` in the results
folder can be inspected with pyabc and lets a killed calibration continue where it stopped.

Scaled distances: each statistic is divided by its standard deviation over ``SCALE_DRAWS``
prior-predictive simulations (at least ``SCALE_FLOOR``), fixed before the first generation
and kept in ``scales.json`` so that a continued calibration uses the same distance.
(pyabc's adaptive scaling divides by zero when a statistic never varies, as scheduled
sanctions rounds do; fixed prior-predictive scales do not.)

Defaults: ``POPULATION`` = 100 particles (pyabc's default; an effective sample size of
~50 in the last generation is enough for the marginals and the ensemble's draws) and
``GENERATIONS`` = 5 (the threshold falls little after the fourth on the shipped record),
``REPLICATIONS`` = 10 per particle. On the 2-core machine that is a few minutes
(``benchmarks/bench_calibrate.py`` measures it); ``--population 30 --generations 2``
is a one-minute look.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from escalation_sim.config.observed import QUANTITIES, ObservedRecord
from escalation_sim.config.priors import draw
from escalation_sim.config.scenario import (
    Scenario,
    parameter_fields,
    parameter_value,
    scenario_priors,
)
from escalation_sim.engine.model import EscalationModel
from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import rows_in_window

POPULATION = 100
GENERATIONS = 5
REPLICATIONS = 10  # per particle: the statistics are means over these
SCALE_DRAWS = 40  # prior-predictive simulations that fix each statistic's scale
SCALE_FLOOR = 0.1  # log units: a statistic the prior cannot move still gets a finite weight
DB_NAME = "calibration.db"
FAILURES_NAME = "failures.jsonl"
POSTERIOR_NAME = "posterior.parquet"
FAILED = 50.0  # log1p statistic of a failed simulation: far from any observation


@dataclass(frozen=True)
class Target:
    """One summary statistic: a window row the model can reproduce."""

    key: str
    output: str  # entries | pushbacks | sanctions_packages | armed_incidents
    index: int  # the actor's row among frontline states or sanctioners
    first: int  # window day of the row's first day
    last: int  # window day of its last day (inclusive)
    observed: float


def window_targets(record: ObservedRecord, sc: Scenario) -> tuple[list[Target], int]:
    """Statistics of the window's rows, and how many window rows have no model output."""
    rows = rows_in_window(record, sc.start, sc.forecast_date)
    front = [a.name for a in sc.actors_of("frontline")]
    sanc = [a.name for a in sc.actors_of("sanctioner")]
    targets, skipped = [], 0
    for r in rows:
        output = QUANTITIES[r.quantity].output
        if output is None:
            skipped += 1
            continue
        names = sanc if output == "sanctions_packages" else front
        if r.actor not in names:
            role = "sanctioner" if output == "sanctions_packages" else "frontline state"
            raise InputError(
                f"{r.quantity} needs a {role} of scenario {sc.name!r} "
                f"({', '.join(names)}), got {r.actor!r}",
                record.file,
                r.line,
                "actor",
            )
        key = f"{r.quantity}:{r.actor}:{r.date_text}"
        targets.append(
            Target(key, output, names.index(r.actor), sc.day_of(r.start), sc.day_of(r.end), r.value)
        )
    if not targets:
        raise InputError(
            "no observation inside the calibration window has a model output "
            "(arrivals, pushbacks, sanctions_packages, armed_incidents)",
            record.file,
        )
    return targets, skipped


def window_scenario(sc: Scenario) -> Scenario:
    """The scenario cut at its forecast date: only the window's days and events."""
    end = sc.forecast_date - dt.timedelta(days=1)

    def inside(ev: Any) -> bool:
        days = [getattr(ev, k, None) for k in ("date", "start", "end")]
        return all(d is None or d <= end for d in days)

    return sc.model_copy(
        update={"days": sc.forecast_day, "events": [e for e in sc.events if inside(e)]}
    )


def statistics_of(window: Any, targets: list[Target]) -> dict[str, float]:
    """log(1 + mean simulated total) of every target (the window's WindowSeries)."""
    arrays = {
        "entries": window.entries,
        "pushbacks": window.pushbacks,
        "sanctions_packages": window.packages,
        "armed_incidents": window.armed,
    }
    out = {}
    for t in targets:
        series = arrays[t.output][t.first : t.last + 1, t.index]
        out[t.key] = float(np.log1p(series.sum(axis=0, dtype=np.float64).mean()))
    return out


def observed_statistics(targets: list[Target]) -> dict[str, float]:
    """The same statistics of the observed record."""
    return {t.key: float(np.log1p(t.observed)) for t in targets}


class WindowSimulator:
    """pyabc's model: a parameter vector -> the window's statistics (picklable for Dask)."""

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
    ) -> None:
        self.sc, self.paths, self.names, self.integer = window_scenario(sc), paths, names, integer
        self.targets, self.R, self.failures = targets, replications, failures
        self.latent = latent  # (prior, scenario value, integer) per parameter, or None

    def overrides(self, par: Any) -> dict[str, np.ndarray]:
        """Per-replication arrays of one particle's values (whole numbers where needed)."""
        vals = self.values(par)
        return {p: np.full(self.R, vals[p], float) for p in self.paths}

    def values(self, par: Any) -> dict[str, float]:
        """Parameter values of a particle: given directly, or as standard normal scores."""
        if self.latent is None:
            return {p: float(par[n]) for p, n in zip(self.paths, self.names, strict=True)}
        out = {}
        for p, n, (prior, value, whole) in zip(self.paths, self.names, self.latent, strict=True):
            u = np.array([stats.norm.cdf(float(par[n]))])
            out[p] = float(draw(prior, np.clip(u, 1e-12, 1 - 1e-12), value, whole)[0])
        return out

    def __call__(self, par: Any) -> dict[str, float]:
        """Simulate the window; a failure gives far-off statistics and a failures row."""
        seed = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 (pyabc seeds the global)
        try:
            model = EscalationModel(
                self.sc, replications=self.R, seed=seed, overrides=self.overrides(par)
            ).run()
            return statistics_of(model.window, self.targets)
        except Exception as exc:  # recorded, not fatal: the particle is rejected
            self._record(par, seed, exc)
            return {t.key: FAILED for t in self.targets}

    def _record(self, par: Any, seed: int, exc: Exception) -> None:
        if self.failures is None:
            return
        row = {
            "seed": seed,
            "error": f"{type(exc).__name__}: {exc}",
            "parameters": self.values(par),
            "traceback": traceback.format_exc(),
        }
        with self.failures.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")


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


def make_sampler(workers: int, scheduler: str | None) -> Any:
    """Single core (reproducible), local processes, or a Dask cluster."""
    from pyabc import sampler

    if scheduler is not None:
        from distributed import Client

        return sampler.DaskDistributedSampler(dask_client=Client(scheduler), batch_size=4)
    if workers <= 1:
        return sampler.SingleCoreSampler()
    return sampler.MulticoreEvalParallelSampler(n_procs=workers)


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


class GenerationProgress:
    """A line per finished generation with the elapsed time and an ETA (polls the DB)."""

    def __init__(self, db: Path, total: int, done: int, enabled: bool, stream: Any) -> None:
        self.db, self.total, self.first = db, total, done
        self.enabled, self.stream = enabled, stream
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> GenerationProgress:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()

    def _watch(self) -> None:
        seen = self.first
        while not self._stop.wait(1.0):
            n = generations_done(self.db)
            if n > seen:
                seen = n
                elapsed = time.perf_counter() - self.started
                per = elapsed / max(n - self.first, 1)
                left = per * (self.total - n)
                self.stream.write(
                    f"progress: generation {n}/{self.total}  elapsed {elapsed:,.0f} s  "
                    f"ETA {left:,.0f} s\n"
                )
                self.stream.flush()


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
) -> Any:
    """Run (or continue) ABC-SMC into ``out/calibration.db``; return the pyabc History."""
    import pyabc

    quiet_pyabc()
    db = out / DB_NAME
    # ABC runs on standard normal scores z of each parameter (value = prior quantile of
    # Phi(z)): the prior is exactly ours, and no proposal ever has prior density zero.
    prior = pyabc.Distribution(**{n: pyabc.RV("norm", 0, 1) for n in cal.names})
    model = WindowSimulator(
        cal.scenario,
        cal.paths,
        cal.names,
        cal.integer,
        cal.targets,
        replications,
        out / FAILURES_NAME,
        latent_of(cal),
    )
    np.random.seed(seed)  # noqa: NPY002 (pyabc draws from numpy's global generator)
    scales = fixed_scales(out, cal, model, prior)
    abc = pyabc.ABCSMC(
        model,
        prior,
        pyabc.PNormDistance(p=2, fixed_weights={k: 1 / v for k, v in scales.items()}),
        population_size=population,
        # one kernel per parameter: a joint 45-dimensional kernel is singular when the
        # population is smaller than the number of parameters (a quick look's 30 particles)
        transitions=pyabc.AggregatedTransition(
            {n: pyabc.MultivariateNormalTransition() for n in cal.names}
        ),
        sampler=make_sampler(workers, scheduler),
    )
    done = generations_done(db)
    if done:
        abc.load(f"sqlite:///{db}", 1)
    else:
        abc.new(f"sqlite:///{db}", observed_statistics(cal.targets))
    if generations > done:
        import sys

        with GenerationProgress(db, generations, done, progress, stream or sys.stderr):
            history = abc.run(max_nr_populations=generations - done)
    else:
        history = abc.history
    return history


def fixed_scales(out: Path, cal: Calibration, model: Any, prior: Any) -> dict[str, float]:
    """Each statistic's prior-predictive standard deviation (floored), stored once."""
    path = out / "scales.json"
    if path.exists():
        return {k: float(v) for k, v in json.loads(path.read_text()).items()}
    sims = pd.DataFrame([model(prior.rvs()) for _ in range(SCALE_DRAWS)])
    scales = {t.key: max(float(sims[t.key].std()), SCALE_FLOOR) for t in cal.targets}
    from escalation_sim.store.files import atomic_write_json

    atomic_write_json(path, scales)
    return scales


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
    """Window statistics simulated from ``draws`` posterior particles (by weight)."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(posterior), size=draws, p=posterior["weight"].to_numpy())
    model = WindowSimulator(
        cal.scenario, cal.paths, cal.paths, cal.integer, cal.targets, replications, None
    )
    rows = []
    for i in idx:
        np.random.seed(int(rng.integers(2**31 - 1)))  # noqa: NPY002
        rows.append(model(posterior.iloc[int(i)]))
    return pd.DataFrame(rows)


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
