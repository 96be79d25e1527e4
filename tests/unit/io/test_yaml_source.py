"""``extends:``: chains, cycles, merging by name, and where errors point."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from escalation_sim.config.scenario import content_hash
from escalation_sim.io.errors import InputError
from escalation_sim.io.scenario_file import load, resolved_yaml
from escalation_sim.io.yaml_source import load_source

BASE = """\
name: base
start: 2021-08-12
days: 60
actors:
  - name: Minsk
    role: instigator
    reputation: 0.85
  - name: Lithuania
    role: frontline
    posture: 0.35
    pushback: 0.8
  - name: Poland
    role: frontline
    posture: 0.3
    capacity: 8000
  - name: EU
    role: sanctioner
    level: 4
  - name: Moscow
    role: patron
mechanisms:
  hostile_bias: 0.5
  patron_restraint: 0.5
  migration:
    supply: 150
    valve_response: 0.2
events:
  - name: meeting
    type: crisis_meeting
    actor: EU
    date: 2021-08-18
  - name: zapad
    type: exercise
    actor: Moscow
    start: 2021-09-10
    end: 2021-09-16
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, "base.yaml", BASE)


def actor(sc, name):
    return next(a for a in sc.actors if a.name == name)


# ---------------------------------------------------------------- merging
def test_child_changes_only_what_it_sets(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        name: child
        mechanisms:
          hostile_bias: 0.2
          migration:
            supply: 30
        """,
    )
    sc, b = load(child), load(base)
    assert sc.name == "child"
    assert sc.mechanisms.hostile_bias == pytest.approx(0.2)
    assert sc.mechanisms.migration.supply == 30
    # Untouched siblings at every level come from the base.
    assert sc.mechanisms.patron_restraint == b.mechanisms.patron_restraint
    assert sc.mechanisms.migration.valve_response == b.mechanisms.migration.valve_response
    assert sc.actors == b.actors
    assert sc.events == b.events
    assert sc.days == b.days and sc.start == b.start


def test_child_without_changes_equals_base(tmp_path, base):
    child = write(tmp_path, "same.yaml", "extends: base.yaml\n")
    assert content_hash(load(child)) == content_hash(load(base))


def test_extends_resolves_relative_to_the_file_not_the_cwd(tmp_path, base, monkeypatch):
    child = write(tmp_path, "sub/dir/child.yaml", "extends: ../../base.yaml\nname: deep\n")
    monkeypatch.chdir(tmp_path / "sub")
    assert load(child).name == "deep"
    assert load(Path("dir/child.yaml")).name == "deep"


def test_chain_of_three(tmp_path, base):
    write(tmp_path, "mid.yaml", "extends: base.yaml\nname: mid\ndays: 90\n")
    top = write(
        tmp_path,
        "top.yaml",
        """\
        extends: mid.yaml
        name: top
        mechanisms:
          hostile_bias: 0.9
        """,
    )
    sc = load(top)
    assert (sc.name, sc.days) == ("top", 90)
    assert sc.mechanisms.hostile_bias == pytest.approx(0.9)
    assert actor(sc, "Lithuania").posture == pytest.approx(0.35)
    src = load_source(top)
    assert [Path(f).name for f in src.files] == ["base.yaml", "mid.yaml", "top.yaml"]


def test_amend_actor_by_name_keeps_its_other_keys_and_the_order(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            posture: 0.6
        """,
    )
    sc = load(child)
    assert [a.name for a in sc.actors] == ["Minsk", "Lithuania", "Poland", "EU", "Moscow"]
    poland = actor(sc, "Poland")
    assert poland.posture == pytest.approx(0.6)
    assert poland.capacity == 8000  # from the base
    assert actor(sc, "Lithuania") == actor(load(base), "Lithuania")


def test_new_named_item_is_appended(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Latvia
            role: frontline
            posture: 0.3
        events:
          - name: cut
            type: supply_cut
            start: 2021-08-13
        """,
    )
    sc = load(child)
    assert [a.name for a in sc.actors][-1] == "Latvia"
    assert [e.name for e in sc.events] == ["meeting", "zapad", "cut"]


def test_remove_by_name(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            remove: true
        events:
          - {name: zapad, remove: true}
        """,
    )
    sc = load(child)
    assert [a.name for a in sc.actors] == ["Minsk", "Lithuania", "EU", "Moscow"]
    assert [e.name for e in sc.events] == ["meeting"]


