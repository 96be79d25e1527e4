"""Experiment files: validation with file/line/key-path errors, and design points."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from escalation_sim.cli import main
from escalation_sim.config.design import count_points, design_points, salib_problem
from escalation_sim.io.errors import InputError
from escalation_sim.io.experiment_file import load_experiment
from tests.support import EXPERIMENTS, SCENARIO


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("SCENARIO", str(SCENARIO)))
    return path


GOOD = """\
name: good
scenario: SCENARIO
design: grid
parameters:
  mechanisms.hostile_bias: [0.0, 0.5]
replications: 10
"""


def test_shipped_experiments_load():
    names = {p.stem for p in EXPERIMENTS.glob("*.yaml")}
    assert {"hostility_vs_doubt", "patron_restraint", "sensitivity_sobol", "smoke"} <= names
    for path in EXPERIMENTS.glob("*.yaml"):
        exp = load_experiment(path)
        assert exp.name == path.stem
        assert count_points(exp) == len(design_points(exp))


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        (
            GOOD.replace("mechanisms.hostile_bias", "mechanisms.hostil_bias"),
            5,
            "parameters.mechanisms.hostil_bias",
            "did you mean 'mechanisms.hostile_bias'",
        ),
        (GOOD.replace("[0.0, 0.5]", "[]"), 5, "parameters.mechanisms.hostile_bias", "empty list"),
        (
            GOOD.replace("[0.0, 0.5]", "{low: 0.6, high: 0.2, num: 3}"),
            5,
            "parameters.mechanisms.hostile_bias",
            "low (0.6) is above high (0.2)",
        ),
        (
            GOOD.replace("[0.0, 0.5]", "{low: 0.3, high: 0.3, num: 3}"),
            5,
            "parameters.mechanisms.hostile_bias",
            "empty range",
        ),
        (GOOD.replace("design: grid", "design: factorial"), 3, "design", "unknown design"),
        (
            GOOD.replace("design: grid", "design: sobol\nsamples: 8"),
            6,
            "parameters.mechanisms.hostile_bias",
            "give {low: ..., high: ...}",
        ),
        (GOOD.replace("replications: 10", "replications: 0"), 6, "replications", "at least 1"),
        (
            GOOD.replace("[0.0, 0.5]", "[0.0, 1.5]"),
            5,
            "parameters.mechanisms.hostile_bias[1]",
            "outside the range 0 .. 1",
        ),
        (GOOD + "replicatons: 3\n", 7, "replicatons", "did you mean 'replications'"),
        (
            GOOD.replace("design: grid", "design: sobol\nsamples: 6").replace(
                "[0.0, 0.5]", "{low: 0, high: 1}"
            ),
            4,
            "samples",
            "power of 2",
        ),
        (
            GOOD.replace(
                "mechanisms.hostile_bias: [0.0, 0.5]",
                "mechanisms.sanctions_ratchet: {low: 0, high: 1, num: 2}",
            ),
            5,
            "parameters.mechanisms.sanctions_ratchet",
            "switch",
        ),
        (
            GOOD.replace(
                "replications: 10",
                "replications: {until: {outcome: armed_incidnt, ci_half_width: 0.05}, "
                "min: 10, max: 100}",
            ),
            6,
            "replications.until.outcome",
            "did you mean 'armed_incident'",
        ),
        (
            GOOD.replace("[0.0, 0.5]", "[0.0, 0.5]\n  days: [5, 60]"),
            6,
            "parameters.days",
            "outside the horizon",
        ),
        (
            GOOD.replace(
                "mechanisms.hostile_bias: [0.0, 0.5]",
                "actors.Minsk.reputation: [0.5]\n  actors.Minks.posture: [0.2]",
            ),
            6,
            "parameters.actors.Minks.posture",
            "did you mean 'actors.Minsk.posture'",
        ),
    ],
)
def test_bad_files_name_file_line_and_key(tmp_path, text, line, key, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_experiment(path)
    err = info.value
    assert str(err).startswith(f"{path}:{line}: {key}: "), str(err)
    assert message in err.message


def test_explicit_lists_must_match(tmp_path):
    text = GOOD.replace("design: grid", "design: explicit").replace(
        "[0.0, 0.5]", "[0.0, 0.5]\n  mechanisms.retaliation: [0.1, 0.2, 0.3]"
    )
    with pytest.raises(InputError, match="same number of values"):
        load_experiment(write(tmp_path, text))


def test_set_errors_point_at_the_experiment_file(tmp_path):
    text = GOOD + "set:\n  mechanisms.hostile_bais: 0.3\n"
    with pytest.raises(InputError) as info:
        load_experiment(write(tmp_path, text))
    assert str(info.value).startswith(f"{tmp_path / 'bad.yaml'}:8: set.mechanisms.hostile_bais")


def test_bad_file_cli_exit_2_and_nothing_written(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("design: grid", "design: gird"))
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean 'grid'" in err[0]
    assert not out.exists()
    assert main(["plan", str(path)]) == 2


def test_grid_order_and_ranges(tmp_path):
    text = GOOD.replace(
        "[0.0, 0.5]",
        "[0.0, 0.5]\n  mechanisms.benefit_of_doubt: {low: 0, high: 1, num: 3}"
        "\n  mechanisms.conflict_window: {low: 5, high: 25, num: 3}",
    )
    exp = load_experiment(write(tmp_path, text))
    pts = design_points(exp)
    assert len(pts) == 2 * 3 * 3
    expected = itertools.product([0.0, 0.5], [0.0, 0.5, 1.0], [5, 15, 25])
    assert [tuple(p.values()) for p in pts] == list(expected)
    assert all(isinstance(p["mechanisms.conflict_window"], int) for p in pts)


def test_sampled_designs(tmp_path):
    ranges = (
        "{low: 0.1, high: 0.9}\n  mechanisms.conflict_window: {low: 3, high: 9}"
        "\n  mechanisms.migration.supply: {low: 10, high: 1000, dist: loguniform}"
    )
    lhs = GOOD.replace("design: grid", "design: lhs\nsamples: 40").replace("[0.0, 0.5]", ranges)
    exp = load_experiment(write(tmp_path, lhs))
    pts = design_points(exp)
    assert pts == design_points(exp)  # deterministic
    hb = np.array([p["mechanisms.hostile_bias"] for p in pts])
    assert hb.min() >= 0.1 and hb.max() <= 0.9
    # Latin hypercube: one point in each of the 40 strata
    assert sorted(np.floor((hb - 0.1) / 0.8 * 40).astype(int)) == list(range(40))
    cw = {p["mechanisms.conflict_window"] for p in pts}
    assert cw == set(range(3, 10))
    supply = np.array([p["mechanisms.migration.supply"] for p in pts])
    assert supply.min() >= 10 and supply.max() <= 1000
    assert salib_problem(exp) is None

    sobol = GOOD.replace("design: grid", "design: sobol\nsamples: 8\ncalc_second_order: false")
    sobol = sobol.replace(
        "[0.0, 0.5]", "{low: 0.1, high: 0.9}\n  mechanisms.retaliation: {low: 0, high: 1}"
    )
    exp = load_experiment(write(tmp_path, sobol))
    assert len(design_points(exp)) == 8 * (2 + 2)
    assert salib_problem(exp) == {
        "num_vars": 2,
        "names": ["mechanisms.hostile_bias", "mechanisms.retaliation"],
        "bounds": [[0.1, 0.9], [0.0, 1.0]],
        "calc_second_order": False,
    }
    morris = sobol.replace("design: sobol", "design: morris").replace(
        "calc_second_order: false", "num_levels: 4"
    )
    exp = load_experiment(write(tmp_path, morris))
    assert len(design_points(exp)) == 8 * 3
    assert salib_problem(exp)["num_levels"] == 4


def test_sobol_uses_salib_scaling(tmp_path):
    """Points equal SALib's own sample of the real bounds (same seed)."""
    from SALib.sample import sobol

    from escalation_sim.config.design import design_seed

    text = GOOD.replace("design: grid", "design: sobol\nsamples: 4").replace(
        "[0.0, 0.5]", "{low: 0.1, high: 0.9}\n  mechanisms.incident_hazard: {low: 0, high: 0.1}"
    )
    exp = load_experiment(write(tmp_path, text))
    ref = sobol.sample(salib_problem(exp), 4, calc_second_order=True, seed=design_seed(exp))
    got = np.array([list(p.values()) for p in design_points(exp)])
    np.testing.assert_array_equal(got, ref)


def test_hash_ignores_formatting_but_not_content(tmp_path):
    a = load_experiment(write(tmp_path, GOOD))
    b = write(tmp_path, "# a comment\n" + GOOD.replace("[0.0, 0.5]", "[0, 0.50]"))
    assert load_experiment(b).hash == a.hash
    c = write(tmp_path, GOOD + "seed: 5\n")
    assert load_experiment(c).hash != a.hash
    assert load_experiment(write(tmp_path, GOOD), replications=11).hash != a.hash


def test_set_that_breaks_the_scenario_points_at_set(tmp_path):
    with pytest.raises(InputError) as info:
        load_experiment(write(tmp_path, GOOD + "set:\n  days: 20\n"))
    assert str(info.value).startswith(f"{tmp_path / 'bad.yaml'}:7: set: ")  # the set: line
    assert "outside the horizon" in info.value.message


def test_a_scenario_file_is_recognised(capsys):
    with pytest.raises(InputError, match="this is a scenario file, not an experiment"):
        load_experiment(SCENARIO)
    assert main(["sweep", str(SCENARIO)]) == 2
    assert "use it with `escalation-sim run`" in capsys.readouterr().err
