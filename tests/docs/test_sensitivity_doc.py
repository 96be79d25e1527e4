"""docs/sensitivity.md ranks the shipped experiment, and that experiment covers every prior.

The sweep itself takes minutes (scripts/make_sensitivity_ranking.py), so the suite checks
what can go stale cheaply: the experiment file is what the priors give today, and the
ranking in the doc was computed from that very file (its digest is written beside it).
"""

from __future__ import annotations

import importlib.util

import yaml

from tests.support import ROOT

SCRIPT = ROOT / "scripts" / "make_sensitivity_ranking.py"


def _script():
    spec = importlib.util.spec_from_file_location("make_sensitivity_ranking", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_experiment_varies_every_prior_carrying_parameter_over_its_prior():
    script = _script()
    shipped = yaml.safe_load(script.EXPERIMENT.read_text())
    assert shipped == script.experiment(), "rerun make_sensitivity_ranking.py --experiment"


def test_the_ranking_was_computed_from_the_shipped_experiment():
    script = _script()
    text = script.DOC.read_text()
    assert f"sha256 {script.experiment_digest()}" in text, "rerun make_sensitivity_ranking.py"
