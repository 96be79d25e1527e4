"""The flat Python API: simulate, parameters, keyword errors, the same numbers as the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import escalation_sim as es
from escalation_sim.cli.app import main
from escalation_sim.io.errors import InputError
from escalation_sim.store.results import load as load_results
from tests.support import BASE


def test_simulate_matches_the_cli_run_with_the_same_overrides(tmp_path):
    out = es.simulate(
        "august_2021", replications=60, seed=3, days=40, hostile_bias=0.8, Lithuania__pushback=0.9
    )
    argv = ["run", str(BASE), "-n", "60", "--seed", "3", "--quiet", "--out", str(tmp_path)]
    for s in ("days=40", "mechanisms.hostile_bias=0.8", "actors.Lithuania.pushback=0.9"):
        argv += ["--set", s]
    assert main(argv) == 0
    pd.testing.assert_frame_equal(out.runs, load_results(tmp_path).runs, check_dtype=False)
    assert out.replications == 60 and out.scenario.mechanisms.hostile_bias == 0.8
    assert out.p_armed_incident == pytest.approx(out.runs["armed_incident"].mean())
    assert out.p_armed_incident_low <= out.p_armed_incident <= out.p_armed_incident_high


def test_parameters_change_the_outcomes():
    calm = es.simulate(replications=200, seed=1, days=60, incident_hazard=0.0)
    tense = es.simulate(replications=200, seed=1, days=60, incident_hazard=0.08)
    assert calm.p_nonlethal_clash == 0 < tense.p_nonlethal_clash


def test_scenario_as_name_path_or_object_gives_the_same_runs():
    from escalation_sim.io.scenario_file import load

    a = es.simulate("august_2021", replications=20, seed=2, days=40).runs
    b = es.simulate(BASE, replications=20, seed=2, days=40).runs
    c = es.simulate(load(BASE), replications=20, seed=2, days=40).runs
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_unknown_keyword_is_a_clear_error_with_a_suggestion():
    with pytest.raises(
        InputError, match=r"hostile_bais: unknown parameter \(did you mean 'hostile_bias'"
    ):
        es.simulate(replications=5, hostile_bais=0.8)
    with pytest.raises(InputError, match="Lithuania__pushback: input should be less than or equal"):
        es.simulate(replications=5, Lithuania__pushback=2)
    with pytest.raises(InputError, match="shipped: "):
        es.simulate("august_2012", replications=5)


def test_parameter_table_lists_every_flat_name_with_its_range():
    table = es.parameters()
    assert {"name", "path", "value", "default", "low", "high", "unit", "meaning", "prior"} <= set(
        table.columns
    )
    row = table.set_index("name").loc["Lithuania__pushback"]
    assert row["path"] == "actors.Lithuania.pushback" and (row["low"], row["high"]) == (0, 1)
    assert row["value"] == 0.8  # the scenario's value; default is the field's
    assert table.set_index("name").loc["migration__supply", "path"] == "mechanisms.migration.supply"
    assert table["name"].is_unique
    assert table.set_index("name").loc["covert_share", "prior"].startswith("beta(")
    # Every name works as a keyword (set to its own value: the same scenario).
    values = {n: v for n, v in zip(table["name"], table["value"], strict=True)}
    from escalation_sim.io.flat import resolve_scenario, with_parameters

    sc = resolve_scenario()
    assert with_parameters(sc, values) == sc


def test_outcomes_expose_every_headline_number():
    out = es.simulate(replications=10, seed=0, days=40)
    for key, value in out.headline.items():
        assert getattr(out, key) == value or (np.isnan(value) and np.isnan(getattr(out, key)))
    assert "p_armed_incident" in dir(out) and "P(armed incident)" in repr(out)
    with pytest.raises(AttributeError):
        _ = out.nope
