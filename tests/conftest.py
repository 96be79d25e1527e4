"""Shared fixtures: the default scenario, stored results, small experiment files."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from escalation_sim.config.scenario import Scenario
from escalation_sim.io import scenario_file as scenario_mod
from tests.support import BASE, ROOT, write_experiment

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def base() -> Scenario:
    """The default scenario (August 2021)."""
    return scenario_mod.load(BASE)


FIXTURE_RESULTS = ROOT / "tests" / "fixtures" / "results"


def _stored(kind: str):
    from escalation_sim.store.results import load

    return load(FIXTURE_RESULTS / kind)


@pytest.fixture(scope="session")
def run_res():
    """Stored results of a small run (tests/fixtures/make_fixtures.py)."""
    return _stored("run")


@pytest.fixture(scope="session")
def compare_res():
    """Stored results of a small paired comparison."""
    return _stored("compare")


@pytest.fixture(scope="session")
def grid_res():
    """Stored results of a small grid sweep."""
    return _stored("grid")


@pytest.fixture(scope="session")
def sobol_res():
    """Stored results of a small Sobol sweep."""
    return _stored("sobol")


@pytest.fixture(scope="session")
def morris_res():
    """Stored results of a small Morris sweep."""
    return _stored("morris")


@pytest.fixture
def experiment(tmp_path: Path):
    """Factory: experiment(**fields) -> path of a small experiment file."""

    def make(**fields) -> Path:
        return write_experiment(tmp_path, **fields)

    return make
