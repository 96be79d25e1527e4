"""Run a sweep: plan, resume, execute, consolidate."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow.parquet as pq

from escalation_sim.config.experiment import Experiment
from escalation_sim.run.ensemble import Ensemble
from escalation_sim.run.sweep.adaptive import next_round
from escalation_sim.run.sweep.consolidate import (
    _consolidate,
    _counts,
    _failure_frame,
    _replications_by_point,
)
from escalation_sim.run.sweep.estimate import estimate
from escalation_sim.run.sweep.executors import Executor, SweepError, SweepInterrupted
from escalation_sim.run.sweep.folder import Store, sweep_manifest
from escalation_sim.run.sweep.plan import Plan, Task, expand
from escalation_sim.run.sweep.tasks import _payload
from escalation_sim.store import space
from escalation_sim.store.files import git_commit, now_iso
from escalation_sim.store.lock import LOCK, describe
from escalation_sim.store.results import table_path


@dataclass
class SweepReport:
    """What a sweep did."""

    out: Path
    status: str
    tasks: int
    done: int
    failed: list[int]
    runs: int
    seconds: float
    ran_runs: int = 0
    resumed: bool = False
    points: pd.DataFrame | None = None  # per design point: n, k and P(outcome) (complete only)
    ensemble: pd.DataFrame | None = None  # per design point: both intervals (--parameters)


def _say(stream: TextIO | None) -> Callable[[str], None]:
    def log(text: str) -> None:
        if stream is not None:
            stream.write(text + "\n")
            stream.flush()

    return log


def run_sweep(
    exp: Experiment,
    out: Path,
    executor: Executor,
    *,
    resume: bool = False,
    retry_failed: bool = False,
    progress: bool = True,
    stream: TextIO | None = None,
    command: str = "",
    again: str | None = None,
    ensemble: Ensemble | None = None,
) -> SweepReport:
    """Run (or resume) a sweep into ``out``; return a report.

    ``again`` is the command that continues this sweep (``--resume`` is
    appended in the message printed on Ctrl-C). With an ``ensemble`` (made with
    :func:`~escalation_sim.run.sweep.plan.with_ensemble`) every replication draws its
    parameters.

    Raises :class:`SweepError` when the folder cannot be used (held by a live
    sweep, made from another experiment, not a sweep) and
    :class:`SweepInterrupted` on Ctrl-C or SIGTERM, after marking the manifest.
    """
    stream = stream if stream is not None else sys.stderr
    log = _say(stream)
    plan = expand(exp, ensemble)
    store = Store(out)
    resume = resume or retry_failed
    started = time.perf_counter()
    if resume and store.read_manifest() is None:
        # Nothing to resume (never started, or killed while writing its first manifest):
        # start it, so a job script can always pass --resume.
        log(f"no sweep to resume in {out}/ yet: starting it")
        resume = retry_failed = False
    _check_folder(store, resume)
    if not resume:
        check_disk(plan, out)
    store.acquire(command, log)
    manifest: dict[str, Any] | None = None
    tasks: dict[int, Task] = {}
    try:
        manifest, tasks = _open(store, plan, resume, command)
        log(f"sweep {exp.name}: {executor.name} -> {out}/")
        if manifest.get("status") == "complete" and table_path(out, "runs").exists():
            log(f"{out}: the sweep is already complete; nothing to do")
            return _report(store, plan, tasks, "complete", started, 0, resume)
        manifest["status"] = "running"
        manifest["command"] = command
        store.write_manifest(manifest)
        run = _Rounds(plan, store, executor, manifest, tasks, log, progress, stream)
        ran = run.all(resume, retry_failed)
        status = _finish(store, plan, manifest, tasks)
        return _report(store, plan, tasks, status, started, ran, resume)
    except KeyboardInterrupt:
        executor.stop()
        n_done = len(store.done(tasks.values())) if tasks else 0
        if manifest is not None:
            manifest["status"] = "interrupted"
            store.write_manifest(manifest)
        again = again or f"escalation-sim sweep {exp.file} --out {out}"
        raise SweepInterrupted(
            f"interrupted: {n_done} of {len(tasks)} tasks done and saved in {out}/; "
            f"resume with: {again} --resume"
        ) from None
    finally:
        store.release()


def _open(
    store: Store, plan: Plan, resume: bool, command: str
) -> tuple[dict[str, Any], dict[int, Task]]:
    """The manifest and tasks of a resumed sweep (checked), or of a new one (written)."""
    if not resume:
        store.clean_temporaries()
        manifest = sweep_manifest(plan, command)
        store.write_manifest(manifest)
        return manifest, {t.id: t for t in plan.tasks}
    manifest = _check_resume(store, plan)
    tasks = {t["task"]: Task.from_json(t) for t in manifest["tasks"]}
    store.clean_temporaries()
    failures = store.failures()
    if len(failures):  # a task rerun successfully just before a crash
        done = store.done(tasks.values(), verify=True)
        store.set_failures(failures[~failures["task"].astype(int).isin(done)])
    return manifest, tasks


@dataclass
class _Rounds:
    """Runs a sweep's rounds: round 0, then adaptive rounds while points need more runs."""

    plan: Plan
    store: Store
    executor: Executor
    manifest: dict[str, Any]
    tasks: dict[int, Task]
    log: Callable[[str], None]
    progress: bool
    stream: TextIO

    def all(self, resume: bool, retry_failed: bool) -> int:
        """Run every round still to do; return the replication-runs run now."""
        round_no, ran = 0, 0
        while True:
            current = [t for t in self.tasks.values() if t.round == round_no]
            todo = self._todo(current, resume, retry_failed, announce=resume and round_no == 0)
            ran += _run_tasks(
                self.plan, self.store, self.executor, todo, self.progress, self.stream
            )
            missing = [t.id for t in current if t.id not in self.store.done(current)]
            if missing or self.plan.adaptive is None:
                return ran
            new = self._next(round_no)
            if not new:
                return ran
            round_no += 1
            self._record(round_no, new)

    def _todo(
        self, current: list[Task], resume: bool, retry_failed: bool, announce: bool
    ) -> list[Task]:
        """Tasks of the round not done yet (failed ones only when retrying them)."""
        done = self.store.done(current, verify=resume)
        failures = self.store.failures()
        failed_before = set(failures["task"].astype(int)) if len(failures) else set()
        todo = [
            t for t in current if t.id not in done and (retry_failed or t.id not in failed_before)
        ]
        if announce:
            self.log(
                f"resuming {self.store.out}: {len(self.store.done(self.tasks.values()))} of "
                f"{len(self.tasks)} tasks done, {len(todo)} to run"
                + (f", {len(failed_before)} failed earlier" if failed_before else "")
            )
        return todo

    def _next(self, round_no: int) -> list[Task]:
        """The next adaptive round's tasks, from the results of the rounds so far."""
        finished = [t for t in self.tasks.values() if t.round <= round_no]
        counts = _counts(self.store, finished, self.plan)
        return next_round(self.plan, counts, round_no + 1, max(t.id for t in finished) + 1)

    def _record(self, round_no: int, new: list[Task]) -> None:
        """Add a new round to the manifest, or check it against the one recorded there."""
        recorded = [t for t in self.tasks.values() if t.round == round_no]
        if recorded:
            if [t.to_json() for t in recorded] != [t.to_json() for t in new]:
                raise SweepError(
                    f"{self.store.out}: round {round_no} in the manifest differs from the one "
                    "the finished results call for; the code or the parts changed"
                )
        else:
            for t in new:
                self.tasks[t.id] = t
            self.manifest["tasks"].extend(t.to_json() for t in new)
            self.manifest["rounds"].append({"round": round_no, "tasks": [t.id for t in new]})
            self.store.write_manifest(self.manifest)
        n_points = len({d for t in new for d in t.design_points})
        self.log(
            f"round {round_no}: {n_points} design point(s) need more replications "
            f"(+{sum(t.runs for t in new):,} runs in {len(new)} tasks)"
        )


