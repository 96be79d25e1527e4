"""Figures of docs/model_changes.md: headline numbers and claim effects under CRN.

Runs the default scenario and every counterfactual file (N = 2,000, seed 1, the
claim tests' design) and prints each claim measure with its paired interval; then
the sanctions-relief effect on Minsk's provocations with each channel switched off
in both arms (belief: ``nothing_to_lose`` = 0; war atmosphere: ``war_atmosphere`` = 0).

    python scripts/measure_model_changes.py [--replications 2000] [--seed 1] [--only patron]

``--only patron`` prints only how P(armed incident) answers Moscow's parameters (issue 9
item 4): its stake, its interest in Minsk's dependence (0 = the former fixed veto) and its
horizon, one at a time, and the share of vetoes made where NATO's posture is high.
``--only arc2`` prints the paired effects of allied deployments and leaders' calls (issue 9
item 5), each switched off against the default, and the build-up before armed incidents.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from escalation_sim.analysis.claims import BASE, CLAIMS
from escalation_sim.analysis.paired import paired_mean
from escalation_sim.analysis.precursors import COLUMNS, precursors
from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.model import EscalationModel
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
    parser.add_argument(
        "--only",
        choices=("patron", "crisis", "arc2", "route3"),
        help="print one section only",
    )
    args = parser.parse_args()
    n, seed = args.replications, args.seed
    if args.only == "patron":
        patron_section(load(SCENARIOS / BASE), n, seed)
        return
    if args.only == "crisis":
        crisis_section(load(SCENARIOS / BASE), n, seed)
        return
    if args.only == "arc2":
        arc2_section(load(SCENARIOS / BASE), n, seed)
        return
    if args.only == "route3":
        route3_section(load(SCENARIOS / BASE), n, seed)
        return

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


ARC2_VARIANTS = (
    ("no allied deployment", {"allied_deployment": 0.0}),
    ("allied deployment 0.2", {"allied_deployment": 0.2}),
    ("no leaders' calls", {"leader_calls": 0.0}),
    ("leaders' calls 0.2", {"leader_calls": 0.2}),
)


def arc2_section(base_sc: Scenario, n: int, seed: int) -> None:
    """Paired effects (variant - default) of allied deployments and leaders' calls."""
    base = run_scenario(base_sc, n, seed, keep_traces=0).runs
    print(f"crisis arc, issue 9 item 5 (N={n}, seed {seed}); default:")
    for col in ("armed_incident", "allied_deployments", "leader_calls", "crisis_talks"):
        print(f"  {col:20s} {base[col].mean():.4g}")
    print(f"  P(armed conflict)    {(base['max_rung'] == 6).mean():.4g}")
    for label, values in ARC2_VARIANTS:
        other = run_scenario(with_mechanisms(base_sc, **values), n, seed, keep_traces=0).runs
        for col, name in (
            ("armed_incident", "P(armed incident)"),
            ("restraint_interventions", "Moscow's vetoes"),
            ("crisis_talks", "talks"),
        ):
            print(f"  {label}: {paired_mean(base[col], other[col], name, 'less')}")
        conflict = (other["max_rung"] == 6).astype(float)
        print(f"  {label}: P(armed conflict) {conflict.mean():.4g}")
    precursor_section(20210812)


def _with_route(sc: Scenario, **values: float) -> Scenario:
    route = sc.mechanisms.migration.model_copy(update=values)
    return with_mechanisms(sc, migration=route)


def _with_actor(sc: Scenario, name: str, **values: float) -> Scenario:
    data = sc.model_dump()
    for actor in data["actors"]:
        if actor["name"] == name:
            actor.update(values)
    return type(sc).model_validate(data)


ROUTE3_COLUMNS = (
    ("armed_incident", "P(armed incident)"),
    ("attempts", "crossing attempts"),
    ("final_valve", "final valve"),
    ("provocations", "Minsk provocations"),
    ("sanctions_packages", "new packages"),
    ("final_domestic_support", "final support"),
)


def route3_section(base_sc: Scenario, n: int, seed: int) -> None:
    """Paired effects (default - switched off) of this session's route and sanctioner changes.

    Each change is switched off on its own (the rest at default), so the figure is what that
    change adds to the current model, under common random numbers.
    """
    variants = (
        ("relief_closing = 0", _with_route(base_sc, relief_closing=0.0)),
        ("press_release = 0", _with_route(base_sc, press_release=0.0)),
        ("escort_share = 0", _with_route(base_sc, escort_share=0.0)),
        ("US/UK/Canada repression_weight = 0",
         _with_actor(base_sc, "US/UK/Canada", repression_weight=0.0)),
        ("US/UK/Canada pain = 1", _with_actor(base_sc, "US/UK/Canada", pain=1.0)),
    )  # fmt: skip
    base = run_scenario(base_sc, n, seed, keep_traces=0).runs
    print(f"route and sanctioners, this session (N={n}, seed {seed}); default:")
    for col, name in ROUTE3_COLUMNS:
        print(f"  {name:20s} {base[col].mean():.4g}")
    print(f"  pressure lifts a run  {base['route_pressure_lifts'].mean():.4g}")
    for label, sc in variants:
        other = run_scenario(sc, n, seed, keep_traces=0).runs
        for col, name in ROUTE3_COLUMNS:
            e = paired_mean(other[col], base[col], name)  # the interval is two-sided
            print(
                f"  {label}: {name} {e.base:.4g} -> default {e.other:.4g} "
                f"({e.difference:+.3g}, 95% CI {e.ci[0]:+.3g} .. {e.ci[1]:+.3g})"
            )
    for name in ("supply_cut", "route_closed_early"):
        runs = run_scenario(load(SCENARIOS / f"{name}.yaml"), n, seed, keep_traces=0).runs
        print(f"  {name}: P(armed) {runs['armed_incident'].mean():.3f}")