def test_replace_by_name_drops_the_base_keys(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            replace: true
            role: frontline
            pushback: 0.1
        """,
    )
    sc = load(child)
    poland = actor(sc, "Poland")
    assert poland.pushback == pytest.approx(0.1)
    assert poland.capacity == 4000  # the field default, not the base's 8000
    assert [a.name for a in sc.actors] == ["Minsk", "Lithuania", "Poland", "EU", "Moscow"]


def test_replace_can_change_an_items_type(tmp_path, base):
    # Amending would merge 'start'/'end' of the exercise into a crisis meeting.
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        events:
          - name: zapad
            replace: true
            type: sanctions_round
            actor: EU
            date: 2021-09-01
        """,
    )
    sc = load(child)
    assert [e.type for e in sc.events] == ["crisis_meeting", "sanctions_round"]


def test_empty_list_clears_the_base_list(tmp_path, base):
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nevents: []\n")
    assert load(child).events == []


def test_merge_does_not_mutate_the_base(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - {name: Poland, posture: 0.9}
          - {name: Lithuania, remove: true}
        mechanisms: {migration: {supply: 1}}
        """,
    )
    before = content_hash(load(base))
    load(child)
    load(child)
    assert content_hash(load(base)) == before


def test_set_overrides_apply_after_extends(tmp_path, base):
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nmechanisms: {hostile_bias: 0.2}\n")
    sc = load(child, ["mechanisms.hostile_bias=0.7", "actors.Poland.posture=0.5"])
    assert sc.mechanisms.hostile_bias == pytest.approx(0.7)
    assert actor(sc, "Poland").posture == pytest.approx(0.5)


def test_resolved_yaml_round_trips(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        name: child
        actors:
          - {name: Poland, remove: true}
        mechanisms: {benefit_of_doubt: 1.0}
        """,
    )
    sc = load(child)
    text = resolved_yaml(sc)
    assert "extends" not in text and "remove" not in text
    again = write(tmp_path, "resolved.yaml", text)
    assert content_hash(load(again)) == content_hash(sc)


# ---------------------------------------------------------------- errors: where they point
def expect_error(path: Path, *, file: Path, line: int | None, key: str | None = None):
    with pytest.raises(InputError) as info:
        load(path)
    err = info.value
    assert Path(str(err.file)).name == file.name, str(err)
    assert err.line == line, str(err)
    if key is not None:
        assert err.path == key, str(err)
    return err


def test_bad_value_set_in_the_child_points_at_the_child(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            posture: 7
        """,
    )
    expect_error(child, file=child, line=4, key="actors[2].posture")


def test_bad_value_inherited_from_the_base_points_at_the_base(tmp_path):
    bad = BASE.replace("capacity: 8000", "capacity: -5")
    base = write(tmp_path, "base.yaml", bad)
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            posture: 0.4
        """,
    )
    expect_error(child, file=base, line=line_of(base, "capacity: -5"), key="actors[2].capacity")


def test_error_in_base_item_after_a_removal_points_at_the_right_base_line(tmp_path):
    bad = BASE.replace("level: 4", "level: many")
    base = write(tmp_path, "base.yaml", bad)
    child = write(
        tmp_path, "child.yaml", "extends: base.yaml\nactors:\n  - {name: Poland, remove: true}\n"
    )
    # EU is index 3 in the base and index 2 after the removal.
    expect_error(child, file=base, line=line_of(base, "level: many"), key="actors[2].level")


def test_error_in_an_unnamed_base_event_points_at_the_base(tmp_path):
    bad = BASE.replace("  - name: meeting\n", "  -\n").replace("2021-08-18", "2030-01-01")
    base = write(tmp_path, "base.yaml", bad)
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        events:
          - {name: extra, type: supply_cut, start: 2021-08-20}
        """,
    )
    expect_error(child, file=base, line=line_of(base, "2030-01-01"), key="events[0].date")


def test_error_in_an_appended_unnamed_child_event_points_at_the_child(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        events:
          - type: supply_cut
            start: 2021-08-20
            factor: 3
        """,
    )
    expect_error(child, file=child, line=5, key="events[2].factor")


