"""Progress: updates inside a chunk, redraws every second, an ETA that counts down."""

from __future__ import annotations

import io
import time

import pytest

from escalation_sim.io.scenario_file import load
from escalation_sim.run import progress as progress_mod
from escalation_sim.run.progress import Progress
from escalation_sim.run.scenario import run_scenario
from tests.support import ROOT


def test_a_run_reports_progress_day_by_day_inside_a_chunk() -> None:
    sc = load(ROOT / "tests" / "fixtures" / "scenarios" / "short.yaml")
    calls: list[float] = []
    run_scenario(sc, 300, seed=1, keep_traces=0, on_progress=calls.append)
    assert len(calls) == sc.days  # one chunk of 300 replications, reported every day
    assert sum(calls) == pytest.approx(300)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_redrawn_every_tick_without_news(monkeypatch) -> None:
    monkeypatch.setattr(progress_mod, "TICK", 0.05)
    out = Tty()
    bar = Progress(100, stream=out)
    bar.update(10)
    before = out.getvalue().count("\r")
    time.sleep(0.4)  # no update: the ticker alone redraws
    after = out.getvalue().count("\r")
    bar.close()
    assert after >= before + 3
    assert "ETA" in out.getvalue()


def test_eta_counts_down_between_updates() -> None:
    bar = Progress(100, enabled=False)
    t0 = bar.start
    bar.update(50)
    first = bar.eta()
    assert first is not None
    later = bar.eta(time.perf_counter() + 0.5)
    assert later == pytest.approx(max(0.0, first - 0.5), abs=0.05)
    assert bar.eta(t0 + 1e6) == 0.0


def test_off_a_terminal_plain_lines_at_most_every_interval() -> None:
    out = io.StringIO()
    bar = Progress(10, stream=out, interval=3600)
    for _ in range(10):
        bar.update(1)
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # the first update and the last
    assert lines[-1].startswith("progress: 10/10 runs (100.0%)") and "ETA" in lines[-1]


def test_sweep_tasks_report_their_runs_day_by_day() -> None:
    from escalation_sim.io.experiment_file import load_experiment
    from escalation_sim.run.sweep.executors import SerialExecutor
    from escalation_sim.run.sweep.plan import expand
    from escalation_sim.run.sweep.tasks import _payload

    plan = expand(load_experiment(ROOT / "experiments" / "smoke.yaml"))
    reports: list[tuple[int, float]] = []
    ex = SerialExecutor()
    ex.progress = lambda task, runs: reports.append((task, runs))
    outs = list(ex.run([_payload(plan, t) for t in plan.tasks[:2]]))
    assert all(o.ok for o in outs)
    for t in plan.tasks[:2]:
        mine = [r for task, r in reports if task == t.id]
        assert len(mine) == plan.scenarios[t.variant].days  # inside the task, every day
        assert sum(mine) == pytest.approx(t.runs)
