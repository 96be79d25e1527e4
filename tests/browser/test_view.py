"""`escalation-sim view` in a real browser: play changes the charts and the log, offline.

Marked `browser` (not in `make test`; `.ci/run` runs `pytest -m browser`). Skipped with
the reason when playwright, Debian's chromium or the [view] extra is missing.
"""

from __future__ import annotations

import pytest

from escalation_sim.view.drive import PLAY, browser_problem, open_view
from escalation_sim.view.serve import view_server
from tests.support import BASE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_problem() is not None, reason=str(browser_problem())),
]


@pytest.fixture(scope="module")
def url():
    with view_server(BASE, replications=100) as url:
        yield url


def test_play_advances_the_charts_and_the_log_with_no_network(url):
    with open_view(url) as view:
        assert view.day() == 0
        assert "no moves yet" in view.log_text()
        rungs, bands = view.chart_png("rung"), view.chart_png("bands")

        day = view.play_until(12)

        assert day >= 12
        assert view.chart_png("rung") != rungs
        assert view.chart_png("bands") != bands
        log = view.log_text()
        assert f"moves by day {day}" in log
        assert view.page.locator(".event-log tr").count() >= 2  # header and a move
        assert view.outside == []  # nothing asked of another host
        assert view.failed == []  # and the local server supplied every file


def test_step_and_reset_with_a_slider_moved(url):
    with open_view(url) as view:
        view.press("Step")
        view.page.wait_for_function("() => document.body.innerText.includes('Time: 3')")
        assert view.day() == 3  # one press advances the render interval (3 days)
        assert "changed by the sliders: none" in view.log_text()
        field = view.page.locator(".v-input", has_text="4 hostile interpretation")
        slider = field.get_by_role("slider")
        slider.focus()
        slider.press("ArrowRight")
        view.press("Reset")
        view.page.wait_for_function("() => document.body.innerText.includes('Time: 0')")
        log = view.log_text()
        assert "no moves yet (day 0)" in log
        assert "changed by the sliders: hostile_bias = 0.51" in log
        view.page.get_by_role("button", name=PLAY, exact=True).wait_for()
