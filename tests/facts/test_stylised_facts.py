"""The ten stylised facts of the model brief, each a statistical claim over seeded replications.

Every test states its effect size (the smallest difference that counts as the fact) and
uses common random numbers where two settings are compared: the same master seed gives
the same block seeds, so replication i of both runs sees the same random draws and the
comparison is paired. Thresholds come from the claims, not from the observed values;
the measured figures are in docs/ODD.md ("Patterns").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.model import EscalationModel
from escalation_sim.run.scenario import run_scenario
from tests.support import with_changes

N = 2000  # replications per setting: Wilson half-width ~0.02 at P ~ 0.3
SEED = 20210812
ALPHA = 0.01


def runs(sc: Scenario, n: int = N, **kw) -> pd.DataFrame:
    return run_scenario(sc, n, SEED, keep_traces=kw.pop("keep_traces", 0), **kw).runs


def mcnemar_p(a: pd.Series, b: pd.Series) -> float:
    """Exact McNemar test on paired booleans (discordant pairs)."""
    up, down = int((~a & b).sum()), int((a & ~b).sum())
    return stats.binomtest(up, up + down).pvalue if up + down else 1.0


def paired_less(lower: pd.Series, higher: pd.Series) -> float:
    """One-sided Wilcoxon signed-rank p-value that ``lower`` is below ``higher``."""
    return stats.wilcoxon(lower, higher, alternative="less", zero_method="zsplit").pvalue


@pytest.fixture(scope="module")
def baseline(base) -> pd.DataFrame:
    return runs(base)


def test_fact1_ratchet_sanctions_never_fall(base):
    res = run_scenario(base, 500, SEED, keep_traces=500)
    level = res.traces.pivot(index="day", columns="replication", values="sanctions_level")
    assert (level.diff().dropna() >= 0).all().all()
    assert (res.runs["sanctions_eased"] == 0).all()
    # The check can fail: without the ratchet, levels do fall in many replications.
    relief = run_scenario(with_changes(base, sanctions_ratchet=False), 500, SEED, keep_traces=500)
    level = relief.traces.pivot(index="day", columns="replication", values="sanctions_level")
    assert (level.diff().dropna() < 0).any().mean() > 0.2


def test_fact2_blame_exceeds_truth_and_grows_with_reputation(base):
    gaps = {}
    for reputation in (0.3, 0.6, 0.9):
        r = (
            EscalationModel(
                base, N, SEED, overrides={"actors.Minsk.reputation": np.full(N, reputation)}
            )
            .run()
            .result()
            .runs
        )
        amb = r["ambiguous_incidents"].sum()
        gaps[reputation] = (r["blamed_on_instigator"].sum() - r["caused_by_instigator"].sum()) / amb
    assert gaps[0.9] > 0 and gaps[0.6] > 0, gaps
    # Effect size: raising reputation from 0.3 to 0.9 widens the gap by >= 0.15 of all
    # ambiguous incidents (attribution rises ~0.6 by eq. 1; Minsk's own covert share rises too).
    assert gaps[0.3] < gaps[0.6] < gaps[0.9] and gaps[0.9] - gaps[0.3] >= 0.15, gaps


@pytest.mark.xfail(
    strict=True,
    reason="Not reproduced at the pre-set size since issues 9 and 10 merged: a pariah (reputation "
    "0.9 vs 0.3) provokes 9.5% more (50.83 -> 55.65 a run, N = 2,000), short of the 10% minimum "
    "(each issue alone gave 11.4% and 10.7%); the direction holds. See docs/ODD.md section 10.",
)
def test_fact3_pariah_provokes_more(base):
    def provocations(reputation: float) -> pd.Series:
        return (
            EscalationModel(
                base, N, SEED, overrides={"actors.Minsk.reputation": np.full(N, reputation)}
            )
            .run()
            .result()
            .runs["provocations"]
        )

    low, high = provocations(0.3), provocations(0.9)
    # Effect size: at least 10% more deliberate provocations (paired, same draws).
    assert high.mean() >= 1.10 * low.mean(), (low.mean(), high.mean())
    assert paired_less(low, high) < ALPHA


def test_fact4_spiral_armed_incidents_rise_with_hostile_bias_without_intent(base):
    p = {}
    for bias in (0.0, 0.5, 1.0):
        res = run_scenario(with_changes(base, hostile_bias=bias), N, SEED, keep_traces=200)
        p[bias] = res.runs["armed_incident"].mean()
        if bias == 0.0:
            lo_ci = (
                stats.binomtest(int(res.runs["armed_incident"].sum()), N)
                .proportion_ci(0.99, method="wilson")
                .low
            )
            assert lo_ci > 0, "armed incidents occur although nobody chooses them"
        deliberate = res.events[
            res.events["actor"].isin(["Minsk", "Lithuania", "Poland", "Latvia"])
        ]
        assert deliberate["rung"].max() <= 3, "no actor chooses armed attack"
    # Effect size: P(armed incident) rises by at least 0.10 from no bias to full bias,
    # monotonically.
    assert p[0.0] < p[0.5] < p[1.0] and p[1.0] - p[0.0] >= 0.10, p
    table = [[p[1.0] * N, (1 - p[1.0]) * N], [p[0.0] * N, (1 - p[0.0]) * N]]
    assert stats.chi2_contingency(np.array(table)).pvalue < ALPHA


@pytest.mark.parametrize("change", [{"benefit_of_doubt": 1.0}, {"forgiveness": 0.5}])
def test_fact5_benefit_of_doubt_or_forgiveness_lowers_risk(base, baseline, change):
    r = runs(with_changes(base, **change))
    a, b = baseline["armed_incident"], r["armed_incident"]
    # Effect size: P(armed incident) falls by at least 0.05 (a sixth of the baseline risk).
    assert a.mean() - b.mean() >= 0.05, (a.mean(), b.mean())
    assert mcnemar_p(b, a) < ALPHA
    assert r["max_rung"].mean() < baseline["max_rung"].mean()
    assert r["days_rung3_plus"].mean() < baseline["days_rung3_plus"].mean()


def test_fact6_without_patron_restraint_risk_and_rung_rise(base, baseline):
    r = runs(with_changes(base, patron_restraint=0.0))
    # Effect size: P(armed incident) up by at least 0.10; highest rung up (paired).
    assert r["armed_incident"].mean() - baseline["armed_incident"].mean() >= 0.10
    assert mcnemar_p(baseline["armed_incident"], r["armed_incident"]) < ALPHA
    assert paired_less(baseline["max_rung"], r["max_rung"]) < ALPHA
    assert (r["restraint_interventions"] == 0).all()


def test_fact7_retaliation_follows_new_sanctions(base):
    n, k = 400, 3
    res = run_scenario(base, n, SEED, keep_traces=n)
    ev = res.events
    hostile = ev[(ev["actor"] == "Minsk") & (ev["rung"] >= 1)]
    moved = np.zeros((n, base.days), bool)
    moved[hostile["replication"], hostile["day"]] = True
    packages = ev[ev["move"] == "impose_sanctions"]
    after = np.zeros((n, base.days), bool)
    for rep, day in zip(packages["replication"], packages["day"], strict=True):
        after[rep, day + 1 : day + 1 + k] = True
    p_after, p_other = moved[after].mean(), moved[~after].mean()
    # Effect size: a hostile Minsk move is at least 1.2 times likelier in the k days after
    # a package than on other days.
    assert after.sum() > 100
    assert p_after >= 1.2 * p_other, (p_after, p_other)
    table = [
        [moved[after].sum(), (~moved[after]).sum()],
        [moved[~after].sum(), (~moved[~after]).sum()],
    ]
    assert stats.chi2_contingency(np.array(table)).pvalue < ALPHA


def test_fact8_exercise_window_raises_the_hazard(base):
    ex = next(e for e in base.events if e.type == "exercise")
    a, b = base.day_of(ex.start), base.day_of(ex.end) + 1
    with_ex = run_scenario(base, 500, SEED, keep_traces=500).traces
    without = base.model_copy(update={"events": [e for e in base.events if e.type != "exercise"]})
    no_ex = run_scenario(without, 500, SEED, keep_traces=500).traces

    def window_mean(traces: pd.DataFrame, lo: int, hi: int) -> pd.Series:
        t = traces[(traces["day"] >= lo) & (traces["day"] < hi)]
        return t.groupby("replication")["clash_hazard"].mean()

    during, before = window_mean(with_ex, a, b), window_mean(with_ex, a - 14, a)
    counterfactual = window_mean(no_ex, a, b)
    # Effect size: the daily clash hazard during the window is at least 1.3 times the two
    # weeks before it, and at least 1.3 times the same days without the exercise.
    assert during.mean() >= 1.3 * before.mean(), (during.mean(), before.mean())
    assert during.mean() >= 1.3 * counterfactual.mean(), (during.mean(), counterfactual.mean())
    assert paired_less(counterfactual, during) < ALPHA


def test_fact9_supply_cut_cuts_arrivals(base, baseline):
    cut = base.model_copy(
        update={
            "mechanisms": base.mechanisms.model_copy(
                update={"migration": base.mechanisms.migration.model_copy(update={"supply": 30.0})}
            )
        }
    )
    r = runs(cut, 500)
    # Effect size: cutting supply to a fifth cuts arrivals by at least half.
    assert r["arrivals"].mean() <= 0.5 * baseline["arrivals"].iloc[:500].mean()
    assert paired_less(r["arrivals"], baseline["arrivals"].iloc[:500]) < ALPHA


def test_fact10_domestic_support_rises_with_external_threat(base, baseline):
    rho, p = stats.spearmanr(baseline["mean_tension"], baseline["final_domestic_support"])
    # Effect size: a positive rank correlation of at least 0.2 across replications.
    assert rho >= 0.2 and p < ALPHA, (rho, p)
    # Control: without the war atmosphere the rally effect is gone, support no higher.
    flat = runs(with_changes(base, war_atmosphere=0.0))
    rho0, _ = stats.spearmanr(flat["mean_tension"], flat["final_domestic_support"])
    assert rho0 < rho - 0.2, (rho0, rho)
    assert flat["final_domestic_support"].mean() < baseline["final_domestic_support"].mean()
