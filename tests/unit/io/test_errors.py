"""Control characters from the user's input are escaped in error messages: one line, always.

Regression: hypothesis once generated ``role: "\\r"`` and the error came out as two lines.
"""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from escalation_sim import cli
from escalation_sim.io.errors import InputError, printable
from tests.support import BASE

CONTROL = ["\r", "\n", "\t", "\x1b", "\x1b[2J", "\x00", "\x85", "\u2028"]
RAW = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
BASE_DATA = yaml.safe_load(BASE.read_text())


def escaped(text: str) -> str:
    """How a control character is written in a message: as in Python source."""
    return "".join(repr(c)[1:-1] if RAW.match(c) else c for c in text)


def validate(tmp_path, capsys, data) -> tuple[int, str]:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    code = cli.main(["validate", str(path)])
    return code, capsys.readouterr().err


def one_clean_line(err: str) -> None:
    assert err.startswith("error: ") and err.endswith("\n")
    assert not RAW.search(err[:-1]), repr(err)
    assert len(err.splitlines()) == 1, repr(err)


def test_printable_escapes_control_characters_only():
    assert printable("a\rb\nc\td\x1b[31me\x7f\x85\u2028") == (
        "a\\rb\\nc\\td\\x1b[31me\\x7f\\x85\\u2028"
    )
    text = "Łódź: ‘quoted’, é, 日本, back\\slash, C:\\path"
    assert printable(text) == text
    assert printable(printable("\r")) == printable("\r")  # escaping twice changes nothing


@pytest.mark.parametrize("char", CONTROL)
def test_input_error_keeps_its_format_on_one_line(char):
    err = InputError(f"bad value {char!s}", f"dir{char}/s.yaml", 7, f"actors[0].ro{char}le")
    e = escaped(char)
    assert str(err) == f"dir{e}/s.yaml:7: actors[0].ro{e}le: bad value {e}"
    assert err.message == f"bad value {char}"  # the raw message is kept for re-raising


@pytest.mark.parametrize("char", CONTROL)
def test_control_character_in_a_value(tmp_path, capsys, char):
    data = copy.deepcopy(BASE_DATA)
    data["actors"][0]["role"] = char
    code, err = validate(tmp_path, capsys, data)
    assert code == 2
    one_clean_line(err)
    assert re.search(r"s\.yaml:\d+: actors\[0\]\.role: unknown role ", err)
    assert f"unknown role '{escaped(char)}'" in err


@pytest.mark.parametrize("char", CONTROL)
def test_control_character_in_a_key(tmp_path, capsys, char):
    data = copy.deepcopy(BASE_DATA)
    data["mechanisms"][f"hostile{char}bias"] = 0.5
    code, err = validate(tmp_path, capsys, data)
    assert code == 2
    one_clean_line(err)
    assert f": mechanisms.hostile{escaped(char)}bias: unknown key" in err


@pytest.mark.parametrize("char", CONTROL)
def test_control_character_in_a_set_override(capsys, char, tmp_path):
    code = cli.main(
        ["run", str(BASE), "--set", f"mechanisms.hostile{char}bias=1", "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 2
    one_clean_line(err)
    assert f"error: --set: mechanisms.hostile{escaped(char)}bias: " in err
    assert not any(tmp_path.iterdir())  # nothing written
