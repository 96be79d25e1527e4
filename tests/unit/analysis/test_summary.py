"""The headline numbers and their terminal summary."""

from __future__ import annotations

from escalation_sim.analysis.summary import headline_numbers
from escalation_sim.present.tables import format_summary
from escalation_sim.run.scenario import run_scenario


def test_summary_reads_well(base):
    res = run_scenario(base, 200, seed=0, keep_traces=0)
    s = headline_numbers(res.runs)
    text = format_summary(s, "title")
    assert "P(armed incident)" in text and "Wilson" in text and "blame gap" in text
    assert s["p_armed_incident"] == res.runs["armed_incident"].mean()
    lo, hi = s["p_armed_incident_low"], s["p_armed_incident_high"]
    assert lo <= s["p_armed_incident"] <= hi
