"""Drive the live view in headless Chromium: for the browser tests and the screenshot script.

Needs the ``playwright`` package and a Chromium on the machine (Debian's ``chromium``;
Playwright's own browser downloads are not used). Every request the page makes to
another host is refused and recorded, and so is every local request that fails (a
front-end file the server could not supply), so a test can check the view needs no
network.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser")
PLAY, PAUSE = "▶", "❚❚"  # SolaraViz's play and pause buttons


def chromium_path() -> str | None:
    """The system's Chromium executable, if there is one."""
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


def browser_problem() -> str | None:
    """Why the view cannot be driven here (a skip reason), or None when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright; the dev extra has it)"
    if chromium_path() is None:
        return "no chromium on PATH (apt-get install chromium)"
    from escalation_sim.view.serve import install_problem

    return install_problem()


@dataclass
class ViewPage:
    """The view open in a browser page, with the requests it tried to send elsewhere."""

    page: Any  # playwright.sync_api.Page
    outside: list[str] = field(default_factory=list)  # refused requests to other hosts
    failed: list[str] = field(default_factory=list)  # local requests that failed (e.g. 404)

    def day(self) -> int:
        """The day SolaraViz shows (``Time: 12.0``)."""
        text = self.page.get_by_text(re.compile(r"^Time: ")).first.inner_text()
        return int(float(text.split(":")[1]))

    def press(self, label: str) -> None:
        """Click a SolaraViz control button: ``Reset``, ``Step``, :data:`PLAY`, :data:`PAUSE`."""
        self.page.get_by_role("button", name=label, exact=True).click()

    def play_until(self, day: int, timeout: float = 120.0) -> int:
        """Press play, wait until the view shows ``day`` or later, press pause; the day shown."""
        self.press(PLAY)
        deadline = time.monotonic() + timeout
        while self.day() < day:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the view did not reach day {day} in {timeout:.0f} s")
            self.page.wait_for_timeout(250)
        self.press(PAUSE)
        self.page.get_by_role("button", name=PLAY, exact=True).wait_for()
        self.page.wait_for_timeout(1000)  # the last render after pausing
        return self.day()

    def log_text(self) -> str:
        """The event log's text as shown."""
        return self.page.locator(".event-log").inner_text()

    def chart_png(self, name: str) -> bytes:
        """A screenshot of one chart: ``rung`` or ``bands``."""
        return self.page.locator(f".{name}-chart img").screenshot()


@contextlib.contextmanager
def open_view(url: str, width: int = 1400, height: int = 1100) -> Iterator[ViewPage]:
    """Open the view at ``url`` in headless Chromium; yield it once the controls show."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            view = ViewPage(page)

            def local_only(route: Any) -> None:
                target = route.request.url
                if target.startswith((url, "data:", "blob:")):
                    route.continue_()
                else:
                    view.outside.append(target)
                    route.abort()

            page.route("**/*", local_only)
            page.on(
                "response",
                lambda r: view.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            page.goto(url)
            page.get_by_text(re.compile(r"^Time: ")).first.wait_for(timeout=90_000)
            page.locator(".rung-chart img").wait_for(timeout=60_000)
            yield view
        finally:
            browser.close()
