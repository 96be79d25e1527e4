"""The sanctioners differ (issue 9 item 2): own triggers and packages of different pain.

Measured against the default scenario under common random numbers (``Paired.holds``:
p < 0.01, >= 5% of the base mean and >= 0.2 SD). docs/ODD.md 7.6 quotes the figures.
"""

from __future__ import annotations

import pytest

from escalation_sim.analysis.paired import paired_mean
from escalation_sim.io.scenario_file import load
from escalation_sim.run.scenario import run_scenario
from tests.claims.test_counterfactuals import SCENARIOS, SEED, shows
from tests.claims.test_route import _actor

pytestmark = pytest.mark.slow
N = 400
WESTERN = "US/UK/Canada"


@pytest.fixture(scope="module")
def base():
    sc = load(SCENARIOS / "august_2021.yaml")
    return sc, run_scenario(sc, N, SEED, keep_traces=0).runs


def test_repression_brings_packages_but_minsk_reads_them_as_earned(base):
    # US/UK/Canada also answer repression at home (eq. 10b): more packages. Minsk's belief
    # (eq. 3b) reads a package after its own hostility as earned, and its border conduct is
    # hostile often enough that these packages do not change what it believes or does.
    sc, b = base
    c = run_scenario(_actor(sc, WESTERN, repression_weight=0.0), N, SEED, keep_traces=0).runs
    shows(paired_mean(c["sanctions_packages"], b["sanctions_packages"], "packages", "greater"))
    for col in ("provocations", "final_belief"):
        change = (b[col] - c[col]).mean() / c[col].mean()
        assert abs(change) < 0.02, f"{col} moved {change:+.1%}"


def test_painful_packages_erode_support_more(base):
    # The US packages hit the main exporters (pain 1.5): Minsk's support ends lower than if
    # they hurt like the EU's (eq. 13, through eq. 12's path over 180 days).
    sc, b = base
    c = run_scenario(_actor(sc, WESTERN, pain=1.0), N, SEED, keep_traces=0).runs
    shows(paired_mean(c["final_domestic_support"], b["final_domestic_support"], "support"))
