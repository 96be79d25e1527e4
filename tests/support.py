"""Helpers shared by tests (import as tests.support)."""

from __future__ import annotations

from escalation_sim.config import Scenario


def with_changes(sc: Scenario, **mechanisms: object) -> Scenario:
    """A copy of ``sc`` with some mechanism parameters changed (validated)."""
    data = sc.model_dump()
    data["mechanisms"].update(mechanisms)
    return Scenario.model_validate(data)
