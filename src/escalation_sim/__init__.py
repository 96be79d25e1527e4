"""escalation_sim: crisis escalation when nobody gives the other side the benefit of the doubt.

The Python API (``simulate``, ``parameters``, ``EscalationModel``) lives in
:mod:`escalation_sim.api` and loads on first use, so that the command line starts fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["EscalationModel", "Outcomes", "__version__", "parameters", "simulate"]

_API = {"EscalationModel", "Outcomes", "parameters", "simulate", "shipped_scenarios"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from escalation_sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'escalation_sim' has no attribute {name!r}")
