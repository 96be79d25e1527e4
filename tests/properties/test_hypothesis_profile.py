"""Hypothesis draws the same examples on every run unless HYPOTHESIS_PROFILE=explore.

tests/conftest.py loads the "ci" profile by default, so `make test` and CI cannot fail
by chance; this checks that the profile is in force for tests' own @settings too.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")


def draws() -> list[int]:
    seen: list[int] = []

    @settings(max_examples=20)  # like the property tests: their own settings, no derandomize
    @given(st.integers())
    def record(x: int) -> None:
        seen.append(x)

    record()
    return seen


@pytest.mark.skipif(PROFILE != "ci", reason="HYPOTHESIS_PROFILE selects another profile")
def test_default_profile_draws_the_same_examples_every_run():
    assert settings().derandomize and settings().database is None
    first, second = draws(), draws()
    assert first == second and len(set(first)) > 1
