"""Regenerate docs/figures/view.png: the live view (`escalation-sim view`) at day 90.

Starts the view on a free port, opens it in headless Chromium (Debian's chromium through
Playwright), plays until day 90, pauses and saves a screenshot of the page.

    python scripts/make_view_screenshot.py
"""

from __future__ import annotations

from pathlib import Path

from escalation_sim.view.drive import browser_problem, open_view
from escalation_sim.view.serve import view_server

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures" / "view.png"
DAY = 90


def main() -> None:
    problem = browser_problem()
    if problem:
        raise SystemExit(f"cannot take the screenshot: {problem}")
    with view_server(ROOT / "scenarios" / "august_2021.yaml") as url, open_view(url) as view:
        day = view.play_until(DAY, timeout=600)
        view.page.screenshot(path=str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)} (day {day})")


if __name__ == "__main__":
    main()
