"""Issue 15.4: no input file (or --set value) can make the loader use more than a few MB.

Alias bombs, deep nesting, recursive aliases and huge documents are refused while
the document is composed, with the file and the line where the limit was crossed.
"""

from __future__ import annotations

import tracemalloc

import pytest

from escalation_sim.io.errors import InputError
from escalation_sim.io.overrides import parse_assignment
from escalation_sim.io.scenario_file import load
from escalation_sim.io.yaml_source import MAX_BYTES, MAX_DEPTH, MAX_NODES, parse_yaml


def alias_bomb(levels: int, width: int = 9) -> str:
    """A few hundred bytes that expand to ``width ** levels`` values."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            fn()
        return tracemalloc.get_traced_memory()[1] / 1e6, info.value
    finally:
        tracemalloc.stop()


def test_an_alias_bomb_is_refused_at_its_line_with_little_memory(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(6))  # 9**6 = 531,441 values once expanded, in 330 bytes
    peak, err = peak_mb(lambda: parse_yaml(path))
    assert f"expands to more than {MAX_NODES:,} values" in err.message
    assert err.file == str(path) and err.line == 6
    assert peak < 50


def test_anchors_used_within_the_limit_still_work(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1, y: [1, 2]}\nother: *b\nthird: [*b, *b]\n")
    data = parse_yaml(path).data
    assert data["other"] == {"x": 1, "y": [1, 2]} and data["third"] == [data["base"]] * 2


def test_deep_nesting_is_refused_at_its_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nactors:\n" + "  " + "[" * 5000 + "]" * 5000 + "\n")
    peak, err = peak_mb(lambda: parse_yaml(path))
    assert f"nested more than {MAX_DEPTH} levels deep" in err.message and err.line == 3
    assert peak < 50


def test_a_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "rec.yaml"
    path.write_text("name: x\nloop: &a [1, *a]\n")
    with pytest.raises(InputError, match="recursive") as info:
        parse_yaml(path)
    assert info.value.line == 2


def test_a_huge_document_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("name: x\nbig: [" + "1, " * (MAX_BYTES // 3) + "1]\n")
    peak, err = peak_mb(lambda: load(path))
    assert "larger than 4 MB" in err.message and err.file == str(path)
    assert peak < 3 * MAX_BYTES / 1e6


def test_a_set_value_has_the_same_limits():
    bomb = "[" + ", ".join(["&a0 [x, x, x, x, x, x, x, x]"] + ["*a0"] * 3) + "]"
    assert parse_assignment(f"days={bomb}")[1][1] == ["x"] * 8
    deep = "[" * 200 + "]" * 200
    with pytest.raises(InputError, match="nested more than"):
        parse_assignment(f"days={deep}")
    nested = "&a0 [" + ", ".join(["x"] * 9) + "]"
    for i in range(1, 7):
        nested = f"&a{i} [{nested}, " + ", ".join([f"*a{i - 1}"] * 8) + "]"
    with pytest.raises(InputError, match="expands to more than") as info:
        parse_assignment(f"days={nested}")
    assert info.value.path == "days"
