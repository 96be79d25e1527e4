"""docs/validation.md quotes the backtest that scripts/make_validation.py ran, on this model.

Marked ``validation``: when the model, the scenarios, the record or the scoring change,
these fail until ``python scripts/make_validation.py`` is rerun and its output committed
(``--check`` reruns the backtest and compares, in about two minutes).
"""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.validation

spec = importlib.util.spec_from_file_location(
    "make_validation", ROOT / "scripts" / "make_validation.py"
)
make_validation = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_validation)

DOC = (ROOT / "docs" / "validation.md").read_text()
NUMBERS = json.loads((ROOT / "docs" / "validation.json").read_text())


def test_the_doc_quotes_the_scripts_output():
    body = make_validation.BLOCK.search(DOC).group("body")
    assert body == NUMBERS["output"]
    assert "all origins:" in body
    assert make_validation.ITEMS.search(DOC).group("body") == NUMBERS["items_output"]


def test_the_numbers_were_made_with_the_current_model_and_scoring():
    assert NUMBERS["fingerprint"] == make_validation.fingerprint(), (
        "the model, scenarios, record or scoring changed since docs/validation.md was "
        "written: run python scripts/make_validation.py and commit its output"
    )


def test_the_doc_shows_the_command_the_script_runs():
    shown = re.sub(r"\s*\\\n\s*", " ", DOC)
    assert make_validation.COMMAND in shown


def test_the_quoted_overall_skill_is_the_manifests():
    for row in NUMBERS["overall"]:
        if row["items"] and row["skill"] == row["skill"]:  # not NaN
            line = f"vs {row['baseline']:<11} {row['kind']:<5} ({row['score_name']}, "
            assert line + f"{row['items']} items)" in NUMBERS["output"]


def test_every_origin_used_only_earlier_observations():
    for o in NUMBERS["origins"]:
        assert o["calibration_latest_observation_used"] < o["origin"]
        assert o["baseline_latest_observation_used"] < o["origin"]
