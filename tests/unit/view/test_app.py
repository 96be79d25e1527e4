"""The SolaraViz page's pieces that need no browser: the log table and the parameters."""

from __future__ import annotations

import pytest

pytest.importorskip("solara")

from escalation_sim.engine.records import EventLog
from escalation_sim.view import app
from escalation_sim.view.live import LiveModel
from tests.support import BASE


def test_the_log_table_escapes_what_it_shows(base):
    live = LiveModel(base, replications=50)
    live.engine.log = EventLog(
        [(0, 0, "<b>Minsk</b>", "Poland", "rhetoric", 1, -4.4, 1.7, "hostile", "a 'quoted' why")]
    )
    page = app.log_html(live)
    assert "&lt;b&gt;Minsk&lt;/b&gt;" in page and "<b>Minsk</b>" not in page
    assert "title='a &#x27;quoted&#x27; why'" in page
    assert "1 moves by day 0" in page


def test_the_page_shows_what_the_sliders_changed(base):
    live = LiveModel(base, replications=50, hostile_bias=0.75, scheduled_events=False)
    assert "changed by the sliders: hostile_bias = 0.75, scheduled_events = off" in app.log_html(
        live
    )


def test_the_served_scenario_and_run_size_come_from_the_environment(monkeypatch, tmp_path):
    sc = tmp_path / "mine.yaml"
    sc.write_text(BASE.read_text().replace("name: august_2021", "name: mine"))
    monkeypatch.setenv(app.SCENARIO_ENV, str(sc))
    monkeypatch.setenv(app.REPLICATIONS_ENV, "400")
    app.scenario.cache_clear()
    try:
        params = app.params()
        assert params["base"].name == "mine"
        assert params["replications"]["value"] == 400
    finally:
        app.scenario.cache_clear()
