"""The shipped posterior (what `make run` draws from) was made by the current model.

scripts/make_posterior.py writes data/posterior/august_2021.parquet with a fingerprint of
the model in its metadata (golden summary, calibration inputs, a seeded window run);
this test recomputes the fingerprint and fails, naming the script to rerun, if they differ.
"""

from __future__ import annotations

import importlib.util

import pandas as pd

from escalation_sim.io.posterior_file import load_posterior
from escalation_sim.io.scenario_file import load
from tests.support import ROOT

SCRIPT = ROOT / "scripts" / "make_posterior.py"


def _tool():
    spec = importlib.util.spec_from_file_location("make_posterior", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()


def test_the_shipped_posterior_is_made_by_this_model():
    reason = tool.stale_reason()
    assert reason is None, reason


def test_the_shipped_posterior_fits_the_default_scenario():
    sample = load_posterior(tool.OUT, load(ROOT / "scenarios" / "august_2021.yaml"))
    meta = tool.shipped_metadata()
    assert meta["made_by"] == "scripts/make_posterior.py" and meta["seed"] == tool.SEED
    frame = pd.read_parquet(tool.OUT)
    assert len(frame) == len(sample.weights) > 0
    assert 0 < len(sample.paths) < 58  # only what the window informs is calibrated


def test_a_changed_model_makes_it_stale(tmp_path, monkeypatch):
    golden = tmp_path / "golden.json"
    golden.write_text(tool.GOLDEN.read_text().replace("0", "1", 1))
    monkeypatch.setattr(tool, "GOLDEN", golden)
    reason = tool.stale_reason()
    assert reason is not None and "rerun python scripts/make_posterior.py" in reason
    assert "golden summary" in reason


def test_docs_observed_quotes_the_shipped_posteriors_figures():
    assert tool.write_doc_block(check=True), (
        "docs/observed.md's posterior block is stale: rerun scripts/make_posterior.py"
    )
