"""Serve the live view on this machine: Solara's server under uvicorn, no network needed.

Solara reads its settings from the environment when it is first imported, so
:func:`serve` sets them first: the app module, the scenario to show, telemetry off.
Solara's front-end files come from its assets cache, which the ``solara-assets``
package fills at install time, so the page loads nothing from outside.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

APP_MODULE = "escalation_sim.view.app"
VIEW_PACKAGES = ("solara", "solara_assets", "altair")


def install_problem() -> str | None:
    """Why the view cannot be served from this installation, or None when it can.

    Besides the packages of the ``[view]`` extra: ipyvue 3 switches Solara to its Vue 3
    front end, whose files solara-assets does not ship, so the page would need the network.
    """
    missing = [name for name in VIEW_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        return f"the live view needs {', '.join(missing)}: pip install 'escalation-sim[view]'"
    version = importlib.metadata.version("ipyvue")
    if int(version.split(".")[0]) >= 3:
        return (
            f"ipyvue {version} needs front-end files that solara-assets does not ship: "
            "pip install 'ipyvue<3' 'ipyvuetify<3' (as the [view] extra pins them)"
        )
    return None


def environment(scenario: Path, replications: int) -> dict[str, str]:
    """The environment the server needs: Solara's settings and the view's scenario."""
    return {
        "SOLARA_APP": APP_MODULE,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # no calls home
        "SOLARA_ASSETS_PROXY": "true",  # front-end files from the local cache, not a CDN
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


def free_port(host: str = "127.0.0.1") -> int:
    """A port the system reports free on ``host`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def view_server(
    scenario: Path, port: int | None = None, replications: int = 300, timeout: float = 90.0
) -> Iterator[str]:
    """Run ``escalation-sim view`` in a child process; yield its URL once it answers.

    For the browser tests and the screenshot script. The child is stopped on exit.
    """
    port = free_port() if port is None else port
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "escalation_sim", "view", str(scenario)]
    cmd += ["--port", str(port), "--replications", str(replications)]
    with tempfile.TemporaryFile("w+") as log:  # a file, not a pipe: never blocks the server
        child = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            _wait_until_up(url, child, log, timeout)
            yield url
        finally:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _wait_until_up(url: str, child: subprocess.Popen, log: IO[str], timeout: float) -> None:
    """Return once ``url`` answers 200; raise with the child's output if it died or hung."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the view server exited ({child.returncode}):\n{log.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the view server did not answer at {url} within {timeout:.0f} s")
