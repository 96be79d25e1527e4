"""Serve the live view on this machine: Solara's server under uvicorn, no network needed.

Solara reads its settings from the environment when it is first imported, so
:func:`serve` sets them first: the app module, the scenario to show, telemetry off.
Solara's front-end files come from its assets cache, which the ``solara-assets``
package fills at install time, so the page loads nothing from outside.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

APP_MODULE = "escalation_sim.view.app"
VIEW_PACKAGES = ("solara", "solara_assets", "altair")


def missing_packages() -> list[str]:
    """The view's optional packages that are not installed (empty when it can run)."""
    return [name for name in VIEW_PACKAGES if importlib.util.find_spec(name) is None]


def environment(scenario: Path, replications: int) -> dict[str, str]:
    """The environment the server needs: Solara's settings and the view's scenario."""
    return {
        "SOLARA_APP": APP_MODULE,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # no calls home
        "SOLARA_THEME_SHOW_BANNER": "false",
        "ESCALATION_SIM_VIEW_SCENARIO": str(scenario.resolve()),
        "ESCALATION_SIM_VIEW_REPLICATIONS": str(replications),
    }


def serve(scenario: Path, port: int, replications: int = 300, host: str = "127.0.0.1") -> None:
    """Run the view's web server until interrupted (blocks)."""
    os.environ.update(environment(scenario, replications))
    os.environ.update({"SERVER_NAME": host, "SERVER_PORT": str(port)})
    import uvicorn  # solara's server; imported after the environment is set

    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level="warning")
