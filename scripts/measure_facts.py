"""Print the measured figures behind the ten stylised facts (Markdown, for docs/ODD.md).

Same seeds and replications as tests/facts/test_stylised_facts.py:
    python scripts/measure_facts.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.model import EscalationModel
from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario

ROOT = Path(__file__).resolve().parents[1]
N, SEED = 2000, 20210812


def changed(sc: Scenario, **mechanisms: object) -> Scenario:
    data = sc.model_dump()
    data["mechanisms"].update(mechanisms)
    return Scenario.model_validate(data)


def main() -> None:
    base = load(ROOT / "scenarios" / "august_2021.yaml")
    b = run_scenario(base, N, SEED, keep_traces=0).runs
    rows = [
        (
            "baseline",
            f"P(armed) {b.armed_incident.mean():.3f}, P(non-lethal clash) "
            f"{(b.nonlethal_clashes > 0).mean():.3f}, mean highest rung {b.max_rung.mean():.2f}",
        )
    ]
    gaps, prov = [], []
    for rep in (0.3, 0.6, 0.9):
        r = (
            EscalationModel(base, N, SEED, overrides={"actors.Minsk.reputation": np.full(N, rep)})
            .run()
            .result()
            .runs
        )
        amb = r.ambiguous_incidents.sum()
        gaps.append(
            f"{rep}: {(r.blamed_on_instigator.sum() - r.caused_by_instigator.sum()) / amb:+.3f}"
        )
        prov.append(f"{rep}: {r.provocations.mean():.1f}")
    rows.append(("2 blame gap by initial reputation", ", ".join(gaps)))
    rows.append(("3 provocations by initial reputation", ", ".join(prov)))
    p = []
    for bias in (0.0, 0.5, 1.0):
        r = run_scenario(changed(base, hostile_bias=bias), N, SEED, keep_traces=0).runs
        p.append(f"{bias}: {r.armed_incident.mean():.3f}")
    rows.append(("4 P(armed) by hostile_bias", ", ".join(p)))
    for label, change in (
        ("5 benefit_of_doubt = 1", {"benefit_of_doubt": 1.0}),
        ("5 forgiveness = 0.5", {"forgiveness": 0.5}),
        ("6 patron_restraint = 0", {"patron_restraint": 0.0}),
        ("10 war_atmosphere = 0", {"war_atmosphere": 0.0}),
    ):
        r = run_scenario(changed(base, **change), N, SEED, keep_traces=0).runs
        rows.append(
            (
                label,
                f"P(armed) {r.armed_incident.mean():.3f}, mean highest rung "
                f"{r.max_rung.mean():.2f}, days at rung 3+ {r.days_rung3_plus.mean():.0f}, "
                f"final support {r.final_domestic_support.mean():.3f}",
            )
        )
    rho = stats.spearmanr(b.mean_tension, b.final_domestic_support).statistic
    rows.append(("10 Spearman(tension, final support)", f"{rho:.3f}"))
    print(f"Measured with {N} replications, seed {SEED} (`python scripts/measure_facts.py`):\n")
    print("| fact / setting | measured |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
