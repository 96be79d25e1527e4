"""The ``calibrate`` command: ABC-SMC on a scenario's window against an observed record."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from escalation_sim.cli.usage import UsageError
from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load


def add_abc_arguments(
    p: argparse.ArgumentParser, generations_help: str, population: int, generations: int
) -> None:
    """``--population`` and ``--generations`` of ABC-SMC (``calibrate``, ``backtest``)."""
    p.add_argument(
        "--population",
        type=int,
        default=population,
        metavar="N",
        help=f"particles per generation (default {population})",
    )
    p.add_argument(
        "--generations",
        type=int,
        default=generations,
        metavar="G",
        help=f"{generations_help} (default {generations})",
    )


def add_calibrate(sub: argparse._SubParsersAction) -> None:
    """The ``calibrate`` command and its arguments."""
    from escalation_sim.run.calibrate import GENERATIONS, POPULATION, REPLICATIONS

    p = sub.add_parser(
        "calibrate",
        help="ABC-SMC calibration of the priors on the observed record of the window",
        description="Calibrate SCENARIO's prior-carrying parameters on the rows of OBSERVED "
        "that lie in its window (start .. forecast_from) with pyabc's ABC-SMC. Writes "
        "OUT/calibration.db (continue a stopped calibration by running the same command), "
        "posterior.parquet, diagnostics figures and a manifest.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML with forecast_from after start")
    p.add_argument("observed", type=Path, help="observed record (CSV, see data/observed/)")
    add_abc_arguments(p, "generations in all, stored ones included", POPULATION, GENERATIONS)
    p.add_argument(
        "--replications",
        type=int,
        default=REPLICATIONS,
        metavar="R",
        help=f"replications per particle (default {REPLICATIONS})",
    )
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--out", type=Path, help="results folder (default results/calibrate_<name>)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="local processes that share each batch's engine call (default 1; the result "
        "is the same for any number)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="a Dask scheduler: each batch's engine call is split over its workers",
    )
    p.add_argument(
        "--all-parameters",
        action="store_true",
        help="calibrate every prior-carrying parameter (default: only those the window's "
        "statistics respond to, by a one-at-a-time screening; see docs/observed.md)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_calibrate)


def _check_args(args: argparse.Namespace) -> None:
    for name, low in (
        ("population", 2),
        ("generations", 1),
        ("replications", 1),
        ("workers", 1),
        ("seed", 0),
    ):
        if getattr(args, name) < low:
            raise UsageError(f"--{name} must be at least {low}, got {getattr(args, name)}")
    if args.scheduler is not None and not args.scheduler.startswith("tcp://"):
        raise UsageError(f"--scheduler must look like tcp://HOST:PORT, got {args.scheduler!r}")


def _inputs_hash(scenario: Path, observed: Path, args: argparse.Namespace) -> str:
    h = hashlib.sha256()
    for path in (scenario, observed):
        h.update(path.read_bytes())
    h.update(f"{args.population}/{args.replications}/{args.all_parameters}".encode())
    return h.hexdigest()


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Check everything, run or continue ABC-SMC, write the posterior and diagnostics."""
    from escalation_sim.run.calibrate import DB_NAME, generations_done, prepare

    _check_args(args)
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise UsageError("calibrate needs pyabc: pip install 'escalation-sim[calibrate]'") from None
    sc = load(args.scenario)
    record = load_observed(args.observed)
    try:
        cal = prepare(sc, record)
    except InputError as exc:
        if exc.file is None:  # the scenario itself lacks a window
            raise InputError(exc.message, args.scenario, None, exc.path) from None
        raise
    out = args.out if args.out is not None else Path("results") / f"calibrate_{sc.name}"
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    digest = _inputs_hash(args.scenario, args.observed, args)
    stored = _stored_hash(out)
    if generations_done(out / DB_NAME) and stored not in (None, digest):
        raise UsageError(
            f"--out {out} holds a calibration of other inputs (scenario, record, population "
            "or replications differ); choose another --out"
        )
    out.mkdir(parents=True, exist_ok=True)
    _write_manifest(out, args, sc, record, cal, digest, status="running")
    return _calibrate(args, out, sc, record, cal, digest)


def _stored_hash(out: Path) -> str | None:
    from escalation_sim.store.results import read_manifest

    manifest = read_manifest(out) if out.is_dir() else None
    return manifest.get("inputs_hash") if manifest else None