def _finish(store: Store, plan: Plan, manifest: dict[str, Any], tasks: dict[int, Task]) -> str:
    """Consolidate when every task is done; mark the manifest complete or failed."""
    if len(store.done(tasks.values())) == len(tasks):
        _consolidate(store, plan, tasks)
        status = "complete"
        manifest["replications_by_point"] = _replications_by_point(plan, tasks)
        manifest["runs_total"] = sum(t.runs for t in tasks.values())
    else:
        status = "failed"
    manifest["status"] = status
    manifest["finished"] = now_iso()
    store.write_manifest(manifest)
    return status


def check_disk(plan: Plan, out: Path) -> None:
    """Refuse, with the numbers, a sweep whose estimated size exceeds the free disk."""
    need = estimate(plan)[1]
    free = space.free_disk(out)
    if free is not None and need > free:
        raise SweepError(
            f"the sweep needs about {space.human_bytes(need)} on disk (estimate); {out} has "
            f"{space.human_bytes(free)} free: free some room or choose another --out"
        )


def _check_folder(store: Store, resume: bool) -> None:
    """Refuse a folder a live sweep holds, or a fresh sweep into a used folder."""
    state, held = store.lock_state()
    if state == "live":
        raise SweepError(
            f"{store.out} is in use by a running sweep ({describe(held)}); wait for it or "
            "stop it first"
        )
    if resume:
        return
    if store.manifest_path.exists():
        m = store.read_manifest() or {}
        if m.get("kind") != "sweep":
            raise SweepError(
                f"{store.out} holds the results of a {m.get('kind')!r} command, not a sweep; "
                "refusing to overwrite them: choose another --out"
            )
        raise SweepError(
            f"{store.out} already holds a {m.get('kind', 'result')} "
            f"({m.get('experiment') or m.get('scenario')}, status {m.get('status', '?')}); "
            "use --resume to continue it, or choose another --out"
        )
    if store.out.exists():
        if not store.out.is_dir():
            raise SweepError(f"{store.out} exists and is not a folder")
        extra = [
            p.name
            for p in store.out.iterdir()
            if p.name != LOCK
            and not (p.name.startswith(".") and p.name.endswith(".tmp"))  # a killed write's
            and not (p.name == "parts" and not any(p.iterdir()))
        ]
        if extra:
            raise SweepError(
                f"{store.out} exists and is not empty ({', '.join(sorted(extra)[:3])}); "
                "choose another --out"
            )


