"""The ``score`` and ``backtest`` commands: forecasts judged against observed records."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import sys
import time
from pathlib import Path
from typing import Any

from escalation_sim.cli.calibrate_commands import add_abc_arguments
from escalation_sim.cli.usage import UsageError
from escalation_sim.io.errors import InputError
from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load


def add_score(sub: argparse._SubParsersAction) -> None:
    """The ``score`` command and its arguments."""
    p = sub.add_parser(
        "score",
        help="score a run's forecast against an observed record, with baselines",
        description="Score the forecast of RESULTS (a `run --series` folder) against the rows "
        "of OBSERVED inside its forecast window: Brier and log score of events, CRPS and PIT "
        "of counts, censored CRPS and interval coverage of first-occurrence dates; skill "
        "against a statistical baseline fitted before the forecast date (and a prior "
        "ensemble run with --prior). Writes RESULTS/score.parquet and two figures.",
    )
    p.add_argument("results", type=Path, help="results folder of `escalation-sim run --series`")
    p.add_argument("observed", type=Path, help="observed record (CSV, see docs/observed.md)")
    p.add_argument(
        "--prior",
        type=Path,
        metavar="RESULTS",
        help="a `run --parameters prior --series` folder of the same scenario: a baseline",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of baseline samples (default 0)")
    p.set_defaults(func=cmd_score)


def _results(path: Path, what: str) -> Any:
    from escalation_sim.store.results import load as load_results

    try:
        return load_results(path)
    except FileNotFoundError as exc:
        raise InputError(f"{what}: {exc}", path) from None
    except (ValueError, KeyError) as exc:
        raise InputError(
            f"{what}: not a results folder this version can read ({exc})", path
        ) from None


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def cmd_score(args: argparse.Namespace) -> int:
    """Check everything, score, then write score.parquet and the figures (recorded)."""
    from escalation_sim.present.figures.scores import plot_pit, plot_reliability
    from escalation_sim.present.scores import format_scores
    from escalation_sim.run.score import score_results
    from escalation_sim.store.files import atomic_write_bytes, atomic_write_parquet
    from escalation_sim.store.folder import record_derived
    from escalation_sim.store.results import FIGURES, SCORE, command_line

    if args.seed < 0:
        raise UsageError(f"--seed must not be negative, got {args.seed}")
    res = _results(args.results, "RESULTS")
    record = load_observed(args.observed)
    prior = _results(args.prior, "--prior") if args.prior is not None else None
    scored = score_results(res, record, prior=prior, seed=args.seed)
    figures = {"reliability": plot_reliability(scored.table), "pit": plot_pit(scored.table)}
    images = {name: _png(fig) for name, fig in figures.items()}  # drawn before any write
    out = args.results
    written = [out / SCORE]
    atomic_write_parquet(out / SCORE, scored.table)
    (out / FIGURES).mkdir(exist_ok=True)
    for name, data in images.items():
        atomic_write_bytes(out / FIGURES / f"{name}.png", data)
        written.append(out / FIGURES / f"{name}.png")
    info = scored.describe()
    if prior is not None:
        info["prior_results"] = str(args.prior)
    record_derived(out, written, command_line(), {"score": info})
    title = (
        f"{res.name}: forecast {scored.forecast_from} .. {scored.horizon_end} scored on "
        f"{len(scored.table)} items of {args.observed}"
    )
    print(format_scores(scored.table, scored.overall, title))
    print(f"  written {out / SCORE}, {out / FIGURES}/reliability.png, pit.png")
    return 0


# ---------------------------------------------------------------------- backtest
def add_backtest(sub: argparse._SubParsersAction) -> None:
    """The ``backtest`` command and its arguments."""
    from escalation_sim.run.backtest import (
        FORECAST_REPLICATIONS,
        GENERATIONS,
        HORIZON,
        POPULATION,
    )

    p = sub.add_parser(
        "backtest",
        help="rolling-origin evaluation: calibrate before each origin, score after it",
        description="For each origin D: calibrate SCENARIO on the rows of OBSERVED that end "
        "before D (ABC-SMC as `calibrate`), forecast --horizon days from D with the posterior "
        "and the prior ensembles, and score both and a statistical baseline against the rows "
        "after D. Writes OUT/backtest.parquet, OUT/figures/backtest_skill.png, one "
        "calibration per origin in OUT/origin_<D>/, and a manifest.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML (its start is the window's start)")
    p.add_argument("observed", type=Path, help="observed record (CSV)")
    p.add_argument(
        "--origins", required=True, metavar="D1,D2,...", help="forecast origins (YYYY-MM-DD)"
    )
    p.add_argument(
        "--horizon", type=int, default=HORIZON, metavar="DAYS", help=f"default {HORIZON}"
    )
    add_abc_arguments(p, "ABC-SMC generations per origin", POPULATION, GENERATIONS)
    p.add_argument(
        "--replications",
        type=int,
        default=FORECAST_REPLICATIONS,
        metavar="R",
        help=f"forecast replications per ensemble (default {FORECAST_REPLICATIONS})",
    )
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--out", type=Path, help="results folder (default results/backtest_<name>)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="local processes for ABC (default 1: reproducible from the seed)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_backtest)


def parse_origins(text: str) -> list[dt.date]:
    """``D1,D2,...`` -> sorted distinct dates (UsageError if one is not a date)."""
    out = []
    for part in text.split(","):
        try:
            out.append(dt.date.fromisoformat(part.strip()))
        except ValueError:
            raise UsageError(
                f"--origins: expected dates YYYY-MM-DD, got {part.strip()!r}"
            ) from None
    return sorted(set(out))


def _check(args: argparse.Namespace) -> None:
    for name, low in (
        ("horizon", 1),
        ("population", 2),
        ("generations", 1),
        ("replications", 2),
        ("workers", 1),
        ("seed", 0),
    ):
        if getattr(args, name) < low:
            raise UsageError(f"--{name} must be at least {low}, got {getattr(args, name)}")


def _digest(args: argparse.Namespace) -> str:
    h = hashlib.sha256(args.scenario.read_bytes() + args.observed.read_bytes())
    h.update(f"{args.horizon}/{args.population}/{args.replications}/{args.seed}".encode())
    return h.hexdigest()


def _check_out(out: Path, digest: str) -> None:
    from escalation_sim.store.results import read_manifest_checked

    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", out)
    if not out.exists() or not any(out.iterdir()):
        return
    manifest = read_manifest_checked(out)
    if manifest is None or manifest.get("kind") != "backtest":
        raise InputError("is not empty and holds no backtest; choose another --out", out)
    if manifest.get("inputs_hash") != digest:
        raise InputError(
            "holds a backtest of other inputs (scenario, record, horizon, population, "
            "replications or seed); choose another --out",
            out,
        )


def cmd_backtest(args: argparse.Namespace) -> int:
    """Check everything, run every origin, write the items, skill table, figure, manifest."""
    from escalation_sim.run.backtest import Settings, backtest, check_origin

    _check(args)
    origins = parse_origins(args.origins)
    sc = load(args.scenario)
    record = load_observed(args.observed)
    for o in origins:  # every origin checked before anything is written
        check_origin(sc, record, o, args.horizon)
    out = args.out if args.out is not None else Path("results") / f"backtest_{sc.name}"
    digest = _digest(args)
    _check_out(out, digest)
    settings = Settings(
        args.horizon,
        args.population,
        args.generations,
        10,
        args.replications,
        args.seed,
        args.workers,
    )
    out.mkdir(parents=True, exist_ok=True)
    _running_manifest(args, out, sc, digest)  # a killed backtest continues from here
    started = time.perf_counter()

    def told(r: Any) -> None:
        if not args.quiet:
            print(f"origin {r.origin}: {len(r.scored.table)} items scored", file=sys.stderr)

    results = backtest(sc, record, origins, out, settings, told, progress=not args.quiet)
    return _write_backtest(args, out, sc, results, digest, time.perf_counter() - started)


def _running_manifest(args: argparse.Namespace, out: Path, sc: Any, digest: str) -> None:
    from escalation_sim.store.results import new_manifest, write_manifest

    write_manifest(
        out,
        new_manifest(
            "backtest",
            scenario=sc.name,
            observed_file=str(args.observed),
            inputs_hash=digest,
            status="running",
        ),
    )


def _write_backtest(
    args: argparse.Namespace, out: Path, sc: Any, results: list, digest: str, wall: float
) -> int:
    from escalation_sim.present.figures.scores import plot_backtest
    from escalation_sim.present.scores import format_backtest
    from escalation_sim.run.backtest import all_items, overall, per_origin_skill
    from escalation_sim.store.files import atomic_write_bytes, atomic_write_parquet
    from escalation_sim.store.results import FIGURES, new_manifest, write_manifest

    items = all_items(results)
    per_origin = per_origin_skill(results, args.seed)
    total = overall(items, args.seed)
    stat = total[total["baseline"] == "statistical"]
    atomic_write_parquet(out / "backtest.parquet", items)
    atomic_write_parquet(out / "backtest_skill.parquet", per_origin)
    (out / FIGURES).mkdir(exist_ok=True)
    atomic_write_bytes(out / FIGURES / "backtest_skill.png", _png(plot_backtest(per_origin, stat)))
    manifest = new_manifest(
        "backtest",
        scenario=sc.name,
        scenario_file=str(args.scenario),
        observed_file=str(args.observed),
        inputs_hash=digest,
        horizon=args.horizon,
        population=args.population,
        generations=args.generations,
        forecast_replications=args.replications,
        seed=args.seed,
        workers=args.workers,
        origins=[r.describe() for r in results],
        overall=total.to_dict(orient="records"),
        wall_seconds=round(wall, 1),
        status="complete",
    )
    write_manifest(out, manifest)
    print(format_backtest(per_origin, total))
    print(f"  written {out}/backtest.parquet, backtest_skill.parquet, figures/, in {wall:.0f} s")
    return 0
