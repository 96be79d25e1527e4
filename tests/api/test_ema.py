"""The EMA Workbench adapter: ~20 experiments through perform_experiments."""

from __future__ import annotations

import numpy as np
import pytest

ema_workbench = pytest.importorskip("ema_workbench")

from escalation_sim import ema  # noqa: E402
from escalation_sim.api import simulate  # noqa: E402
from escalation_sim.io.flat import resolve_scenario, with_parameters  # noqa: E402


def test_perform_experiments_runs_the_model_over_the_table_ranges():
    sc = with_parameters(resolve_scenario(), {"days": 40})
    model = ema.model(sc, replications=40, parameters=["incident_hazard", "hostile_bias"])
    hazard = next(u for u in model.uncertainties if u.name == "incident_hazard")
    row = ema.parameter_table(sc).set_index("name").loc["incident_hazard"]
    assert (hazard.lower_bound, hazard.upper_bound) == (row["low"], row["high"])
    experiments, outcomes = ema_workbench.perform_experiments(model, 20)
    assert len(experiments) == 20 and set(outcomes) == set(ema.OUTCOMES)
    p = outcomes["p_nonlethal_clash"]
    assert ((p >= 0) & (p <= 1)).all()
    # Each experiment is simulate() with its sampled values (common random numbers).
    i = int(np.argmax(experiments["hostile_bias"]))
    values = {k: experiments[k].iloc[i] for k in ("incident_hazard", "hostile_bias")}
    again = simulate(sc, 40, 0, **values)
    for key in ema.OUTCOMES:
        assert outcomes[key][i] == pytest.approx(again.headline[key], nan_ok=True)


def test_default_uncertainties_are_the_mechanisms_with_closed_ranges():
    names = [u.name for u in ema.model().uncertainties]
    assert "hostile_bias" in names and "patron_restraint" in names
    assert not any("__" in n for n in names)  # no actor or migration parameters by default
