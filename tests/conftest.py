"""Shared fixtures: the default scenario, loaded once."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from escalation_sim import scenario as scenario_mod
from escalation_sim.config import Scenario

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "august_2021.yaml"


@pytest.fixture(scope="session")
def base() -> Scenario:
    """The default scenario (August 2021)."""
    return scenario_mod.load(BASE)
