"""Each claim of the article, checked: its counterfactual file against the base scenario.

Design. Base and counterfactual run from the same master seed, so replication
``i`` of both draws the same random numbers (common random numbers) and each
outcome is compared pair by pair: McNemar's exact test for yes/no outcomes,
the Wilcoxon signed-rank test for counts and levels (``escalation_sim.analysis.paired``).
Every test is one-sided in the direction the article argues and asks for

* significance: p < ALPHA = 0.01, and
* a minimum effect size fixed before looking at the results:
  - a probability must move by at least MIN_POINTS = 5 percentage points. That is
    about a sixth of the base P(armed incident) (~0.3), the least change that would alter
    a reading of the article's "real risk", and it is within reach of the design:
    with N = 2,000 pairs the standard error of a paired difference is at most
    sqrt(0.3 / N) ~ 0.012 when up to 30% of the pairs are discordant, so 5 points
    is detected with power above 0.9 at alpha = 0.01 (needs ~ 3.6 standard errors);
  - a count or level must move by at least MIN_RELATIVE = 5% of its base mean AND by
    at least MIN_D = 0.2 base standard deviations (Cohen's "small" effect). Either
    alone can mislead: arrivals barely vary between replications (a tiny change is
    many standard deviations), provocations vary a lot (5% can be lost in the noise).
    Paired tests on N = 2,000 detect d = 0.2 with power ~ 1.

The thresholds live in ``escalation_sim.analysis.paired`` so that scenarios/README.md
judges the shipped comparison by the same rule. A claim that does not reach its
effect size in the model is marked ``xfail(strict=True)`` with the measured
figures, never tuned until it passes. The whole file takes ~10 s on one core
(about 17,000 replications of 180 days).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd
import pytest

from escalation_sim.analysis.claims import BASE, CLAIMS
from escalation_sim.analysis.paired import Paired, paired_mean, pooled_blame_gap, window_mean
from escalation_sim.io.scenario_file import load
from escalation_sim.run.compare import run_pair
from escalation_sim.run.scenario import run_scenario
from tests.support import ROOT, with_changes

SCENARIOS = ROOT / "scenarios"
SEED = 1  # the seed of the shipped comparison in scenarios/README.md (its first 2,000 runs)
N = 2000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_runs() -> pd.DataFrame:
    return run_scenario(load(SCENARIOS / "august_2021.yaml"), N, SEED, keep_traces=0).runs


@functools.cache
def runs_of(name: str) -> pd.DataFrame:
    return run_scenario(load(SCENARIOS / f"{name}.yaml"), N, SEED, keep_traces=0).runs


def shows(p: Paired) -> None:
    """Significant, in the predicted direction, with at least the minimum effect size."""
    assert p.holds(), f"{p}; short of the claim: {'; '.join(p.shortfalls())}"


# Measures the model does not reproduce, with what was measured; never tuned to pass.
SHORT_OF_THE_CLAIM: dict[tuple[str, int], str] = {
    ("sanctions_relief.yaml", 1): (
        "Issues 9 and 10 merged: with crossings counted from the record the border stays "
        "tense and Minsk's provocations fall only "
        "0.7% (55.35 -> 54.96, d = -0.05, p = 5e-84, N = 2,000): significant, short of the "
        "5% / d = 0.2 minimum (docs/ODD.md section 10)"
    ),
}


def _cases() -> list:
    cases = []
    for claim in CLAIMS:
        for i, _ in enumerate(claim.measures):
            reason = SHORT_OF_THE_CLAIM.get((claim.file, i))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(claim, i, marks=marks, id=f"{claim.file[:-5]}-{i}"))
    return cases


@pytest.mark.parametrize(("claim", "index"), _cases())
def test_each_claim_holds_against_the_base(claim, index, base_runs):
    # The article's claims (analysis/claims.py): each counterfactual file must move each of
    # its measures the way the article argues, significantly and by the minimum effect.
    shows(claim.measures[index](base_runs, runs_of(claim.file[:-5])))


def test_every_counterfactual_file_has_a_claim():
    files = {p.name for p in SCENARIOS.glob("*.yaml")} - {BASE}
    assert files == {c.file for c in CLAIMS}


def test_common_random_numbers_pair_the_replications(base_runs):
    # no_exercise changes nothing before 10 September (exact there: see the Zapad test
    # below); after it the route answers posture and threat (issue 10), so the arrivals
    # of a pair differ, but with common random numbers they stay closely paired.
    other = runs_of("no_exercise")
    assert (other["replication"] == base_runs["replication"]).all()
    assert (other["seed"] == base_runs["seed"]).all()
    assert np.corrcoef(other["arrivals"], base_runs["arrivals"])[0, 1] > 0.8


def test_with_benefit_of_the_doubt_minsk_is_not_blamed_beyond_what_it_caused(base_runs):
    # With full benefit of the doubt nobody is blamed beyond what can be shown.
    c = runs_of("benefit_of_doubt")
    assert pooled_blame_gap(base_runs) > 0 >= pooled_blame_gap(c)


def test_sanctions_relief_actually_eases_sanctions():
    # Sanity, not a claim: relief must occur for the relief comparison to mean anything.
    assert (runs_of("sanctions_relief")["sanctions_eased"] > 0).mean() >= 0.1


@pytest.mark.xfail(
    strict=True,
    reason="Since the US/UK/Canada also answer repression (issue 9 item 2) they ease less often "
    "under relief (56% of runs ease at least once; 81% and +7.1% belief without it): "
    "Minsk's final belief rises 4.3% "
    "(0.4528 -> 0.4720, d = +0.25, p = 1.5e-153, N = 2,000), significant, short of the 5% "
    "minimum (docs/ODD.md section 10)",
)
def test_relief_works_through_minsks_belief_that_restraint_pays(base_runs):
    # Issue 9: the relief claim must be carried by the article's chain, not by sanctions
    # pain alone. With relief Minsk ends believing more that punishment answers its
    # conduct.
    relief = runs_of("sanctions_relief")
    shows(paired_mean(base_runs["final_belief"], relief["final_belief"], "belief", "greater"))


def test_relief_does_not_move_provocations_without_minsks_belief():
    # The other half of the chain: with that belief switched off in both arms
    # (nothing_to_lose = 0) relief does not move Minsk's provocations by the claim's minimum.
    blind = {"nothing_to_lose": 0.0}
    b = run_scenario(with_changes(load(SCENARIOS / BASE), **blind), N, SEED, keep_traces=0)
    c = run_scenario(
        with_changes(load(SCENARIOS / "sanctions_relief.yaml"), **blind), N, SEED, keep_traces=0
    )
    assert not paired_mean(b.runs["provocations"], c.runs["provocations"], "provocations").holds()


def test_blame_for_what_it_did_not_do_teaches_minsk_it_has_nothing_to_lose(base_runs):
    # With benefit of the doubt the incidents Minsk did not cause are not blamed on it, so
    # it believes more that punishment answers its conduct, and provokes less.
    c = runs_of("benefit_of_doubt")
    shows(paired_mean(base_runs["final_belief"], c["final_belief"], "belief", "greater"))
    shows(paired_mean(base_runs["provocations"], c["provocations"], "Minsk provocations"))


# ---------------------------------------------------------------- Zapad-2021
N_EXERCISE = 300  # needs per-replication daily traces; the effect is large (see below)
WINDOW = (dt.date(2021, 9, 10), dt.date(2021, 9, 16))
SEPTEMBER = (dt.date(2021, 9, 1), dt.date(2021, 9, 30))


def test_no_exercise_lowers_the_hazard_in_september():
    # Article: Zapad-2021 "in September" adds to the tension; fears it is "cover".
    # Without it the daily clash hazard must be lower in the exercise window and over
    # September, and nothing may change before the window (the pairing is exact there).
    b, c = run_pair(
        load(SCENARIOS / "august_2021.yaml"),
        load(SCENARIOS / "no_exercise.yaml"),
        N_EXERCISE,
        SEED,
        keep_traces=N_EXERCISE,
    )
    assert b.traces is not None and c.traces is not None
    before = (dt.date(2021, 8, 12), dt.date(2021, 9, 9))
    np.testing.assert_array_equal(
        window_mean(b.traces, "clash_hazard", *before),
        window_mean(c.traces, "clash_hazard", *before),
    )
    for lo, hi in (WINDOW, SEPTEMBER):
        shows(
            paired_mean(
                window_mean(b.traces, "clash_hazard", lo, hi),
                window_mean(c.traces, "clash_hazard", lo, hi),
                f"mean clash hazard {lo} .. {hi}",
            )
        )
    # The daily summary (all replications) says the same on every day of the window.
    db, dc = b.daily.to_frame(), c.daily.to_frame()
    days = db["date"].between(pd.Timestamp(WINDOW[0]), pd.Timestamp(WINDOW[1]))
    assert (dc.loc[days, "clash_hazard_mean"] < db.loc[days, "clash_hazard_mean"]).all()
