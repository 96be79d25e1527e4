"""Sweep plans (pure), the task function, adaptive rounds, the store and consolidation."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from escalation_sim.analysis.stats import wilson_half_width
from escalation_sim.cli import main
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import BLOCK_SIZE, Block, block_seed
from escalation_sim.io.experiment_file import load_experiment
from escalation_sim.io.scenario_file import load
from escalation_sim.run.sweep.adaptive import next_round
from escalation_sim.run.sweep.driver import run_sweep
from escalation_sim.run.sweep.estimate import START_UP, Calibration, calibrate, time_range
from escalation_sim.run.sweep.executors import SerialExecutor
from escalation_sim.run.sweep.folder import Store
from escalation_sim.run.sweep.plan import MAX_POINTS_PER_TASK, Task, expand
from escalation_sim.run.sweep.tasks import _payload, run_task
from tests.faults import Faults, install
from tests.support import EXPERIMENTS, SCENARIO


def sweep(path, out, *args):
    return main(["sweep", str(path), "--out", str(out), "--workers", "0", "--quiet", *args])


def test_expand_is_pure_and_seeds_come_from_the_master_seed(experiment):
    exp = load_experiment(experiment(replications=2500, task_size=3000))
    a, b = expand(exp), expand(exp)
    assert [t.to_json() for t in a.tasks] == [t.to_json() for t in b.tasks]
    covered: dict[int, list[int]] = {}
    for t in a.tasks:
        assert t.simulated <= 3000 and len(t.design_points) <= MAX_POINTS_PER_TASK
        for u in t.units:
            assert u.seed == block_seed(11, u.design_point, u.block)
            covered.setdefault(u.design_point, []).extend(
                range(u.block * BLOCK_SIZE + u.start, u.block * BLOCK_SIZE + u.stop)
            )
    assert covered == {d: list(range(2500)) for d in range(4)}
    assert Task.from_json(a.tasks[1].to_json()) == a.tasks[1]


def test_many_small_points_share_a_task(experiment):
    exp = load_experiment(
        experiment(
            parameters={"mechanisms.hostile_bias": {"low": 0, "high": 1, "num": 40}},
            replications=10,
            task_size=10_000,
        )
    )
    tasks = expand(exp).tasks
    assert [len(t.design_points) for t in tasks] == [16, 16, 8]


def test_task_equals_separate_engine_runs(experiment):
    """A task batching design points gives each point's rows of a plain engine run."""
    exp = load_experiment(experiment(replications=30, task_size=1000))
    plan = expand(exp)
    (task,) = plan.tasks
    out = run_task(_payload(plan, task))
    assert out.ok, out.traceback
    rows = pd.read_parquet(__import__("io").BytesIO(out.runs))
    assert len(rows) == 4 * 30
    for d, point in enumerate(plan.points):
        sets = [f"{k}={v}" for k, v in point.items()]
        sc = load(SCENARIO, ["days=40", *sets])
        ref = EscalationModel(sc, blocks=[Block(block_seed(11, d, 0), 30)]).run().result().runs
        got = rows[rows["design_point"] == d].reset_index(drop=True)
        assert list(got["replication"]) == list(range(30))
        for p, v in point.items():
            assert (got[p] == v).all()
        for col in ref.columns.drop("replication"):
            pd.testing.assert_series_equal(got[col], ref[col], check_names=False)


def test_wilson_half_width_matches_outcomes():
    from escalation_sim.analysis.stats import wilson_interval

    lo, hi = wilson_interval(30, 200)
    assert wilson_half_width(30 / 200, 200, 0.95) == pytest.approx((hi - lo) / 2)


def test_next_round_grows_only_wide_points_to_whole_blocks(experiment):
    until = {"until": {"outcome": "armed_incident", "ci_half_width": 0.05}, "min": 200, "max": 2500}
    exp = load_experiment(experiment(replications=until))
    plan = expand(exp)
    assert sum(t.runs for t in plan.tasks) == 4 * 200
    # point 0: p=0.5 at n=200 (too wide); point 1: p=0 (narrow); 2: at max; 3: narrow
    counts = {0: (100, 200), 1: (0, 200), 2: (1250, 2500), 3: (5, 2000)}
    new = next_round(plan, counts, 1, 99)
    assert new == next_round(plan, counts, 1, 99)
    assert new[0].id == 99 and all(t.round == 1 for t in new)
    units = [u for t in new for u in t.units]
    assert {u.design_point for u in units} == {0}
    # half-width 0.05 at p=0.5 needs ~385 -> rounded up to 1000; block 0 extended from 200
    assert [(u.block, u.start, u.stop) for u in units] == [(0, 200, 1000)]