def _calibrate(
    args: argparse.Namespace, out: Path, sc: Any, record: Any, cal: Any, digest: str
) -> int:
    from escalation_sim.run.calibrate import (
        DB_NAME,
        POSTERIOR_NAME,
        generations_done,
        posterior_frame,
        run_abc,
    )
    from escalation_sim.store.files import atomic_write_parquet

    before = generations_done(out / DB_NAME)
    if before and not args.quiet:
        print(f"continuing from generation {before} of {out / DB_NAME}", file=sys.stderr)
    started = time.perf_counter()
    history = run_abc(
        cal,
        out,
        population=args.population,
        generations=args.generations,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        replications=args.replications,
        progress=not args.quiet,
        screen=not args.all_parameters,
    )
    wall = time.perf_counter() - started
    posterior = posterior_frame(history, cal)
    atomic_write_parquet(out / POSTERIOR_NAME, posterior)
    ess = _diagnostics(out, cal, posterior, history, args)
    accepted_or_rejected = int(ess["samples"].iloc[before:].sum()) if len(ess) > before else 0
    simulated = int(getattr(history, "particles_simulated", accepted_or_rejected))
    batches = list(getattr(history, "batches", []))
    calls = [list(c) for c in getattr(history, "engine_calls", [])]
    runs = sum(p * r for p, r in calls) if calls else simulated * args.replications
    extra = {
        "wall_seconds": round(wall, 3),
        "generations_run": len(ess) - before,
        # every particle the engine simulated (prior-predictive scales, pyabc's initial
        # sample for epsilon, proposals past the last acceptance of a batch included)
        "particles_simulated": simulated,
        "particles_evaluated": accepted_or_rejected,  # those pyabc counts in its populations
        # every replication-run the engine simulated (screening and scales included)
        "runs_simulated": runs,
        "runs_per_second": round(runs / wall, 1) if wall else None,
        # (particles, replications) of every engine call: benchmarks replay them alone
        "engine_calls": calls,
        "batch_sizes": batches,
        # wall time of the engine calls; the rest of wall_seconds is pyabc's bookkeeping,
        # the screening, the database and the prior-predictive scales
        "engine_seconds": round(float(getattr(history, "engine_seconds", 0.0)), 3),
        "ess": ess.to_dict(orient="records"),
        "final_ess": float(ess["ess"].iloc[-1]),
        "calibrated_parameters": list(cal.paths),
        "screening": None if args.all_parameters else "screening.csv",
        "constant_statistics": _constant(out),
    }
    _write_manifest(out, args, sc, record, cal, digest, status="complete", **extra)
    print(_summary(sc, cal, ess, posterior, out, wall))
    return 0


def _constant(out: Path) -> list[str]:
    """Statistics the prior cannot move (left out of the distance), from scales.json."""
    import json

    stored = json.loads((out / "scales.json").read_text())
    return list(stored.get("constant", [])) if "scales" in stored else []


def _diagnostics(out: Path, cal: Any, posterior: Any, history: Any, args: Any) -> Any:
    from escalation_sim.present.figures.calibration import (
        plot_ess,
        plot_marginals,
        plot_predictive,
    )
    from escalation_sim.run.calibrate_checks import (
        ess_per_generation,
        predictive_check,
        prior_sample,
    )
    from escalation_sim.run.calibrate_window import observed_statistics
    from escalation_sim.store.files import atomic_write_bytes

    ess = ess_per_generation(history)
    predictive = predictive_check(cal, posterior, 40, args.replications, args.seed)
    figures = {
        "posterior_marginals": plot_marginals(prior_sample(cal, 2000, args.seed), posterior),
        "ess_per_generation": plot_ess(ess),
        "posterior_predictive": plot_predictive(observed_statistics(cal.targets), predictive),
    }
    (out / "figures").mkdir(exist_ok=True)
    for name, fig in figures.items():
        import io

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        atomic_write_bytes(out / "figures" / f"{name}.png", buf.getvalue())
    return ess


def _write_manifest(
    out: Path, args: Any, sc: Any, record: Any, cal: Any, digest: str, **fields: Any
) -> None:
    from escalation_sim.store.results import new_manifest, write_manifest

    manifest = new_manifest(
        "calibrate",
        scenario=sc.name,
        scenario_file=str(args.scenario),
        observed_file=str(args.observed),
        inputs_hash=digest,
        window=[str(sc.start), str(sc.forecast_date)],
        latest_observation_used=str(max(t_end(sc, t) for t in cal.targets)),
        statistics=[t.key for t in cal.targets],
        rows_without_model_output=cal.skipped,
        parameters=cal.paths,
        population=args.population,
        generations=args.generations,
        replications_per_particle=args.replications,
        seed=args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        distance="pyabc PNormDistance(p=2) on one array per particle ('scaled' in the "
        "database): each statistic (log(1 + mean simulated count)) that the prior can move, "
        "divided by its prior-predictive standard deviation (scales.json), in the order of "
        "'statistics' without 'constant_statistics'",
        config=sc.model_dump(mode="json"),
        **fields,
    )
    write_manifest(out, manifest)


def t_end(sc: Any, target: Any) -> Any:
    """Calendar date of a statistic's last day."""
    import datetime as dt

    return sc.start + dt.timedelta(days=target.last)


def _summary(sc: Any, cal: Any, ess: Any, posterior: Any, out: Path, wall: float) -> str:
    last = ess.iloc[-1]
    return "\n".join(
        [
            f"{sc.name}: ABC-SMC on {len(cal.targets)} window statistics "
            f"({sc.start} .. {sc.forecast_date}), {len(cal.paths)} of {len(cal.priors)} "
            "parameters calibrated (the others keep their priors)",
            f"  generations            {len(ess)}   final epsilon {last['epsilon']:.3g}   "
            f"ESS {last['ess']:.0f} of {len(posterior)} particles",
            "  ESS per generation     " + ", ".join(f"{e:.0f}" for e in ess["ess"]),
            f"  posterior sample       {out / 'posterior.parquet'}",
            f"  history database       {out / 'calibration.db'} (rerun to continue)",
            f"  figures                {out / 'figures'}/",
            f"  wall time              {wall:.1f} s",
        ]
    )