def _check_resume(store: Store, plan: Plan) -> dict[str, Any]:
    m = store.read_manifest()
    exp = plan.experiment
    if m is None:  # pragma: no cover - checked before the lock
        raise SweepError(f"nothing to resume in {store.out}")
    if m.get("kind") != "sweep":
        raise SweepError(f"{store.out} holds a {m.get('kind')!r} result, not a sweep")
    if m.get("experiment_hash") != exp.hash:
        raise SweepError(
            f"{store.out} was made from a different experiment ({m.get('experiment_file')}, "
            f"hash {str(m.get('experiment_hash'))[:12]}); {exp.file} has hash {exp.hash[:12]}. "
            "Refusing to mix their results: use another --out, or delete the folder to "
            "start over"
        )
    points = [{"design_point": i, **pt} for i, pt in enumerate(plan.points)]
    if json.loads(json.dumps(points)) != m.get("design_points"):
        raise SweepError(
            f"{store.out}: the design points differ from the ones recorded (another SALib or "
            "scipy version?); refusing to mix results"
        )
    recorded = [t for t in m.get("tasks", []) if t.get("round") == 0]
    if recorded != [t.to_json() for t in plan.tasks]:
        raise SweepError(
            f"{store.out}: the tasks differ from the ones recorded (another version of "
            "escalation-sim?); refusing to mix results"
        )
    if m.get("git_commit") != git_commit():
        sys.stderr.write(
            f"warning: {store.out} was started from commit {m.get('git_commit')}, this is "
            f"{git_commit()}\n"
        )
    return m


def _run_tasks(
    plan: Plan,
    store: Store,
    executor: Executor,
    todo: list[Task],
    progress: bool,
    stream: TextIO,
) -> int:
    from escalation_sim.run.progress import Progress

    if not todo:
        return 0
    bar = Progress(sum(t.runs for t in todo), "runs", stream=stream, enabled=progress)
    by_id = {t.id: t for t in todo}
    partial: dict[int, float] = {}  # runs a running task has reported so far
    finished: set[int] = set()  # a report arriving after its task's result must not count

    def on_report(task_id: int, runs: float) -> None:
        task = by_id.get(task_id) if task_id not in finished else None
        if task is not None:  # a task rerun after a lost worker does not count twice
            step = min(runs, task.runs - partial.get(task_id, 0.0))
            if step > 0:
                partial[task_id] = partial.get(task_id, 0.0) + step
                bar.update(step)

    executor.progress = on_report
    failures = {int(r["task"]): r for r in store.failures().to_dict("records")}
    ran = 0
    for out in executor.run([_payload(plan, t) for t in todo]):
        task = by_id[out.task]
        if out.ok:
            store.write(task, out)
            if failures.pop(task.id, None) is not None:
                store.set_failures(_failure_frame(failures))
        else:
            failures[task.id] = {
                "task": task.id,
                "round": task.round,
                "design_points": task.design_points,
                "parameters": json.dumps(
                    [{"design_point": d, **plan.points[d]} for d in task.design_points]
                ),
                "seed": [u.seed for u in task.units],
                "error": out.error,
                "traceback": out.traceback,
                "worker": out.worker,
                "created": now_iso(),
            }
            store.set_failures(_failure_frame(failures))
            bar.stream.write(f"task {task.id} failed: {out.error}\n")
        ran += task.runs
        finished.add(task.id)
        bar.update(task.runs - partial.pop(task.id, 0.0))
    bar.close()
    executor.progress = None
    return ran


def _report(
    store: Store,
    plan: Plan,
    tasks: dict[int, Task],
    status: str,
    started: float,
    ran: int,
    resumed: bool,
) -> SweepReport:
    done = store.done(tasks.values())
    failures = store.failures()
    failed = sorted(int(t) for t in failures["task"]) if len(failures) else []
    points = ensemble = None
    runs_path = table_path(store.out, "runs")
    if status == "complete" and runs_path.exists():
        outcome = plan.adaptive.outcome if plan.adaptive else "armed_incident"
        table = pq.read_table(runs_path, columns=["design_point", outcome]).to_pandas()
        g = table.groupby("design_point")[outcome]
        points = pd.DataFrame({"n": g.size(), "k": g.sum().astype(int)})
        points["outcome"] = outcome
        if plan.ensemble is not None:
            from escalation_sim.analysis.ensemble import OUTCOMES, ensemble_table

            cols = ["design_point", "draw", *(c for c, _ in OUTCOMES.values())]
            ensemble = ensemble_table(pq.read_table(runs_path, columns=cols).to_pandas())
    return SweepReport(
        out=store.out,
        status=status,
        tasks=len(tasks),
        done=len(done),
        failed=failed,
        runs=sum(tasks[t].runs for t in done),
        seconds=time.perf_counter() - started,
        ran_runs=ran,
        resumed=resumed,
        points=points,
        ensemble=ensemble,
    )
