"""Regenerate the golden summary of the default scenario (tests/regression/golden_*.json).

Run only when a change to the model is intended to change its results, and say so in the
commit message:  python scripts/make_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from escalation_sim.analysis.summary import headline_numbers
from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario

ROOT = Path(__file__).resolve().parents[1]
REPLICATIONS, SEED = 2000, 2021
OUT = ROOT / "tests" / "regression" / "golden_august_2021.json"


def golden() -> dict[str, object]:
    """The summary numbers the regression test compares."""
    sc = load(ROOT / "scenarios" / "august_2021.yaml")
    runs = run_scenario(sc, REPLICATIONS, SEED, keep_traces=0).runs
    s = headline_numbers(runs)
    keep = (
        "p_armed_incident",
        "p_nonlethal_clash",
        "p_armed_conflict",
        "max_rung_median",
        "sanctions_packages_mean",
        "arrivals_median",
        "blamed_share",
        "caused_share",
        "blame_gap",
        "restraint_interventions_mean",
    )
    out = {k: s[k] for k in keep}
    out.update(
        {
            "replications": REPLICATIONS,
            "seed": SEED,
            "provocations_mean": float(runs["provocations"].mean()),
            "days_rung3_plus_mean": float(runs["days_rung3_plus"].mean()),
            "final_domestic_support_mean": float(runs["final_domestic_support"].mean()),
            "final_reputation_mean": float(runs["final_reputation"].mean()),
        }
    )
    return out


if __name__ == "__main__":
    OUT.write_text(json.dumps(golden(), indent=2) + "\n")
    print(f"wrote {OUT}")
