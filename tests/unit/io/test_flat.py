"""Flat keyword names <-> dotted paths, and shipped scenario names."""

from __future__ import annotations

import pytest

from escalation_sim.io.errors import InputError
from escalation_sim.io.flat import dotted_path, flat_name, resolve_scenario, shipped_scenarios


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("mechanisms.hostile_bias", "hostile_bias"),
        ("mechanisms.migration.supply", "migration__supply"),
        ("actors.Lithuania.pushback", "Lithuania__pushback"),
        ("days", "days"),
    ],
)
def test_flat_names_round_trip(path: str, name: str) -> None:
    sc = resolve_scenario()
    assert flat_name(path) == name
    assert dotted_path(sc, name) == path and dotted_path(sc, path) == path


def test_unknown_names_suggest_the_closest() -> None:
    with pytest.raises(InputError, match=r"did you mean 'Poland__pushback'"):
        dotted_path(resolve_scenario(), "Poland__pushbak")


def test_shipped_scenarios_are_found_by_name() -> None:
    assert "august_2021" in shipped_scenarios()
    assert resolve_scenario("supply_cut").name == "supply_cut"
