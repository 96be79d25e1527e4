"""``sweep --parameters prior|POSTERIOR``: drawn parameters per replication in a sweep."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from escalation_sim.cli import main
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import Block, block_seed
from escalation_sim.io.experiment_file import load_experiment
from escalation_sim.io.scenario_file import load
from escalation_sim.run.sweep.plan import expand, with_ensemble
from escalation_sim.run.sweep.tasks import _payload, run_task
from tests.faults import Faults, install
from tests.support import SCENARIO

SWEPT = ["mechanisms.hostile_bias", "mechanisms.patron_restraint"]


def sweep(path, out, *args):
    return main(["sweep", str(path), "--out", str(out), "--workers", "0", "--quiet", *args])


def tables(out):
    return {n: pd.read_parquet(out / f"{n}.parquet") for n in ("runs", "daily")}


def test_a_task_draws_each_replications_parameters_as_the_engine_would(experiment):
    """Each row equals a plain engine run with that design point and the drawn values."""
    exp = load_experiment(experiment(replications=30, task_size=1000, keep_traces=0))
    exp, ens = with_ensemble(exp, "prior", 5)
    assert not set(SWEPT) & set(ens.paths) and "mechanisms.incident_hazard" in ens.paths
    plan = expand(exp, ens)
    (task,) = plan.tasks
    out = run_task(_payload(plan, task))
    assert out.ok, out.traceback
    rows = pd.read_parquet(io.BytesIO(out.runs))
    for d, point in enumerate(plan.points):
        sc = load(SCENARIO, ["days=40", *(f"{k}={v}" for k, v in point.items())])
        ref = (
            EscalationModel(
                sc, blocks=[Block(block_seed(11, d, 0), 30)], overrides=ens.overrides(0, 30)
            )
            .run()
            .result()
            .runs
        )
        got = rows[rows["design_point"] == d].reset_index(drop=True)
        assert list(got["draw"]) == list(np.arange(30) // 5)
        np.testing.assert_array_equal(got[list(ens.paths)].to_numpy(), ens.values(0, 30))
        for col in ref.columns.drop("replication"):
            pd.testing.assert_series_equal(got[col], ref[col], check_names=False)


def test_results_are_bit_identical_however_the_sweep_is_chunked(experiment, tmp_path):
    """One task per point or all points in one task; blocks past the first draw on."""
    fields = {
        "parameters": {"mechanisms.hostile_bias": [0.2, 0.8]},
        "replications": 1010,
        "keep_traces": 2,
    }
    small = experiment(name="small", task_size=1000, **fields)
    large = experiment(name="large", task_size=5000, **fields)
    assert sweep(small, tmp_path / "a", "--parameters", "prior", "--per-draw", "4") == 0
    assert sweep(large, tmp_path / "b", "--parameters", "prior", "--per-draw", "4") == 0
    a, b = tables(tmp_path / "a"), tables(tmp_path / "b")
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    runs = a["runs"]
    assert runs["draw"].max() == 1009 // 4
    # draws are shared by the design points (common random numbers), keyed by replication
    by_point = runs.set_index(["design_point", "replication"])["mechanisms.incident_hazard"]
    assert (by_point.unstack(0).nunique(axis=1) == 1).all()
    traces = pd.read_parquet(tmp_path / "a" / "traces.parquet")
    assert set(traces["design_point"]) == {0, 1}


def test_local_pool_equals_in_process(experiment, tmp_path):
    path = experiment(keep_traces=0)
    assert sweep(path, tmp_path / "a", "--parameters", "prior") == 0
    code = main(
        [
            "sweep",
            str(path),
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "2",
            "--quiet",
            "--parameters",
            "prior",
        ]
    )
    assert code == 0
    pd.testing.assert_frame_equal(tables(tmp_path / "a")["runs"], tables(tmp_path / "b")["runs"])


def test_failed_task_then_retry_and_resume_checks_the_draws(experiment, tmp_path, monkeypatch):
    path = experiment(keep_traces=0)
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert sweep(path, ref, "--parameters", "prior") == 0
    with monkeypatch.context() as mp:
        install(Faults(fail={2}), mp)
        assert sweep(path, out, "--parameters", "prior") == 3
    # other draws (or none) are another experiment: refused, nothing mixed
    assert sweep(path, out, "--retry-failed", "--parameters", "prior", "--per-draw", "4") == 2
    assert sweep(path, out, "--retry-failed") == 2
    assert sweep(path, out, "--retry-failed", "--parameters", "prior") == 0
    pd.testing.assert_frame_equal(tables(out)["runs"], tables(ref)["runs"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["ensemble"]["source"] == "prior"
    assert manifest["ensemble"]["per_draw"] == 10


def test_posterior_columns_come_from_particles_the_rest_from_priors(experiment, tmp_path, capsys):
    post = tmp_path / "post.parquet"
    pd.DataFrame(
        {
            "mechanisms.incident_hazard": [0.01, 0.2],
            "mechanisms.hostile_bias": [0.3, 0.3],  # swept: the design point's value wins
            "weight": [0.0, 1.0],
        }
    ).to_parquet(post)
    path = experiment(keep_traces=0)
    assert sweep(path, tmp_path / "o", "--parameters", str(post), "--per-draw", "5") == 0
    text = capsys.readouterr().out
    assert "replication-only 95%" in text and "parameters' share" in text
    runs = tables(tmp_path / "o")["runs"]
    assert (runs["mechanisms.incident_hazard"] == 0.2).all()
    assert sorted(runs["mechanisms.hostile_bias"].unique()) == [0.2, 0.8]
    assert runs["mechanisms.frontline_response"].nunique() == 4  # 20 replications / 5
    m = json.loads((tmp_path / "o" / "manifest.json").read_text())["ensemble"]
    assert m["from_posterior"] == ["mechanisms.incident_hazard"]
    assert "mechanisms.hostile_bias" not in m["parameters"]


@pytest.mark.parametrize(
    "frame,message",
    [
        (pd.DataFrame({"mechanisms.no_such": [0.1], "weight": [1.0]}), "mechanisms.no_such"),
        (pd.DataFrame({"mechanisms.incident_hazard": [0.1]}), "needs a 'weight' column"),
    ],
)
def test_bad_posterior_is_one_located_line_and_writes_nothing(
    experiment, tmp_path, capsys, frame, message
):
    post = tmp_path / "bad.parquet"
    frame.to_parquet(post)
    out = tmp_path / "o"
    assert sweep(experiment(), out, "--parameters", str(post)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(post) in err and message in err
    assert not out.exists()


def test_report_shows_both_intervals_per_design_point(experiment, tmp_path):
    path = experiment(keep_traces=2)
    out = tmp_path / "o"
    assert sweep(path, out, "--parameters", "prior", "--per-draw", "5") == 0
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "Parameter uncertainty" in html and "replications only" in html
