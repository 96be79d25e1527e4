"""Golden summary of the default scenario, regenerated only by scripts/make_golden.py.

Same code, seed and platform give identical numbers; the tolerances allow for
float32 differences across CPUs and library versions, and are far tighter than any
change of mechanism (a change of 0.03 in P(armed incident) is ~2 standard errors).
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.support import ROOT

GOLDEN = ROOT / "tests" / "regression" / "golden_august_2021.json"
TOLERANCE = {
    "p_armed_incident": 0.03,
    "p_nonlethal_clash": 0.03,
    "p_armed_conflict": 0.01,
    "max_rung_median": 0,
    "sanctions_packages_mean": 0.15,
    "arrivals_median": 300,
    "blamed_share": 0.02,
    "caused_share": 0.03,
    "blame_gap": 0.03,
    "restraint_interventions_mean": 1.5,
    "provocations_mean": 1.5,
    "days_rung3_plus_mean": 3,
    "final_domestic_support_mean": 0.01,
    "final_reputation_mean": 0.01,
}


def _make_golden():
    spec = importlib.util.spec_from_file_location(
        "make_golden", ROOT / "scripts" / "make_golden.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_scenario_matches_golden_summary():
    expected = json.loads(GOLDEN.read_text())
    actual = _make_golden().golden()
    assert actual["replications"] == expected["replications"]
    for key, tol in TOLERANCE.items():
        assert actual[key] == pytest.approx(expected[key], abs=tol), key
