"""Armed incidents have precursors (issue 9, item 5): forces build up before one is likely.

Nothing in the engine schedules a build-up before an armed incident: the clash hazard
(eq. 9) rises with both sides' posture and mutual threat, and posture rises with the
agents' militarised moves, clashes and allied deployments (7.11). If armed incidents are
the spiral's product rather than random shocks, the runs in which one happens show
posture, hazard and militarised moves above their calendar average in the weeks before it,
and rising towards it. The sizes are fixed from that claim, not from measurement:
one-sided p < 0.01, and at least 1.2 times the calendar's militarised moves (the
"likelier than its base rate" size of stylised fact 7).
"""

from __future__ import annotations

import pytest
from scipy.stats import wilcoxon

from escalation_sim.analysis.precursors import COLUMNS, precursors
from escalation_sim.engine.model import EscalationModel

pytestmark = pytest.mark.slow

N = 600  # replications, all traced; about 300 first armed incidents after day 42
SEED = 20210812


@pytest.fixture(scope="module")
def found():
    result = EscalationModel("august_2021", replications=N, seed=SEED, keep_traces=N).run().result()
    return precursors(result.traces, result.events, lead=42, window=14)


def test_posture_and_hazard_build_up_before_the_first_armed_incident(found):
    assert len(found.late) > 100, "too few armed incidents after day 42 to test"
    for j, name in enumerate(COLUMNS):
        assert found.late[:, j].mean() > 0, f"{name} not above its calendar mean the day before"
        p = wilcoxon(found.late[:, j], found.early[:, j], alternative="greater").pvalue
        assert p < 0.01, f"{name}: no rise from six weeks before (p = {p:.3g})"


def test_militarised_moves_at_that_border_exceed_their_base_rate_before_it(found):
    assert found.moves.mean() >= 1.2 * found.base.mean(), (found.moves.mean(), found.base.mean())
    assert wilcoxon(found.moves, found.base, alternative="greater").pvalue < 0.01
