"""Issue 15.3: two `run`s racing into one folder never leave a mixed set behind."""

from __future__ import annotations

import json
import subprocess

import pandas as pd

from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario
from tests.integration.sweep_helpers import cli, env
from tests.support import BASE

ARGS = ["run", str(BASE), "-n", "300", "--set", "days=40", "--quiet", "--keep-traces", "2"]


def test_two_runs_racing_into_one_folder_leave_one_whole_set(tmp_path):
    out = tmp_path / "out"
    scenario = load(BASE, ["days=40"])
    expected = {seed: run_scenario(scenario, 300, seed, keep_traces=2).runs for seed in (1, 2)}
    for _trial in range(2):
        procs = [
            subprocess.Popen(
                [*cli(), *ARGS, "--seed", str(seed), "--out", str(out)],
                env=env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for seed in (1, 2)
        ]
        results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
        for p in procs:
            p.stderr.close()
        assert any(code == 0 for code, _ in results), results
        for code, err in results:
            assert code == 0 or (code == 2 and "in use by a running command" in err), err
        seed = json.loads((out / "manifest.json").read_text())["seed"]
        pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), expected[seed])
        assert not list(out.glob(".staging-*")) and not (out / "results.lock").exists()
