"""A sweep on a real Dask cluster: `dask scheduler` + two `dask worker`s on 127.0.0.1.

One worker is killed (SIGKILL, by the task itself: the sweep runs with the
``tests.faults.Faults`` task function, which the workers import from this
repository) while it runs a task; Dask reruns the task elsewhere and the results
are still complete and bit-identical to an in-process run. Every process is
torn down afterwards.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from escalation_sim.cli import main
from tests.faults import Faults
from tests.integration.sweep_helpers import (
    FIELDS,
    assert_same,
    cli,
    env,
    kill_group,
    tables,
    wait_for,
)
from tests.support import write_experiment

pytest.importorskip("distributed")
DASK = Path(sys.executable).parent / "dask"


@pytest.fixture
def cluster(tmp_path):
    """Scheduler and two single-threaded workers (able to import tests.faults); yields
    the scheduler's address."""
    if not DASK.exists():
        pytest.skip("the dask command is not installed next to this Python")
    info = tmp_path / "scheduler.json"
    procs: list[subprocess.Popen] = []
    logs = []

    def start(name: str, *args: str) -> None:
        log = tmp_path / f"{name}.log"
        logs.append(log)
        with open(log, "wb") as fh:
            procs.append(
                subprocess.Popen(
                    [str(DASK), *args],
                    env=env(),
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=tmp_path,
                )
            )

    try:
        start(
            "scheduler",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(info),
        )
        wait_for(info.exists, 60, "the scheduler file")
        for i in range(2):
            start(
                f"worker{i}",
                "worker",
                "--scheduler-file",
                str(info),
                "--host",
                "127.0.0.1",
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
                "--name",
                f"w{i}",
                "--local-directory",
                str(tmp_path / f"w{i}"),
            )
        sched_log = logs[0]
        wait_for(
            lambda: sched_log.read_text(errors="replace").count("Register worker") >= 2,
            90,
            "two registered workers",
        )
        yield json.loads(info.read_text())["address"]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                try:
                    kill_group(proc, signal.SIGTERM, timeout=15)
                except subprocess.TimeoutExpired:
                    kill_group(proc, signal.SIGKILL)


def test_sweep_on_a_dask_cluster_survives_a_dying_worker(cluster, tmp_path):
    address = cluster
    marks = tmp_path / "marks"
    marks.mkdir()
    exp = write_experiment(tmp_path, name="dask", **FIELDS)
    ref = tmp_path / "ref"
    assert main(["sweep", str(exp), "--out", str(ref), "--workers", "0", "--quiet"]) == 0
    out = tmp_path / "out"
    run = subprocess.run(
        [
            *cli(Faults(die={2}, die_once=marks)),
            "sweep",
            str(exp),
            "--scheduler",
            address,
            "--out",
            str(out),
            "--quiet",
        ],
        env=env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (marks / "died-2").exists()  # the worker that ran task 2 was killed mid-task
    assert not (out / "failures.parquet").exists()
    assert_same(out, tables(ref))
    assert "Dask cluster" in run.stderr


def test_unreachable_scheduler_is_a_clear_error():
    from escalation_sim.run.sweep.executors import DaskExecutor, SweepError

    with pytest.raises(
        SweepError, match=r"cannot connect to the Dask scheduler tcp://127\.0\.0\.1:9"
    ):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_dask_tasks_report_progress_while_they_run(tmp_path):
    """Worker events carry a running task's runs to the sweep between results."""
    from distributed import LocalCluster

    from escalation_sim.io.experiment_file import load_experiment
    from escalation_sim.run.sweep.executors import DaskExecutor
    from escalation_sim.run.sweep.plan import expand
    from escalation_sim.run.sweep.tasks import _payload

    fields = {**FIELDS, "replications": 20000, "task_size": 20000, "keep_traces": 0}
    fields["parameters"] = {"mechanisms.hostile_bias": [0.2, 0.8]}
    plan = expand(load_experiment(write_experiment(tmp_path, name="progress", **fields)))
    reports: list[tuple[int, float]] = []
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        executor = DaskExecutor(local.scheduler_address)
        executor.progress = lambda task, runs: reports.append((task, runs))
        try:
            outputs = list(executor.run([_payload(plan, t) for t in plan.tasks]))
        finally:
            executor.close()
    assert all(out.ok for out in outputs) and len(outputs) == len(plan.tasks)
    by_task = {t.id: sum(r for i, r in reports if i == t.id) for t in plan.tasks}
    assert len(reports) > len(plan.tasks)  # more than one report per task: inside the task
    assert all(0 < runs <= t.runs + 1e-9 for t in plan.tasks for runs in [by_task[t.id]])


def test_ensemble_sweep_on_dask_equals_in_process(tmp_path):
    """``sweep --parameters prior`` through Dask gives the in-process tables bit for bit."""
    import pickle

    from distributed import LocalCluster

    from escalation_sim.io.experiment_file import load_experiment
    from escalation_sim.run.sweep.plan import expand, with_ensemble
    from escalation_sim.run.sweep.tasks import _payload

    exp_file = write_experiment(tmp_path, name="ens", **FIELDS)
    exp, ens = with_ensemble(load_experiment(exp_file), "prior", 5)
    payload = _payload(expand(exp, ens), expand(exp, ens).tasks[0])
    assert pickle.loads(pickle.dumps(payload)).ensemble.digest() == ens.digest()
    args = ["--parameters", "prior", "--per-draw", "5", "--quiet"]
    ref = tmp_path / "ref"
    assert main(["sweep", str(exp_file), "--out", str(ref), "--workers", "0", *args]) == 0
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        out = tmp_path / "out"
        code = main(
            [
                "sweep",
                str(exp_file),
                "--out",
                str(out),
                "--scheduler",
                local.scheduler_address,
                *args,
            ]
        )
    assert code == 0
    assert_same(out, tables(ref))


def test_calibrate_on_dask_equals_one_process(tmp_path):
    """calibrate --scheduler: the batches' engine calls run on Dask, the result is the same."""
    from distributed import LocalCluster

    from escalation_sim.io.observed_file import load_observed
    from escalation_sim.io.scenario_file import load
    from escalation_sim.run.calibrate import posterior_frame, prepare, run_abc
    from tests.support import ROOT

    window = tmp_path / "w.yaml"
    window.write_text(
        f"extends: {ROOT / 'scenarios' / 'calibration' / 'august_2021_window.yaml'}\n"
        "name: w\nstart: 2021-07-25\nforecast_from: 2021-08-12\ndays: 30\nevents: []\n"
    )
    record = load_observed(ROOT / "data" / "observed" / "belarus_eu_2021.csv")
    kw = dict(population=8, generations=2, seed=6, replications=2, progress=False)
    posteriors = []
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        for name, where in (
            ("one", {"workers": 1, "scheduler": None}),
            ("dask", {"workers": 1, "scheduler": local.scheduler_address}),
        ):
            cal = prepare(load(window), record)
            out = tmp_path / name
            out.mkdir()
            posteriors.append(posterior_frame(run_abc(cal, out, **where, **kw), cal))
    pd.testing.assert_frame_equal(posteriors[0], posteriors[1])
