"""Parameter ensembles: reproducible draws per replication, posterior files, two intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalation_sim import cli
from escalation_sim.analysis.ensemble import ensemble_numbers, variance_components
from escalation_sim.config.scenario import scenario_priors
from escalation_sim.io.errors import InputError
from escalation_sim.io.scenario_file import load
from escalation_sim.run.ensemble import make_ensemble
from escalation_sim.run.scenario import run_scenario
from tests.support import BASE


@pytest.fixture(scope="module")
def short():
    return load(BASE, ["days=40"])


def test_draws_depend_only_on_seed_and_draw(short):
    ens = make_ensemble("prior", short, seed=3, per_draw=4)
    a = ens.values(0, 40)
    assert np.array_equal(a[8:20], ens.values(8, 12))
    assert np.array_equal(a[0], a[3]) and not np.array_equal(a[3], a[4])
    other = make_ensemble("prior", short, seed=4, per_draw=4).values(0, 40)
    assert not np.allclose(a, other)
    priors = scenario_priors(short)
    for j, (path, prior) in enumerate(priors.items()):
        lo, hi = sorted(prior.bounds(float(ens._priors[j][1])))
        assert (a[:, j] >= lo - 1e-9).all() and (a[:, j] <= hi + 1e-9).all(), path


def test_ensemble_runs_are_bit_identical_however_chunked(short):
    ens = make_ensemble("prior", short, seed=1, per_draw=10)
    one = run_scenario(short, 2100, 1, keep_traces=0, ensemble=ens, chunk_blocks=1)
    all_ = run_scenario(short, 2100, 1, keep_traces=0, ensemble=ens, chunk_blocks=10)
    pd.testing.assert_frame_equal(one.runs, all_.runs)
    assert (one.runs["draw"] == np.arange(2100) // 10).all()
    hazard = one.runs.groupby("draw")["mechanisms.incident_hazard"].nunique()
    assert (hazard == 1).all() and one.runs["mechanisms.incident_hazard"].nunique() == 210


def test_posterior_sample_is_drawn_by_weight(short, tmp_path):
    path = tmp_path / "post.parquet"
    pd.DataFrame(
        {"mechanisms.incident_hazard": [0.01, 0.2], "weight": [0.0, 1.0], "particle": [0, 1]}
    ).to_parquet(path)
    ens = make_ensemble(path, short, seed=0, per_draw=2)
    res = run_scenario(short, 20, 0, keep_traces=0, ensemble=ens)
    assert (res.runs["mechanisms.incident_hazard"] == 0.2).all()


@pytest.mark.parametrize(
    "frame,message",
    [
        (pd.DataFrame({"mechanisms.incident_hazard": [0.1]}), "needs a 'weight' column"),
        (
            pd.DataFrame({"mechanisms.incident_hazrd": [0.1], "weight": [1.0]}),
            "mechanisms.incident_hazrd: not a parameter of scenario 'august_2021' (did you mean",
        ),
        (
            pd.DataFrame({"mechanisms.incident_hazard": [9.0], "weight": [1.0]}),
            "mechanisms.incident_hazard: row 0: value 9.0 is not a number in 0 .. 5",
        ),
    ],
)
def test_bad_posterior_files_are_one_located_line(tmp_path, capsys, frame, message):
    path = tmp_path / "post.parquet"
    frame.to_parquet(path)
    with pytest.raises(InputError) as exc:
        make_ensemble(path, load(BASE), seed=0)
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value)
    out = tmp_path / "out"
    argv = ["run", str(BASE), "-n", "20", "--parameters", str(path), "--out", str(out), "--quiet"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and not out.exists()


def test_variance_components_recover_a_known_split():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(400), 10)
    effect = rng.normal(0, 2.0, 400)[groups]  # between variance 4
    y = effect + rng.normal(0, 1.0, groups.size)  # within variance 1
    between, within = variance_components(y, groups)
    assert between == pytest.approx(4.0, rel=0.15) and within == pytest.approx(1.0, rel=0.05)
    noise_only = rng.normal(0, 1.0, groups.size)
    b0, _ = variance_components(noise_only, groups)
    assert b0 < 0.05


def test_ensemble_numbers_and_the_labelled_summary(short, tmp_path, capsys):
    ens = make_ensemble("prior", short, seed=2, per_draw=5)
    runs = run_scenario(short, 300, 2, keep_traces=0, ensemble=ens).runs
    nums = ensemble_numbers(runs)
    assert nums["draws"] == 60
    assert nums["p_armed_incident_total_low"] <= nums["p_armed_incident"]
    assert 0 <= nums["arrivals_parameter_share"] <= 1
    out = tmp_path / "o"
    argv = [
        "run",
        str(BASE),
        "-n",
        "100",
        "--set",
        "days=40",
        "--parameters",
        "prior",
        "--per-draw",
        "5",
        "--out",
        str(out),
        "--quiet",
    ]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert "parameter uncertainty (prior: 20 draws x 5 replications each)" in text
    assert "(P across parameter draws; replications' binomial noise removed)" in text
    assert "(parameters + replications)" in text and "replications only 95% CI" in text
    assert "parameters' share of variance" in text
    saved = pd.read_parquet(out / "runs.parquet")
    assert "draw" in saved.columns and "mechanisms.threat_decay" in saved.columns


def test_report_shows_the_ensemble_section(tmp_path, capsys):
    out = tmp_path / "o"
    argv = [
        "run",
        str(BASE),
        "-n",
        "40",
        "--set",
        "days=40",
        "--parameters",
        "prior",
        "--per-draw",
        "4",
        "--out",
        str(out),
        "--quiet",
    ]
    assert cli.main(argv) == 0
    assert cli.main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "Parameter uncertainty" in html and "parameters&#x27; share of variance" in html
