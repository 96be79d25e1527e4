"""Plan, status and report of a sweep as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.analysis.stats import wilson_interval
from escalation_sim.run.sweep.driver import SweepReport
from escalation_sim.run.sweep.estimate import (
    UNCALIBRATED,
    Calibration,
    estimate,
    time_range,
)
from escalation_sim.run.sweep.plan import Plan
from escalation_sim.store.results import FAILURES, format_value


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _fmt_time(s: float) -> str:
    if s < 1:
        return "<1 s"
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def format_plan(
    plan: Plan,
    workers: int,
    max_rows: int = 12,
    calibration: Calibration | None = None,
) -> str:
    """What ``escalation-sim plan`` prints.

    ``calibration`` (from :func:`~escalation_sim.run.sweep.estimate.calibrate`)
    turns the time estimate into a range measured on this machine; without it
    the range comes from the cost model alone and says so.
    """
    exp = plan.experiment
    n = len(plan.points)
    lo, hi = plan.runs_range()
    sc = exp.scenario
    lines = [
        f"experiment {exp.name} ({exp.file})",
        f"  scenario       {sc.name} ({exp.scenario_file}), {sc.days} days from {sc.start}"
        + (f"; set {', '.join(f'{k}={v}' for k, v in exp.fixed.items())}" if exp.fixed else ""),
    ]
    shape = {
        "grid": " x ".join(str(len(p.values or ())) for p in exp.parameters),
        "explicit": "explicit list",
        "lhs": f"Latin hypercube of {exp.samples}",
        "sobol": f"Sobol/Saltelli, N={exp.samples}"
        + (", second order" if exp.calc_second_order else ""),
        "morris": f"Morris, {exp.samples} trajectories, {exp.num_levels} levels",
    }[exp.design]
    lines.append(f"  design         {exp.design}: {shape} = {n:,} design points")
    for i, p in enumerate(exp.parameters):
        if p.values is not None:
            vals = list(p.values)
            more = " ..." if len(vals) > 6 else ""
            shown = ", ".join(format_value(v, 4) for v in vals[:6]) + more
            what = f"{shown} ({len(vals)} values)"
        else:
            r = p.range
            assert r is not None
            what = f"{format_value(r.low, 4)} .. {format_value(r.high, 4)} ({r.dist})"
        lines.append(f"  {'parameters' if i == 0 else '':<14} {p.path}: {what}")
    a = plan.adaptive
    if a is None:
        lines.append(f"  replications   {exp.replications:,} per design point")
        lines.append(f"  runs           {lo:,} in {len(plan.tasks):,} tasks, seed {exp.seed}")
    else:
        lines.append(
            f"  replications   adaptive: {a.min:,} to {a.max:,} per design point, until the "
            f"{a.confidence:.0%} Wilson CI of P({a.outcome}) is within +/-{a.ci_half_width}"
        )
        lines.append(
            f"  runs           {lo:,} to {hi:,}; round 0: {sum(t.runs for t in plan.tasks):,} "
            f"in {len(plan.tasks):,} tasks, seed {exp.seed}"
        )
    if len(plan.variants) > 1:
        level = ", ".join(plan.variants[0])
        lines.append(f"  model variants {len(plan.variants)} ({level}: each in its own models)")
    if exp.keep_traces:
        lines.append(f"  traces kept    first {exp.keep_traces} replications of each design point")
    _cpu, disk = estimate(plan)
    t = time_range(plan, workers, calibration or UNCALIBRATED)
    where = "in-process" if workers == 0 else f"{workers} worker{'s' if workers > 1 else ''}"
    how = (
        f"calibrated by {calibration.measured:.1f} s of tasks run here"
        if calibration is not None
        else "from the cost model, not calibrated"
    )
    lines.append(
        f"  estimate       {_fmt_time(t.low)} to {_fmt_time(t.high)} with {where} "
        f"({_fmt_time(t.cpu)} of CPU; {how}), about {_fmt_bytes(disk)} on disk"
        + (" for round 0" if a is not None else "")
    )
    shown, hidden = _shown_paths(exp.paths)
    header = ["design_point", *shown]
    rows = [[str(i), *(format_value(pt[p], 4) for p in shown)] for i, pt in enumerate(plan.points)]
    if len(rows) > max_rows:
        half = max_rows // 2
        rows = [*rows[:half], ["..."] * len(header), *rows[-half:]]
    widths = [max(len(r[j]) for r in [header, *rows]) for j in range(len(header))]
    lines.append("  design points:" + _hidden_note(hidden))
    for r in [header, *rows]:
        lines.append("    " + "  ".join(c.rjust(widths[j]) for j, c in enumerate(r)))
    return "\n".join(lines)


SHOWN_PATHS = 6  # parameters printed per design point; the rest are in manifest.json


def _shown_paths(paths: list[str] | tuple[str, ...]) -> tuple[list[str], int]:
    """The parameters to print per design point, and how many are left out.

    A sensitivity design varies dozens of parameters: all of them on every line would
    make the terminal summary unreadable, and every value is in the results folder.
    """
    return list(paths[:SHOWN_PATHS]), max(len(paths) - SHOWN_PATHS, 0)


def _hidden_note(hidden: int) -> str:
    """The note that tells where the parameters not printed are."""
    if not hidden:
        return ""
    return (
        f" (first {SHOWN_PATHS} parameters; {hidden} more not shown: "
        "all are in the sweep's manifest.json)"
    )


def format_status(out: Path, st: dict[str, Any]) -> str:
    """What ``escalation-sim status`` prints."""
    m = st["manifest"]
    status = m.get("status", "?")
    holder = st["holder"] or {}
    if st["lock"] == "live":
        status = f"running (PID {holder.get('pid')} on {holder.get('host')})"
    elif status == "running":
        status = "stopped without finishing (killed?); continue with --resume"
    elif status == "interrupted":
        status = "interrupted; continue with --resume"
    elif status == "failed":
        status = "finished with failed tasks; rerun them with --retry-failed"
    lines = [
        f"sweep {m.get('experiment')} in {out} (experiment {m.get('experiment_file')})",
        f"  status     {status}",
        f"  tasks      {st['done']:,} done, {len(st['failed']):,} failed, "
        f"{st['remaining']:,} remaining of {st['tasks']:,}",
        f"  runs       {st['runs_done']:,} done of {st['runs_planned']:,} planned",
    ]
    if isinstance(m.get("replications"), dict):
        lines.append(f"  rounds     {len(m.get('rounds', []))} so far (adaptive replications)")
    if st["failed"]:
        shown = ", ".join(map(str, st["failed"][:10])) + (" ..." if len(st["failed"]) > 10 else "")
        lines.append(f"  failed     tasks {shown} (see {out / FAILURES})")
    if st["consolidated"]:
        results = f"{out}/runs.parquet (consolidated)"
    elif st.get("partly_consolidated"):
        results = "consolidation did not finish; continue with --resume (tables not readable yet)"
    else:
        results = "not consolidated yet"
    lines.append("  results    " + results)
    return "\n".join(lines)


def format_report(report: SweepReport, plan: Plan, max_rows: int = 20) -> str:
    """The end-of-sweep summary."""
    exp = plan.experiment
    rate = report.ran_runs / report.seconds if report.seconds > 0 else 0.0
    head = (
        f"sweep {exp.name}: {report.done:,} of {report.tasks:,} tasks, {report.runs:,} runs "
        f"({len(plan.points):,} design points)"
    )
    lines = [head]
    if report.ran_runs:
        lines.append(
            f"  this session: {report.ran_runs:,} runs in {report.seconds:.1f} s "
            f"({rate:,.0f} runs/s)"
        )
    if report.points is not None:
        pts = report.points
        outcome = str(pts["outcome"].iloc[0])
        shown, hidden = _shown_paths(exp.paths)
        rows = []
        for d, r in pts.iterrows():
            lo_ci, hi_ci = wilson_interval(int(r["k"]), int(r["n"]))
            params = ", ".join(f"{p}={format_value(plan.points[int(d)][p], 4)}" for p in shown)
            params += ", ..." if hidden else ""
            rows.append(
                f"    {int(d):>5}  {r['k'] / r['n']:.3f} [{lo_ci:.3f}, {hi_ci:.3f}]  "
                f"n={int(r['n']):,}  {params}"
            )
        lines.append(f"  P({outcome}) per design point [95% Wilson CI]:" + _hidden_note(hidden))
        if len(rows) > max_rows:
            half = max_rows // 2
            rows = [*rows[:half], "    ...", *rows[-half:]]
        lines.extend(rows)
    if report.ensemble is not None and plan.ensemble is not None:
        lines.extend(_ensemble_lines(report.ensemble, plan, max_rows))
    lines.append(f"  results in {report.out}/")
    return "\n".join(lines)


def _ensemble_lines(table: pd.DataFrame, plan: Plan, max_rows: int) -> list[str]:
    """P(armed incident) per design point with its total and replication-only intervals."""
    from escalation_sim.analysis.ensemble import format_ensemble_row

    ens = plan.ensemble
    assert ens is not None
    n_draws = int(table["draws"].max()) if len(table) else 0
    lines = [
        f"  parameter uncertainty ({ens.source}: {len(ens.paths)} parameters drawn, up to "
        f"{n_draws:,} draws x {ens.per_draw} replications per design point, shared by the "
        "points)",
        "  P(armed incident) per design point, total 95% (P across parameter draws, binomial "
        "noise removed) and replication-only 95% intervals:",
    ]
    rows = [
        f"    {int(r['design_point']):>5}  {format_ensemble_row(r)}" for _, r in table.iterrows()
    ]
    if len(rows) > max_rows:
        half = max_rows // 2
        rows = [*rows[:half], "    ...", *rows[-half:]]
    return lines + rows
