"""The HTML report in a real headless browser (Chromium) at 1,400 px wide.

In the ``browser`` group (``pytest -m browser``, run by ``.ci/run``): skipped where
Chromium or Playwright is missing, unless ``ESCALATION_SIM_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from escalation_sim.present.report import write_report
from escalation_sim.store.results import load
from tests.support import ROOT

pytestmark = pytest.mark.browser

RESULTS = ROOT / "tests" / "fixtures" / "results"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDTH = 1400


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Playwright (it cannot download browsers here)."""
    required = os.environ.get("ESCALATION_SIM_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            raise
        pytest.skip("playwright is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if required:
            pytest.fail(f"no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


# Where every table sits: its right edge, and the right edge of the box that shows it.
OVERFLOW = """() => [...document.querySelectorAll('table')].map(t => {
  const box = t.parentElement;
  const r = box.getBoundingClientRect();
  const style = getComputedStyle(box);
  return {right: r.right, width: t.scrollWidth, box: box.clientWidth,
          scrolls: ['auto', 'scroll'].includes(style.overflowX),
          last: t.querySelector('thead th:last-child').textContent};
})"""


@pytest.mark.parametrize("kind", ["sobol", "compare"])
def test_report_reads_at_1400_px(browser, kind: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_report(load(RESULTS / kind), out)
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.goto(out.as_uri())
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    # Nothing runs off the page: a table wider than its box scrolls inside it.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    tables = page.evaluate(OVERFLOW)
    assert tables
    for t in tables:
        assert t["right"] <= WIDTH
        assert t["width"] <= t["box"] or t["scrolls"], f"table cut off at {t['last']!r}"
    # Every figure decoded, none wider than the page.
    images = page.evaluate(
        "[...document.images].map(i => [i.naturalWidth, i.getBoundingClientRect().right])"
    )
    assert images and all(w > 0 and right <= WIDTH for w, right in images)
    # Key results come first: the outcome table is on the first screen.
    top = page.evaluate("document.getElementById('outcomes').getBoundingClientRect().top")
    assert top < 900
    order = page.evaluate("[...document.querySelectorAll('section')].map(s => s.id)")
    assert order[-1] == "reproduce" and order.index("outcomes") < order.index("figures")
    page.close()
