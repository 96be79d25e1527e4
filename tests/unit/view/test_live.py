"""The live view's model: the engine's days, one per step; the controls; the charts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalation_sim.config.base import field_bounds
from escalation_sim.config.scenario import parameter_fields
from escalation_sim.engine.model import EscalationModel
from escalation_sim.io.errors import InputError
from escalation_sim.view.charts import BAND_SERIES, bands_figure, rung_figure
from escalation_sim.view.live import (
    MECHANISM_CONTROLS,
    LiveModel,
    controls,
    flat_parameters,
    model_params,
)


def test_each_step_is_one_engine_day_of_all_replications(base):
    live = LiveModel(base, replications=60, seed=4)
    for _ in range(25):
        live.step()
    engine = EscalationModel(base, 60, 4, keep_traces=1)
    for _ in range(25):
        engine.step()
    assert live.day == 25 and live.replications == 60
    counts = engine.daily_by_group[0].rung_counts[:25]
    np.testing.assert_array_equal(live.rung_shares(), counts / 60)
    np.testing.assert_allclose(live.rung_shares().sum(axis=2), 1.0)
    start = base.start  # replication 0's event log, row for row
    pd.testing.assert_frame_equal(live.engine.log.to_frame(start), engine.log.to_frame(start))
    assert live.events_logged == len(engine.log.rows) > 0


def test_running_stops_at_the_horizon(base):
    short = base.model_copy(update={"days": 4, "events": []})
    live = LiveModel(short, replications=50)
    states = []
    for _ in range(6):
        live.step()
        states.append((live.day, live.running))
    assert states == [(1, True), (2, True), (3, True), (4, False), (4, False), (4, False)]


def test_bands_are_ordered_quantiles_of_the_days_so_far(base):
    live = LiveModel(base, replications=100)
    for _ in range(30):
        live.step()
    for series in BAND_SERIES:
        q = live.bands(series)
        assert q.shape == (30, 5)
        assert np.all(np.diff(q, axis=1) >= 0)


def test_recent_events_are_the_newest_log_rows_first(base):
    live = LiveModel(base, replications=50)
    for _ in range(60):
        live.step()
    rows = live.recent_events(5)
    assert len(rows) == 5
    dates = [r.date for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert rows[0].move == live.engine.log.rows[-1][4]


def test_controls_cover_the_ten_mechanisms_and_start_at_the_scenario(base):
    ctl = controls(base)
    assert [name for name, _ in MECHANISM_CONTROLS] == list(ctl)[:10]
    fields, paths = parameter_fields(base), flat_parameters(base)
    for name, spec in ctl.items():
        if name == "scheduled_events":
            assert spec["value"] is True
            continue
        live = LiveModel(base, replications=50)
        lo, hi = field_bounds(fields[paths[name]])
        if spec["type"] != "Checkbox":
            assert (lo is None or spec["min"] >= lo) and (hi is None or spec["max"] <= hi)
            assert spec["min"] <= spec["value"] <= spec["max"]
        assert live.changed == {}
    actors = {name.split("__")[0] for name in ctl if "__" in name and "migration" not in name}
    assert actors == {"Minsk", "Lithuania", "Poland", "Latvia", "EU", "US/UK/Canada"}


def test_keywords_set_the_scenario_and_are_reported(base):
    live = LiveModel(
        base, replications=50, hostile_bias=0.9, Lithuania__pushback=0.1, migration__supply=300
    )
    assert live.config.mechanisms.hostile_bias == 0.9
    assert live.config.mechanisms.migration.supply == 300
    assert live.config.actors_of("frontline")[0].pushback == 0.1
    assert live.changed == {
        "hostile_bias": 0.9,
        "Lithuania__pushback": 0.1,
        "migration__supply": 300,
    }
    off = LiveModel(base, replications=50, scheduled_events=False)
    assert off.config.events == [] and off.changed == {"scheduled_events": False}


def test_bad_keywords_are_refused(base):
    with pytest.raises(ValueError, match="did you mean 'hostile_bias'"):
        LiveModel(base, hostle_bias=0.5)
    with pytest.raises(InputError, match="hostile_bias"):
        LiveModel(base, hostile_bias=1.5)
    with pytest.raises(ValueError, match="replications"):
        LiveModel(base, replications=0)


def test_solaraviz_reset_rebuilds_the_model_from_the_sliders(base):
    pytest.importorskip("solara")
    from mesa.visualization.solara_viz import (
        _build_model_init_kwargs,
        _check_model_params,
        split_model_params,
    )

    params = model_params(base, replications=50)
    live = LiveModel(base, replications=50)
    _check_model_params(live, params)
    inputs, fixed = split_model_params(params)
    values = {**fixed, **{k: v["value"] for k, v in inputs.items()}, "hostile_bias": 0.7}
    kwargs = _build_model_init_kwargs(
        live, values, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    again = type(live)(**kwargs)  # what the Reset button does
    assert again.config.mechanisms.hostile_bias == 0.7
    assert again.changed == {"hostile_bias": 0.7} and again.day == 0


def test_charts_draw_at_day_zero_and_later(base):
    live = LiveModel(base, replications=50)
    for figure in (rung_figure(live), bands_figure(live)):
        figure.canvas.draw()
    for _ in range(10):
        live.step()
    fig = rung_figure(live)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 1 + len(live.engine.dyads)
    assert all(len(ax.collections) == 7 for ax in visible)  # one area per rung
    assert len(bands_figure(live).axes) == len(BAND_SERIES)
