"""EscalationModel as a Mesa 3 model: rng=, run_model, batch_run, DataCollector, AgentSets."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import escalation_sim as es
from escalation_sim.engine.agents import Frontline, Instigator, Sanctioner
from escalation_sim.engine.patron import Patron
from escalation_sim.io.flat import resolve_scenario, with_parameters
from escalation_sim.run.scenario import run_scenario


def test_default_model_runs_to_the_horizon_with_run_model():
    model = es.EscalationModel(rng=3)
    model.run_model()
    assert model.day == model.config.days == 180 and model.steps == 180
    assert not model.running and model.seed == 3


def test_rng_integer_is_the_master_seed_of_the_cli():
    sc = with_parameters(resolve_scenario(), {"days": 40})
    model = es.EscalationModel(sc, replications=1200, rng=5, hostile_bias=0.7)
    model.run_model()
    # The CLI's run: chunked one block (1000 replications) per model; the same numbers.
    variant = with_parameters(sc, {"hostile_bias": 0.7})
    ref = run_scenario(variant, 1200, 5, keep_traces=0, chunk_blocks=1)
    pd.testing.assert_frame_equal(model.result().runs, ref.runs)


def test_rng_generator_draws_the_master_seed_reproducibly():
    a = es.EscalationModel(rng=np.random.default_rng(9), days=40)
    b = es.EscalationModel(rng=np.random.default_rng(9), days=40)
    c = es.EscalationModel(days=40)  # None: fresh entropy, recorded
    assert a.seed == b.seed and isinstance(c.seed, int)
    with pytest.raises(ValueError, match="not both"):
        es.EscalationModel(seed=1, rng=1)


def test_batch_run_sweeps_flat_parameters_and_seeds():
    rows = mesa.batch_run(
        es.EscalationModel,
        parameters={"hostile_bias": [0.2, 0.8], "days": 40, "replications": 20},
        rng=[1, 2],
        data_collection_period=-1,
        display_progress=False,
    )
    table = pd.DataFrame(rows)
    assert len(table) == 4 and set(table["hostile_bias"]) == {0.2, 0.8}
    assert (table["Step"] == 40).all() and table["armed_incident"].between(0, 1).all()
    one = table[(table["hostile_bias"] == 0.8) & (table["iteration"] == 1)].iloc[0]
    again = es.EscalationModel(rng=2, hostile_bias=0.8, days=40, replications=20)
    again.run_model()
    assert (
        one["nonlethal_clash"]
        == again.datacollector.get_model_vars_dataframe().iloc[-1]["nonlethal_clash"]
    )


def test_a_users_datacollector_reads_model_and_agents():
    model = es.EscalationModel(rng=1, replications=50, days=40)
    dc = mesa.DataCollector(
        model_reporters={"armed": lambda m: float((m.totals.armed > 0).mean())},
        agent_reporters={
            "threat": lambda a: float(np.mean(a.threat)) if hasattr(a, "threat") else None
        },
    )
    while model.running:
        model.step()
        dc.collect(model)
    assert len(dc.get_model_vars_dataframe()) == 40
    agents = dc.get_agent_vars_dataframe()
    assert len(agents) == 40 * len(model.agents)


def test_agents_step_through_their_agentsets(monkeypatch):
    calls: list[str] = []
    for cls in (Instigator, Frontline, Sanctioner, Patron):
        original = cls.step

        def spy(self, _original=original):
            calls.append(type(self).__name__)
            _original(self)

        monkeypatch.setattr(cls, "step", spy)
    model = es.EscalationModel(rng=1, days=40)
    model.step()
    counts = pd.Series(calls).value_counts().to_dict()
    assert counts == {"Frontline": 3, "Sanctioner": 2, "Instigator": 1, "Patron": 1}
    assert calls.index("Sanctioner") < calls.index("Instigator") < calls.index("Patron")
