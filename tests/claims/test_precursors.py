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

import numpy as np
import pandas as pd
import pytest
from scipy.stats import wilcoxon

from escalation_sim.engine.model import EscalationModel

pytestmark = pytest.mark.slow

N = 600  # replications, all traced; about 300 first armed incidents after day 42
SEED = 20210812
BORDERS = ("Lithuania", "Poland", "Latvia")
MILITARISED = ("troops_to_border", "reinforce_posture", "allied_deployment")
COLUMNS = ["instigator_posture", "frontline_posture", "clash_hazard"]


@pytest.fixture(scope="module")
def run():
    result = EscalationModel("august_2021", replications=N, seed=SEED, keep_traces=N).run().result()
    ev = result.events
    first = ev[ev["move"] == "armed_incident"].sort_values("day").groupby("replication").first()
    first = first[first["day"] >= 42].copy()  # six weeks of history before it
    first["border"] = first["target"].str.split("-").str[1]
    return result.traces, ev, first


def _excess(traces: pd.DataFrame, first: pd.DataFrame, k: int) -> np.ndarray:
    """(incidents, 3): each run's value on day (first armed incident + k) minus the mean
    of all runs on that calendar day, for the columns of COLUMNS."""
    calendar = traces.groupby("day")[COLUMNS].mean()
    values = traces.set_index(["replication", "day"])[COLUMNS]
    own = values.loc[list(zip(first.index, first["day"] + k, strict=True))].to_numpy()
    return own - calendar.loc[first["day"] + k].to_numpy()


def test_posture_and_hazard_build_up_before_the_first_armed_incident(run):
    traces, _, first = run
    assert len(first) > 100, "too few armed incidents after day 42 to test"
    early, late = _excess(traces, first, -42), _excess(traces, first, -1)
    for j, name in enumerate(COLUMNS):
        assert late[:, j].mean() > 0, f"{name} not above its calendar mean the day before"
        p = wilcoxon(late[:, j], early[:, j], alternative="greater").pvalue
        assert p < 0.01, f"{name}: no rise from six weeks before (p = {p:.3g})"


def test_militarised_moves_at_that_border_exceed_their_base_rate_before_it(run):
    _, ev, first = run
    mil = ev[ev["move"].isin(MILITARISED)].copy()
    mil["border"] = np.where(mil["actor"] == "Minsk", mil["target"], mil["actor"])
    mil = mil[mil["border"].isin(BORDERS)]
    per_day = mil.groupby(["border", "day"]).size() / N  # calendar mean per run
    own, base = [], []
    for rep, f in first.iterrows():
        days = (f["day"] - 14, f["day"] - 1)
        m = mil[(mil["replication"] == rep) & (mil["border"] == f["border"])]
        own.append(m["day"].between(*days).sum())
        cal = per_day.get(f["border"], pd.Series(dtype=float))
        base.append(cal[(cal.index >= days[0]) & (cal.index <= days[1])].sum())
    own, base = np.asarray(own, float), np.asarray(base)
    assert own.mean() >= 1.2 * base.mean(), (own.mean(), base.mean())
    assert wilcoxon(own, base, alternative="greater").pvalue < 0.01
