"""The route conserves people and never holds a negative stock (hypothesis, few examples)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation_sim.engine.model import EscalationModel
from escalation_sim.io.scenario_file import load
from tests.support import ROOT, with_changes

unit = st.floats(0, 1, allow_nan=False)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    retry=unit,
    clearance=unit,
    dispatch=st.floats(0.001, 1),
    repatriation=unit,
    death=st.floats(0, 0.01),
    seed=st.integers(0, 2**31),
)
def test_people_are_conserved_and_no_stock_is_negative(
    retry, clearance, dispatch, repatriation, death, seed
):
    # supplied = in Belarus + stranded + entered + returned + died, per replication, every day
    base = load(ROOT / "scenarios" / "route_closed_early.yaml")
    mig = {
        **base.mechanisms.migration.model_dump(),
        "retry": float(retry),
        "stranded_clearance": float(clearance),  # with retry above 1 in all: shared out
        "dispatch": float(dispatch),
        "repatriation": float(repatriation),
        "death_rate": float(death),
    }
    sc = with_changes(base, migration=mig).model_copy(update={"days": 60})
    m = EscalationModel(sc, replications=30, seed=seed)
    for _ in range(sc.days):
        m.step()
        r = m.route
        assert (r.in_belarus >= 0).all() and (m.front.stranded >= -1e-3).all()
        assert (r.returned >= 0).all() and (r.died >= 0).all() and (r.entered >= 0).all()
        np.testing.assert_allclose(r.balance(), 0, atol=1e-4 * max(1.0, r.supplied.max()))