def precursor_section(seed: int, n: int = 600) -> None:
    """The build-up before first armed incidents (the design of tests/claims/test_precursors)."""
    r = EscalationModel("august_2021", replications=n, seed=seed, keep_traces=n).run().result()
    found = precursors(r.traces, r.events, lead=42, window=14)
    print(f"precursors (N={n}, seed {seed}): {len(found.late)} first armed incidents after day 42")
    for j, name in enumerate(COLUMNS):
        early, late = found.early[:, j].mean(), found.late[:, j].mean()
        print(
            f"  {name}: excess over calendar {early:+.4f} six weeks before, {late:+.4f} day before"
        )
    print(
        f"  militarised moves at that border in the 14 days before: {found.moves.mean():.2f} "
        f"vs calendar {found.base.mean():.2f} (x{found.moves.mean() / found.base.mean():.2f}); "
        f"none: {(found.moves == 0).mean():.1%}"
    )


PATRON_VALUES = (
    ("patron_restraint", (0.0, 0.25, 0.5, 0.75, 1.0)),
    ("patron_interest", (0.0, 0.01, 0.03, 0.09, 1.0)),
    ("patron_horizon", (14.0, 30.0, 60.0)),
)


def patron_section(base_sc: Scenario, n: int, seed: int) -> None:
    """P(armed incident) and vetoes as each patron parameter varies (others at default)."""
    print(f"patron (N={n}, seed {seed}): P(armed incident), vetoes, provocations per run")
    for name, values in PATRON_VALUES:
        for value in values:
            r = run_scenario(with_mechanisms(base_sc, **{name: value}), n, seed, keep_traces=0)
            runs = r.runs
            print(
                f"  {name} = {value:g}: P(armed) {runs['armed_incident'].mean():.3f}, "
                f"vetoes {runs['restraint_interventions'].mean():.1f}, "
                f"provocations {runs['provocations'].mean():.1f}"
            )


WEEK = 7


def crisis_section(base_sc: Scenario, n: int, seed: int) -> None:
    """The crisis arc: the daily clash hazard over time, and the weeks around an incident.

    With every replication's traces and event log kept: the mean daily clash hazard on the
    first day, at its peak and on the last day; the share of runs whose hazard ends below
    half its own peak; events in the week before and after each run's first armed incident
    (escalating, rung > 0, and de-escalating, rung < 0); and the same with crisis talks off.
    """
    for label, sc in (
        ("default", base_sc),
        ("crisis_talks = 0", with_mechanisms(base_sc, crisis_talks=0.0)),
    ):
        res = run_scenario(sc, n, seed, keep_traces=n)
        tr, ev, runs = res.traces, res.events, res.runs
        hazard = tr.pivot(index="day", columns="replication", values="clash_hazard")
        mean = hazard.mean(axis=1)
        ends_low = (hazard.iloc[-1] < 0.5 * hazard.max()).mean()
        print(
            f"crisis ({label}, N={n}, seed {seed}): mean daily clash hazard day 0 "
            f"{mean.iloc[0]:.4f}, peak {mean.max():.4f} (day {int(mean.idxmax())}), "
            f"last day {mean.iloc[-1]:.4f}; runs ending below half their own peak "
            f"{ends_low:.3f}; crises {runs['crises'].mean():.2f}, talks "
            f"{runs['crisis_talks'].mean():.2f}, crisis days {runs['crisis_days'].mean():.1f}, "
            f"P(armed) {runs['armed_incident'].mean():.3f}"
        )
        first = runs.loc[runs["armed_incident"], ["replication", "first_armed_incident_day"]]
        print(
            f"  first armed incidents with no troop move at that border in the 14 days before: "
            f"{no_build_up(ev, first):.3f}"
        )
        ev = ev.merge(first, on="replication")
        rel = ev["day"] - ev["first_armed_incident_day"]
        moves = ev["actor"] != "all"  # scheduled-event notes are not moves
        for name, when in (
            ("before", (rel >= -WEEK) & (rel < 0)),
            ("after", (rel > 0) & (rel <= WEEK)),
        ):
            k = len(first)
            up = (when & moves & (ev["rung"] > 0)).sum() / k
            down = (when & moves & (ev["rung"] < 0)).sum() / k
            print(
                f"  week {name} the first armed incident: {up:.1f} escalating, "
                f"{down:.2f} de-escalating events per run"
            )


def no_build_up(ev, first) -> float:
    """Share of first armed incidents with no troop move at that border in the 14 days before."""
    armed = ev[ev["move"] == "armed_incident"].merge(first, on="replication")
    armed = armed[armed["day"] == armed["first_armed_incident_day"]]
    armed = armed.drop_duplicates("replication")
    border = armed["target"].str.split("-").str[-1]
    troops = ev[ev["move"] == "troops_to_border"]
    none = 0
    for rep, day, b in zip(armed["replication"], armed["day"], border, strict=True):
        t = troops[
            (troops["replication"] == rep) & (troops["day"] >= day - 14) & (troops["day"] < day)
        ]
        none += not ((t["target"] == b) | (t["actor"] == b)).any()
    return none / max(len(armed), 1)


if __name__ == "__main__":
    main()
