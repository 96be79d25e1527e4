"""The sweep's terminal text stays readable when a design varies dozens of parameters."""

from __future__ import annotations

from pathlib import Path

from escalation_sim.io.experiment_file import load_experiment
from escalation_sim.present.sweep import SHOWN_PATHS, format_plan
from escalation_sim.run.sweep.plan import expand

ROOT = Path(__file__).resolve().parents[3]


def test_a_plan_over_every_prior_prints_a_few_parameters_and_says_where_the_rest_are():
    exp = load_experiment(ROOT / "experiments" / "sensitivity_priors.yaml")
    plan = expand(exp)
    assert len(exp.paths) > 2 * SHOWN_PATHS  # the case this guards against
    text = format_plan(plan, 2, 4, None)
    table = text.split("  design points:")[1].splitlines()
    assert f"{len(exp.paths) - SHOWN_PATHS} more not shown" in table[0]
    assert all(len(line) < 250 for line in table[1:]), max(map(len, table))
    assert exp.paths[SHOWN_PATHS] not in text.split("  design points:")[1]