def test_adaptive_sweep_end_to_end(experiment, tmp_path):
    until = {"until": {"outcome": "armed_incident", "ci_half_width": 0.1}, "min": 20, "max": 1500}
    path = experiment(replications=until, keep_traces=0, task_size=1000)
    out = tmp_path / "out"
    assert sweep(path, out) == 0
    m = json.loads((out / "manifest.json").read_text())
    runs = pd.read_parquet(out / "runs.parquet")
    n = runs.groupby("design_point").size().tolist()
    assert n == m["replications_by_point"]
    assert len(m["rounds"]) >= 2 and max(n) > 20
    for _d, g in runs.groupby("design_point"):
        assert list(g["replication"]) == list(range(len(g)))
        k = int(g["armed_incident"].sum())
        assert len(g) == 1500 or wilson_half_width(k / len(g), len(g), 0.95) <= 0.1
    daily = pd.read_parquet(out / "daily.parquet")
    assert daily.groupby("design_point")["replications"].first().tolist() == n
    # replications are the same as in a fixed-count run (block invariance)
    fixed = tmp_path / "fixed"
    assert sweep(experiment(name="fixed", replications=max(n), keep_traces=0), fixed) == 0
    f = pd.read_parquet(fixed / "runs.parquet")
    d = int(np.argmax(n))
    a = runs[runs.design_point == d].reset_index(drop=True)
    b = f[f.design_point == d].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_outputs_follow_the_contract(experiment, tmp_path):
    out = tmp_path / "out"
    assert sweep(experiment(), out) == 0
    m = json.loads((out / "manifest.json").read_text())
    for key in (
        "kind",
        "experiment",
        "experiment_file",
        "experiment_hash",
        "design",
        "parameters",
        "design_points",
        "replications",
        "seed",
        "scenario_hash",
        "config",
        "salib_problem",
        "tasks",
        "status",
        "versions",
        "git_commit",
        "created",
    ):
        assert key in m, key
    assert m["kind"] == "sweep" and m["status"] == "complete" and m["design"] == "grid"
    assert m["design_points"][3] == {
        "design_point": 3,
        "mechanisms.hostile_bias": 0.8,
        "mechanisms.patron_restraint": 1.0,
    }
    assert m["config"]["days"] == 40
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.columns[:6]) == [
        "design_point",
        "mechanisms.hostile_bias",
        "mechanisms.patron_restraint",
        "replication",
        "seed",
        "block_position",
    ]
    assert "armed_incident" in runs and "max_rung_Poland" in runs
    assert len(runs) == 80 and not runs.duplicated(["design_point", "replication"]).any()
    assert runs.equals(runs.sort_values(["design_point", "replication"]))
    daily = pd.read_parquet(out / "daily.parquet")
    assert daily.shape[0] == 4 * 40 and (daily["replications"] == 20).all()
    assert daily.columns[0] == "design_point" and "tension_q50" in daily
    traces = pd.read_parquet(out / "traces.parquet")
    assert set(traces.groupby("design_point")["replication"].unique().map(tuple)) == {(0, 1)}
    events = pd.read_parquet(out / "events.parquet")
    assert set(events["design_point"]) <= {0, 1, 2, 3} and events["replication"].max() <= 1
    assert len(list((out / "parts").glob("task-??????.parquet"))) == len(m["tasks"]) == 4
    assert not (out / "results.lock").exists() and not (out / "failures.parquet").exists()


def test_traces_match_the_runs(experiment, tmp_path):
    """The kept sample re-runs each point's first replications: same story as the runs."""
    out = tmp_path / "out"
    assert sweep(experiment(keep_traces=3), out) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    traces = pd.read_parquet(out / "traces.parquet")
    last = traces[traces.day == traces.day.max()].set_index(["design_point", "replication"])
    first = runs.set_index(["design_point", "replication"]).loc[last.index]
    np.testing.assert_allclose(last["reputation"], first["final_reputation"], rtol=1e-6)


def test_model_level_parameters_get_their_own_models(experiment, tmp_path):
    path = experiment(
        parameters={"days": [40, 45], "mechanisms.max_deliberate_rung": [2, 4]},
        set=None,
        replications=10,
        task_size=1000,
    )
    plan = expand(load_experiment(path))
    assert len(plan.variants) == 4 and len(plan.tasks) == 4
    out = tmp_path / "out"
    assert sweep(path, out) == 0
    daily = pd.read_parquet(out / "daily.parquet")
    assert daily.groupby("design_point").size().tolist() == [40, 40, 45, 45]
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["days"].dtype == np.int64
    assert runs.groupby("design_point")["mechanisms.max_deliberate_rung"].first().tolist() == [
        2,
        4,
        2,
        4,
    ]


def test_sweep_bool_and_actor_parameters(experiment, tmp_path):
    path = experiment(
        parameters={
            "mechanisms.sanctions_ratchet": [True, False],
            "actors.Minsk.reputation": [0.3, 0.9],
        },
        replications=10,
    )
    out = tmp_path / "out"
    assert sweep(path, out) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["mechanisms.sanctions_ratchet"].dtype == bool
    assert runs.groupby("design_point")["actors.Minsk.reputation"].first().tolist() == [
        0.3,
        0.9,
        0.3,
        0.9,
    ]


