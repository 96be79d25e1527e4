"""The loader: every bad input becomes one clear InputError with file, line and key path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from escalation_sim.config.scenario import content_hash
from escalation_sim.io.errors import InputError
from escalation_sim.io.scenario_file import load
from tests.support import BASE, ROOT


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def base_text() -> str:
    return BASE.read_text()


def error_of(path: Path, overrides: list[str] | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        load(path, overrides)
    return info.value


def test_default_scenario_loads(base):
    assert base.name == "august_2021"
    assert [a.name for a in base.actors_of("frontline")] == ["Lithuania", "Poland", "Latvia"]
    assert base.days == 180
    assert content_hash(base) == content_hash(load(BASE))


def test_unknown_key_with_did_you_mean_and_line(tmp_path):
    text = base_text().replace("  hostile_bias: 0.5", "  hostile_bais: 0.5")
    err = error_of(write(tmp_path, text))
    assert err.path == "mechanisms.hostile_bais"
    assert "unknown key" in err.message and "did you mean 'hostile_bias'" in err.message
    assert (
        err.line
        == text.splitlines().index(next(x for x in text.splitlines() if "hostile_bais" in x)) + 1
    )
    assert str(err).startswith(f"{tmp_path / 's.yaml'}:{err.line}: mechanisms.hostile_bais:")


def test_wrong_type_names_the_actor_field(tmp_path):
    text = base_text().replace("    reputation: 0.85 ", "    reputation: high ")
    err = error_of(write(tmp_path, text))
    assert err.path == "actors[0].reputation"
    assert "valid number" in err.message and "'high'" in err.message
    assert err.line == 17


def test_value_out_of_range(tmp_path):
    text = base_text().replace("  retaliation: 0.8 ", "  retaliation: 1.8 ")
    err = error_of(write(tmp_path, text))
    assert err.path == "mechanisms.retaliation"
    assert "less than or equal to 1" in err.message


def test_unknown_actor_in_event(tmp_path):
    text = base_text().replace("    actor: EU\n", "    actor: EC\n")
    err = error_of(write(tmp_path, text))
    assert err.path == "events[0].actor"
    assert "unknown actor 'EC'" in err.message and "EU" in err.message
    assert err.line is not None


def test_event_outside_the_horizon(tmp_path):
    text = base_text().replace("date: 2021-08-18", "date: 2022-08-18")
    err = error_of(write(tmp_path, text))
    assert err.path == "events[0].date"
    assert "outside the horizon" in err.message


def test_malformed_yaml_gives_the_line(tmp_path):
    err = error_of(write(tmp_path, "name: x\nactors: [\n  - a: 1\n"))
    assert "not valid YAML" in err.message and err.line is not None


def test_missing_file_and_non_mapping(tmp_path):
    assert "file not found" in error_of(tmp_path / "nope.yaml").message
    assert "mapping" in error_of(write(tmp_path, "- 1\n- 2\n")).message


def test_roles_are_checked(tmp_path):
    err = error_of(write(tmp_path, "name: x\nactors:\n  - {name: A, role: frontline}\n"))
    assert err.path == "actors" and "exactly one actor must have role 'instigator'" in err.message
    text = "name: x\nactors:\n  - {name: A, role: frontline}\n  - {name: A, role: instigator}\n"
    err = error_of(write(tmp_path, text))
    assert err.path == "actors[1].name" and err.line == 4 and "repeated" in err.message


def test_set_overrides_and_their_errors():
    sc = load(
        BASE,
        [
            "mechanisms.hostile_bias=0.8",
            "days=120",
            "actors.Minsk.reputation=0.4",
            "mechanisms.migration.supply=10",
            "mechanisms.sanctions_ratchet=false",
        ],
    )
    assert sc.mechanisms.hostile_bias == 0.8 and sc.days == 120
    assert sc.actors_of("instigator")[0].reputation == 0.4
    assert sc.mechanisms.migration.supply == 10 and sc.mechanisms.sanctions_ratchet is False
    err = error_of(BASE, ["mechanisms.hostile_bais=0.8"])
    assert err.file == "--set" and "did you mean 'mechanisms.hostile_bias'" in err.message
    err = error_of(BASE, ["mechanisms.hostile_bias=lots"])
    assert err.file == "--set" and err.path == "mechanisms.hostile_bias"
    err = error_of(BASE, ["actors.Minks.reputation=0.4"])
    assert "did you mean 'Minsk'" in err.message
    err = error_of(BASE, ["days=0"])
    assert err.path == "days" and "greater than or equal to 1" in err.message
    assert "PATH=VALUE" in error_of(BASE, ["days"]).message


@pytest.mark.parametrize(
    ("assignment", "suggested"),
    [
        ("hostile_bias=0.8", "'mechanisms.hostile_bias'"),  # the full path, not a key
        ("hostle_bias=0.8", "'mechanisms.hostile_bias'"),
        ("supply=10", "'mechanisms.migration.supply'"),
        ("mechanisms.migraton.supply=1", "'mechanisms.migration'"),
        ("actors.Lithuania.postre=0.3", "'actors.Lithuania.posture'"),
    ],
)
def test_set_suggests_full_paths(assignment: str, suggested: str) -> None:
    err = error_of(BASE, [assignment])
    assert f"did you mean {suggested}" in err.message


def test_a_misspelt_role_gets_a_did_you_mean(tmp_path):
    text = base_text().replace("role: frontline", "role: frontlne", 1)
    err = error_of(write(tmp_path, text))
    assert err.path.endswith(".role")
    assert "unknown role 'frontlne' (did you mean 'frontline'?)" in err.message


def test_an_experiment_file_is_recognised() -> None:
    err = error_of(ROOT / "experiments" / "smoke.yaml")
    assert "this is an experiment file, not a scenario" in err.message
    assert "escalation-sim sweep" in err.message


def test_a_key_whose_value_is_a_mapping_is_reported_on_its_own_line(tmp_path):
    text = base_text().replace("  migration:\n", "  migratoin:\n")
    err = error_of(write(tmp_path, text))
    assert err.path == "mechanisms.migratoin" and "did you mean 'migration'" in err.message
    assert text.splitlines()[err.line - 1].strip() == "migratoin:"


def test_unreadable_characters_give_one_line(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"a\x00b")
    err = error_of(path)
    assert "U+0000" in err.message and "\n" not in str(err)