def test_unknown_key_in_a_child_amendment_points_at_the_child(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            postur: 0.4
        """,
    )
    err = expect_error(child, file=child, line=4, key="actors[2].postur")
    assert "did you mean 'posture'" in str(err)


def test_error_in_the_grandparent_points_at_the_grandparent(tmp_path):
    base = write(tmp_path, "base.yaml", BASE.replace("hostile_bias: 0.5", "hostile_bias: 2"))
    write(tmp_path, "mid.yaml", "extends: base.yaml\nname: mid\n")
    top = write(tmp_path, "top.yaml", "extends: mid.yaml\nname: top\n")
    expect_error(top, file=base, line=line_of(base, "hostile_bias: 2"))


def test_error_in_the_middle_file_points_at_the_middle_file(tmp_path, base):
    mid = write(tmp_path, "mid.yaml", "extends: base.yaml\nname: mid\ndays: 0\n")
    top = write(tmp_path, "top.yaml", "extends: mid.yaml\nname: top\n")
    expect_error(top, file=mid, line=3, key="days")


def test_yaml_syntax_error_in_the_base_names_the_base(tmp_path):
    base = write(tmp_path, "base.yaml", BASE + "oops: [unclosed\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\n")
    with pytest.raises(InputError) as info:
        load(child)
    assert Path(str(info.value.file)).name == "base.yaml"
    assert "not valid YAML" in str(info.value)
    assert base.exists()


def test_unknown_base_file_points_at_the_extends_line(tmp_path):
    child = write(tmp_path, "child.yaml", "name: child\nextends: nowhere.yaml\n")
    err = expect_error(child, file=child, line=2, key="extends")
    assert "nowhere.yaml" in str(err) and "not found" in str(err)


def test_extends_must_be_a_file_name(tmp_path, base):
    child = write(tmp_path, "child.yaml", "extends: [base.yaml]\n")
    expect_error(child, file=child, line=1, key="extends")


def test_cycle_of_two_is_reported_at_the_extends_line(tmp_path):
    a = write(tmp_path, "a.yaml", "name: a\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(InputError) as info:
        load(a)
    msg = str(info.value)
    assert "cycle" in msg and "a.yaml" in msg and "b.yaml" in msg
    assert Path(str(info.value.file)).name == "b.yaml" and info.value.line == 1


def test_file_extending_itself_is_a_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", "name: a\nextends: a.yaml\n")
    err = expect_error(a, file=a, line=2, key="extends")
    assert "cycle" in str(err)


def test_cycle_through_a_different_spelling_of_the_path(tmp_path):
    a = write(tmp_path, "a.yaml", "extends: sub/../b.yaml\n")
    write(tmp_path, "b.yaml", "extends: ./a.yaml\n")
    with pytest.raises(InputError, match="cycle"):
        load(a)


def test_diamond_is_not_a_cycle(tmp_path, base):
    # Two files may extend the same base; only a file that reaches itself is a cycle.
    write(tmp_path, "left.yaml", "extends: base.yaml\nname: left\n")
    top = write(tmp_path, "top.yaml", "extends: left.yaml\nname: top\n")
    other = write(tmp_path, "other.yaml", "extends: base.yaml\nname: other\n")
    assert load(top).name == "top" and load(other).name == "other"


def test_removing_an_unknown_item_is_an_error_at_the_child_line(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Minsk
            reputation: 0.5
          - name: Belarus
            remove: true
        """,
    )
    err = expect_error(child, file=child, line=5)
    assert "Belarus" in str(err) and "Minsk" in str(err)  # lists what could be removed


def test_remove_with_other_keys_is_an_error(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - name: Poland
            remove: true
            posture: 0.9
        """,
    )
    err = expect_error(child, file=child, line=3)
    assert "remove" in str(err)


@pytest.mark.parametrize("value", ["false", "yes please", "1"])
def test_remove_must_be_true(tmp_path, base, value):
    text = f"extends: base.yaml\nactors:\n  - name: Poland\n    remove: {value}\n"
    child = write(tmp_path, "child.yaml", text)
    err = expect_error(child, file=child, line=4)
    assert "remove" in str(err)


def test_replacing_an_unknown_item_is_an_error(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        "extends: base.yaml\nactors:\n  - {name: Belarus, replace: true, role: patron}\n",
    )
    err = expect_error(child, file=child, line=3)
    assert "Belarus" in str(err)


def test_remove_without_a_name_is_an_error(tmp_path, base):
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nevents:\n  - remove: true\n")
    err = expect_error(child, file=child, line=3)
    assert "name" in str(err)


def test_a_name_twice_in_the_child_is_an_error(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        actors:
          - {name: Poland, remove: true}
          - {name: Poland, posture: 0.4}
        """,
    )
    err = expect_error(child, file=child, line=4)
    assert "Poland" in str(err)


def test_markers_in_a_list_the_base_does_not_have(tmp_path):
    base = write(tmp_path, "base.yaml", BASE.split("events:")[0])
    child = write(
        tmp_path, "child.yaml", "extends: base.yaml\nevents:\n  - {name: zapad, remove: true}\n"
    )
    err = expect_error(child, file=child, line=3)
    assert "zapad" in str(err)
    assert base.exists()


def test_duplicate_key_in_a_file_is_an_error(tmp_path, base):
    child = write(
        tmp_path,
        "child.yaml",
        """\
        extends: base.yaml
        mechanisms:
          hostile_bias: 0.1
        mechanisms:
          patron_restraint: 0.0
        """,
    )
    err = expect_error(child, file=child, line=4)
    assert "mechanisms" in str(err) and "twice" in str(err)