def test_status_and_plan_commands(experiment, tmp_path, capsys):
    path = experiment()
    assert main(["plan", str(path)]) == 0
    text = capsys.readouterr().out
    assert "4 design points" in text and "80 in 4 tasks" in text
    assert re.search(
        r"estimate +\S+ (s|min) to \S+ (s|min) with .*calibrated by \S+ s of tasks run here", text
    )
    out = tmp_path / "out"
    assert sweep(path, out) == 0
    capsys.readouterr()
    assert main(["status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "complete" in text and "4 done, 0 failed, 0 remaining of 4" in text
    assert main(["status", str(tmp_path)]) == 2


def test_run_sweep_api_reports(experiment, tmp_path):
    exp = load_experiment(experiment())
    report = run_sweep(exp, tmp_path / "o", SerialExecutor(), progress=False)
    assert report.status == "complete" and report.runs == 80 and report.failed == []
    assert report.points["n"].tolist() == [20] * 4
    store = Store(tmp_path / "o")
    assert store.done(expand(exp).tasks, verify=True) == {0, 1, 2, 3}


@pytest.mark.parametrize("path", sorted(EXPERIMENTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_experiment_plans_and_runs_a_task(path, capsys):
    assert main(["plan", str(path), "--replications", "2"]) == 0
    assert "design points" in capsys.readouterr().out
    plan = expand(load_experiment(path, replications=2))
    first = plan.tasks[0]
    task = Task(first.id, first.round, first.variant, first.units[:1])  # one design point
    out = run_task(_payload(plan, task))
    assert out.ok, out.traceback
    assert out.rows == 2


def test_daily_frames_from_workers_match_merged_summaries(experiment, tmp_path):
    """A point inside one task gets its daily frame from the worker; one split over
    several tasks is merged at the end. Counts and quantiles agree exactly; means
    differ at most by float rounding (sums are added in another order)."""
    one = tmp_path / "one"
    split = tmp_path / "split"
    fields = {"replications": 1200, "keep_traces": 0}
    assert sweep(experiment(name="one", task_size=10_000, **fields), one) == 0
    assert sweep(experiment(name="split", task_size=1000, **fields), split) == 0
    assert list((one / "parts").glob("*.daily.parquet"))
    assert not list((split / "parts").glob("*.daily.parquet"))
    a = pd.read_parquet(one / "daily.parquet")
    b = pd.read_parquet(split / "daily.parquet")
    means = [c for c in a.columns if c.endswith("_mean")]
    pd.testing.assert_frame_equal(a.drop(columns=means), b.drop(columns=means))
    pd.testing.assert_frame_equal(a[means], b[means], rtol=1e-12)
    pd.testing.assert_frame_equal(
        pd.read_parquet(one / "runs.parquet"), pd.read_parquet(split / "runs.parquet")
    )


def test_adaptive_round_failure_then_retry_continues_the_recorded_rounds(
    experiment, tmp_path, monkeypatch
):
    until = {"until": {"outcome": "armed_incident", "ci_half_width": 0.1}, "min": 20, "max": 1500}
    path = experiment(replications=until, keep_traces=0, task_size=1000)
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert sweep(path, ref) == 0
    with monkeypatch.context() as mp:
        install(Faults(fail={1}), mp)  # the first task of round 1
        assert sweep(path, out) == 3
    m = json.loads((out / "manifest.json").read_text())
    assert len(m["rounds"]) == 2 and m["status"] == "failed"
    assert sweep(path, out, "--retry-failed") == 0
    for name in ("runs", "daily"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / f"{name}.parquet"), pd.read_parquet(ref / f"{name}.parquet")
        )
    assert (
        json.loads((out / "manifest.json").read_text())["tasks"]
        == json.loads((ref / "manifest.json").read_text())["tasks"]
    )


def test_the_time_range_scales_with_the_calibration(experiment):
    plan = expand(load_experiment(experiment()))
    measured = calibrate(plan)
    assert measured.scale > 0 and measured.per_task >= 0 and measured.measured > 0
    one = time_range(plan, 2, Calibration(1.0, 0.0, 1.0))
    three = time_range(plan, 2, Calibration(3.0, 0.0, 1.0))
    fixed = time_range(plan, 2, Calibration(1.0, 0.5, 1.0))
    assert one.low < one.high and three.low < three.high
    assert three.cpu == pytest.approx(3 * one.cpu)
    assert fixed.cpu == pytest.approx(one.cpu + 0.5 * len(plan.tasks))  # per task, on top
    assert three.high - START_UP[1] == pytest.approx(3 * (one.high - START_UP[1]))
    assert time_range(plan, 0, Calibration(1.0, 0.0, 1.0)).low == pytest.approx(one.cpu)
