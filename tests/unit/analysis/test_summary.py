"""The headline numbers and their terminal summary."""

from __future__ import annotations

import pytest

from escalation_sim.analysis.stats import proportion
from escalation_sim.analysis.summary import headline_numbers, outcome_table
from escalation_sim.present.tables import format_summary
from escalation_sim.run.scenario import run_scenario
from escalation_sim.store.results import Results


def test_summary_reads_well(base):
    res = run_scenario(base, 200, seed=0, keep_traces=0)
    s = headline_numbers(res.runs)
    text = format_summary(s, "title")
    assert "P(armed incident)" in text and "Wilson" in text and "blame gap" in text
    assert s["p_armed_incident"] == res.runs["armed_incident"].mean()
    lo, hi = s["p_armed_incident_low"], s["p_armed_incident_high"]
    assert lo <= s["p_armed_incident"] <= hi


def test_proportion_and_outcome_table_agree_with_the_runs(run_res: Results) -> None:
    runs = run_res.runs
    pr = proportion(runs["armed_incident"])
    assert pr["k"] == int(runs["armed_incident"].sum())
    assert pr["p"] == pytest.approx(runs["armed_incident"].mean())
    table = outcome_table(run_res.groups())
    row = table.iloc[0]
    assert row["replications"] == len(runs) == 250
    assert row["p_armed_incident"] == pytest.approx(pr["p"])
    assert row["p_armed_incident_low"] <= row["p_armed_incident"] <= row["p_armed_incident_high"]
    clash = (runs["nonlethal_clashes"] > 0).mean()
    assert row["p_nonlethal_clash"] == pytest.approx(clash)
