"""Shared fixtures: the default scenario, stored results, small experiment files."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

from escalation_sim.config.scenario import Scenario
from escalation_sim.io import scenario_file as scenario_mod
from tests.support import BASE, ROOT, write_experiment

matplotlib.use("Agg")

# Hypothesis: the same examples on every run by default (`make test`, CI), so the suite
# cannot fail by chance; HYPOTHESIS_PROFILE=explore draws new examples each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
