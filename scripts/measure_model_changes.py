"""Figures of docs/model_changes.md: headline numbers and claim effects under CRN.

Runs the default scenario and every counterfactual file (N = 2,000, seed 1, the
claim tests' design) and prints each claim measure with its paired interval; then
the sanctions-relief effect on Minsk's provocations with each channel switched off
in both arms (belief: ``nothing_to_lose`` = 0; war atmosphere: ``war_atmosphere`` = 0).

    python scripts/measure_model_changes.py [--replications 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from escalation_sim.analysis.claims import BASE, CLAIMS
from escalation_sim.analysis.paired import paired_mean
from escalation_sim.config.scenario import Scenario
from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
HEADLINE = (
    "armed_incident",
    "armed_incidents",
    "provocations",
    "instigator_hostile_moves",
    "sanctions_level_final",
    "sanctions_eased",
    "final_reputation",
    "final_belief",
    "mean_tension",
    "nonlethal_clashes",
    "arrivals",
    # the route (issue 10)
    "attempts",
    "pushbacks",
    "entries",
    "stranded_peak",
    "force_against_migrants",
    "humanitarian_deaths",
    "returned",
    "route_pressure_day",
    "attempts_peak_day",
    "attempts_peak_to_final",
)


def with_mechanisms(sc: Scenario, **values: float) -> Scenario:
    """The scenario with some mechanism parameters replaced (both arms alike)."""
    return sc.model_copy(update={"mechanisms": sc.mechanisms.model_copy(update=values)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n, seed = args.replications, args.seed

    def runs(sc: Scenario):
        return run_scenario(sc, n, seed, keep_traces=0).runs

    base_sc = load(SCENARIOS / BASE)
    base = runs(base_sc)
    print(f"default scenario (N={n}, seed {seed}):")
    for col in HEADLINE:
        if col in base:
            print(f"  {col:26s} {base[col].mean():.4g}")
    for name in (a.name for a in base_sc.actors_of("frontline")):
        cols = [f"{k}_{name}" for k in ("attempts", "pushbacks", "entries", "arrivals")]
        if cols[0] in base:
            print(f"  {name:12s} " + "  ".join(f"{c} {base[c].mean():,.0f}" for c in cols))
    for claim in CLAIMS:
        if not claim.measures:
            continue
        other = runs(load(SCENARIOS / claim.file))
        for measure in claim.measures:
            p = measure(base, other)
            print(f"{claim.file}: {'holds' if p.holds() else 'SHORT'}: {p}")
        if claim.file in ("sanctions_relief.yaml", "benefit_of_doubt.yaml"):
            for col, label, way in (
                ("final_belief", "final belief", "greater"),
                ("provocations", "Minsk provocations", "less"),
            ):
                print(f"  {paired_mean(base[col], other[col], label, way)}")
    relief_sc = load(SCENARIOS / "sanctions_relief.yaml")
    for label, values in (
        ("belief channel off (nothing_to_lose = 0)", {"nothing_to_lose": 0.0}),
        ("war-atmosphere channel off (war_atmosphere = 0)", {"war_atmosphere": 0.0}),
    ):
        b, c = runs(with_mechanisms(base_sc, **values)), runs(with_mechanisms(relief_sc, **values))
        effect = paired_mean(b["provocations"], c["provocations"], "Minsk provocations")
        print(f"relief, {label}: {effect}")
    # Sensitivity of the relief claim to the belief's own assumptions (both arms alike).
    for name, values in (
        ("belief_prior", (0.3, 0.7)),
        ("belief_forgetting", (0.003, 0.03)),
        ("conduct_memory", (0.01, 0.1)),
        ("reputation_repair", (0.0,)),
    ):
        for value in values:
            b = runs(with_mechanisms(base_sc, **{name: value}))
            c = runs(with_mechanisms(relief_sc, **{name: value}))
            effect = paired_mean(b["provocations"], c["provocations"], "Minsk provocations")
            print(f"relief, {name} = {value}: {'holds' if effect.holds() else 'SHORT'}: {effect}")


if __name__ == "__main__":
    main()
