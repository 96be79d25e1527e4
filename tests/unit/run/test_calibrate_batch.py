"""calibrate's batched sampler: a particle's statistics do not depend on its batch, workers
or a kill; failures are recorded, not fatal; the screening keeps what the window informs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from escalation_sim.io.observed_file import load_observed
from escalation_sim.io.scenario_file import load
from escalation_sim.run import calibrate as calmod
from escalation_sim.run.abc_batch import batch_size, split
from escalation_sim.run.calibrate import (
    Failure,
    WindowSimulator,
    latent_of,
    posterior_frame,
    prepare,
    run_abc,
    simulate_window,
)
from escalation_sim.run.calibrate_window import window_scenario
from tests.support import ROOT

WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"


@pytest.fixture
def cal(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        f"extends: {WINDOW}\nname: w\nstart: 2021-07-25\nforecast_from: 2021-08-12\ndays: 30\n"
        "events: []\n"
    )
    return prepare(load(path), load_observed(RECORD))


def simulator(cal, failures=None, **kw):
    return WindowSimulator(
        cal.scenario,
        cal.paths,
        cal.names,
        cal.integer,
        cal.targets,
        3,
        failures,
        latent_of(cal),
        **kw,
    )


def test_a_particles_statistics_do_not_depend_on_its_batch(cal):
    sim = simulator(cal)
    rng = np.random.default_rng(0)
    requests = [
        (dict(zip(cal.names, rng.standard_normal(len(cal.names)), strict=True)), 100 + i)
        for i in range(6)
    ]
    together = sim.simulate(requests)
    alone = [sim.simulate([r])[0] for r in requests]
    assert together == alone
    sim.parts = 4  # split over "workers": the same again
    assert sim.simulate(requests) == together
    assert together[0] != together[1]


def test_a_failing_particle_is_recorded_and_rejected_not_fatal(cal, tmp_path, monkeypatch):
    real = calmod.EscalationModel

    j = cal.paths.index("mechanisms.migration.supply")
    values = np.tile([v for _, v, _ in latent_of(cal)], (3, 1))
    limit = 1.5 * values[0, j]  # the scenario's supply is the prior's centre (x0.5 .. x2)

    class Flaky(real):  # fails whenever a replication has a large supply
        def __init__(self, sc, **kw):
            if (kw["overrides"]["mechanisms.migration.supply"] > limit).any():
                raise RuntimeError("injected failure")
            super().__init__(sc, **kw)

    monkeypatch.setattr(calmod, "EscalationModel", Flaky)
    values[1, j] = 2 * values[0, j]
    rows = simulate_window(
        window_scenario(cal.scenario), cal.paths, cal.targets, 2, values, [1, 2, 3]
    )
    assert isinstance(rows[1], Failure) and "injected failure" in rows[1].error
    assert not isinstance(rows[0], Failure) and not isinstance(rows[2], Failure)
    failures = tmp_path / "failures.jsonl"
    sim = simulator(cal, failures)
    z = {n: 0.0 for n in cal.names}
    z[cal.names[j]] = 3.0  # the prior's far upper tail: supply near x2 of the scenario's
    out = sim.simulate([({n: 0.0 for n in cal.names}, 1), (z, 2)])
    assert out[1] == {t.key: calmod.FAILED for t in cal.targets} and out[0] != out[1]
    (line,) = failures.read_text().splitlines()
    assert json.loads(line)["error"] == "RuntimeError: injected failure"
    # a whole calibration with failing particles completes
    out_dir = tmp_path / "abc"
    out_dir.mkdir()
    history = run_abc(
        cal,
        out_dir,
        population=6,
        generations=1,
        seed=1,
        workers=1,
        scheduler=None,
        replications=2,
        progress=False,
        screen=False,
    )
    assert history.max_t == 0 and (out_dir / "failures.jsonl").exists()


def test_screening_narrows_to_what_the_window_informs(cal, tmp_path):
    history = run_abc(
        cal,
        tmp_path,
        population=6,
        generations=1,
        seed=2,
        workers=1,
        scheduler=None,
        replications=2,
        progress=False,
    )
    table = pd.read_csv(tmp_path / "screening.csv")
    kept = list(table.loc[table["calibrated"], "parameter"])
    assert set(cal.paths) == set(kept) and 0 < len(kept) < len(cal.priors)
    assert "mechanisms.migration.supply" in kept  # the arrivals' driver
    assert "mechanisms.incident_hazard" not in kept  # no window statistic sees incidents
    assert (table.loc[table["calibrated"], "effect"] >= 0.5).all()
    post = posterior_frame(history, cal)
    assert [c for c in post.columns if "." in c] == cal.paths


def test_a_killed_calibration_continues_to_the_same_result(cal, tmp_path, monkeypatch):
    kw = dict(population=8, seed=5, workers=1, scheduler=None, replications=2, progress=False)
    whole = tmp_path / "whole"
    whole.mkdir()
    ref = posterior_frame(run_abc(cal, whole, generations=3, **kw), cal)
    # the same calibration killed in generation 3 (after 2 were stored), then continued
    cal2 = prepare(cal.scenario, load_observed(RECORD))
    part = tmp_path / "part"
    part.mkdir()
    from escalation_sim.run import abc_batch

    real = abc_batch.run_batch
    calls = {"t": None}

    def dying(simulate_one, size, simulate):
        if calls["t"] == 2:
            raise KeyboardInterrupt  # a kill mid-generation: nothing of it is stored
        return real(simulate_one, size, simulate)

    original = abc_batch.Reporter.batch

    def watch(self, t, *a):
        calls["t"] = t + 1 if a[0] >= a[1] else t
        return original(self, t, *a)

    monkeypatch.setattr(abc_batch, "run_batch", dying)
    monkeypatch.setattr(abc_batch.Reporter, "batch", watch)
    with pytest.raises(KeyboardInterrupt):
        run_abc(cal2, part, generations=3, **kw)
    assert calmod.generations_done(part / calmod.DB_NAME) == 2
    monkeypatch.undo()
    cal3 = prepare(cal.scenario, load_observed(RECORD))
    got = posterior_frame(run_abc(cal3, part, generations=3, **kw), cal3)
    pd.testing.assert_frame_equal(got, ref)


def test_local_workers_give_the_single_process_result(cal, tmp_path):
    kw = dict(population=8, generations=2, seed=4, scheduler=None, replications=2)
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    a = posterior_frame(run_abc(cal, one, workers=1, progress=False, **kw), cal)
    cal2 = prepare(cal.scenario, load_observed(RECORD))
    b = posterior_frame(run_abc(cal2, two, workers=2, progress=False, **kw), cal2)
    pd.testing.assert_frame_equal(a, b)


def test_progress_reports_inside_a_generation(cal, tmp_path):
    import io

    stream = io.StringIO()
    run_abc(
        cal,
        tmp_path,
        population=40,
        generations=2,
        seed=4,
        workers=1,
        scheduler=None,
        replications=2,
        stream=stream,
    )
    lines = [ln for ln in stream.getvalue().splitlines() if ln.startswith("progress:")]
    assert any("generation 2/2" in ln and "accepted" in ln and "ETA" in ln for ln in lines)
    assert len(lines) >= 2


def test_batch_sizes_and_split():
    assert batch_size(100, 1.0) == 115 and batch_size(1, 1.0) == 16
    assert batch_size(100, 0.0) == 400
    assert [len(c) for c in split(list(range(10)), 3)] == [3, 4, 3]
    assert split([1], 4) == [[1]]
