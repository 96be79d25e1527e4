"""Priors: every assumed parameter has one inside its valid range; bad priors are located."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim import cli
from escalation_sim.config.priors import draw, prior_from, range_problem
from escalation_sim.config.scenario import parameter_fields, parameter_value, scenario_priors
from escalation_sim.io.errors import InputError
from escalation_sim.io.scenario_file import load
from escalation_sim.present.parameters import SECTIONS, parameter_rows
from tests.support import BASE

U = np.linspace(0, 1, 101)[:-1] + 0.005


def _fields():
    for prefix, model in SECTIONS:
        for key, info in model.model_fields.items():
            if info.annotation in (int, float):
                yield f"{prefix}.{key}", info


@pytest.mark.parametrize(
    "path,info", list(_fields()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_assumed_parameter_has_a_prior(path, info):
    extra = info.json_schema_extra
    if "assum" in extra["source"].lower():
        assert "prior" in extra, f"{path} is an assumption without a prior"
    if "prior" in extra:
        prior = prior_from(extra["prior"])
        assert prior.why.strip()
        value = info.default
        assert range_problem(prior, info, value, info.annotation is int) is None


def test_default_scenario_priors_fit_and_draws_stay_in_range():
    sc = load(BASE)
    priors = scenario_priors(sc)
    fields = parameter_fields(sc)
    assert len(priors) >= 40
    for path, prior in priors.items():
        info, value = fields[path], parameter_value(sc, path)
        x = draw(prior, U, value, info.annotation is int)
        lo, hi = prior.bounds(value)
        assert np.all(x >= lo - 1e-9) and np.all(x <= hi + 1e-9), path
        assert np.all(np.diff(x) >= -1e-12), f"{path}: quantile function not monotone"
        if info.annotation is int:
            assert np.all(x == np.round(x))


def test_a_relative_prior_of_a_switched_off_channel_is_not_drawn():
    # x0.5..x2 of 0 is a point mass at 0 (a log-uniform over it would divide by zero): the
    # EU does not answer repression in the default scenario, the US/UK/Canada do.
    priors = scenario_priors(load(BASE))
    assert "actors.EU.repression_weight" not in priors
    assert priors["actors.US/UK/Canada.repression_weight"].bounds(0.1) == (0.05, 0.2)


def test_families_match_their_distribution():
    lu = prior_from({"family": "log_uniform", "low": 1, "high": 100, "why": "w"})
    assert lu.ppf(np.array([0.5]), 0)[0] == pytest.approx(10)
    be = prior_from({"family": "beta", "a": 2, "b": 6, "why": "w"})
    x = be.ppf(np.random.default_rng(0).random(20000), 0)
    assert x.mean() == pytest.approx(0.25, abs=0.01)
    rel = prior_from({"family": "uniform", "low": 0.5, "high": 2, "relative": True, "why": "w"})
    assert rel.bounds(4000) == (2000, 8000)
    tn = prior_from(
        {"family": "truncated_normal", "mean": 0.5, "sd": 0.1, "low": 0, "high": 1, "why": "w"}
    )
    assert tn.ppf(np.array([0.5]), 0)[0] == pytest.approx(0.5)


def test_describe_and_odd_show_priors(capsys):
    rows = {r["parameter"]: r for r in parameter_rows()}
    assert rows["mechanisms.incident_hazard"]["prior"].startswith("log-uniform(0.015, 0.06): ")
    assert rows["mechanisms.benefit_of_doubt"]["prior"] == ""
    assert cli.main(["describe"]) == 0
    assert "    prior: beta(2, 2): " in capsys.readouterr().out


def _scenario_with(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {BASE}\nname: s\npriors:\n{text}")
    return path


def test_a_scenario_can_replace_a_prior(tmp_path):
    path = _scenario_with(
        tmp_path,
        "  mechanisms.incident_hazard: {family: uniform, low: 0.01, high: 0.05, why: test}\n",
    )
    sc = load(path)
    assert scenario_priors(sc)["mechanisms.incident_hazard"].label() == "uniform(0.01, 0.05)"


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "  mechanisms.incident_hazard: {family: uniform, low: 0.01, high: 9, why: t}\n",
            "priors.mechanisms.incident_hazard: uniform prior spans 0.01 .. 9, outside the "
            "parameter's valid range 0 .. 5",
        ),
        (
            "  mechanisms.incident_hazard: {family: gamma, low: 0.01, high: 1, why: t}\n",
            "priors.mechanisms.incident_hazard.family: unknown family 'gamma'; expected one of "
            "uniform, log_uniform, beta, truncated_normal",
        ),
        (
            "  actors.Lithuania.capacity: {family: log_uniform, low: 0, high: 2, why: t}\n",
            "a log_uniform prior needs low > 0",
        ),
        (
            "  mechanisms.incident_hazrd: {family: uniform, low: 0.01, high: 1, why: t}\n",
            "is not a parameter path (did you mean 'mechanisms.incident_hazard'?)",
        ),
        (
            "  actors.Lithuania.pushback: {family: uniform, low: 1, high: 2, relative: true, "
            "why: t}\n",
            "uniform prior spans 0.8 .. 1.6, outside the parameter's valid range 0 .. 1",
        ),
    ],
)
def test_bad_priors_are_one_located_line(tmp_path, capsys, text, expected):
    path = _scenario_with(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load(path)
    message = str(exc.value)
    assert message.startswith(f"{path}:4: ") and expected in message, message
    out = tmp_path / "out"
    assert cli.main(["run", str(path), "-n", "5", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
