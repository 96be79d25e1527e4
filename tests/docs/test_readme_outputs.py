"""The command output README.md quotes is what the commands print now.

The blocks are written by scripts/make_readme_outputs.py; this test reruns the same
commands in-process and compares the text exactly (same seed, same machine: same bytes).
"""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

import pytest

from tests.support import ROOT

README = ROOT / "README.md"
SCRIPT = ROOT / "scripts" / "make_readme_outputs.py"
FIX = "rerun `python scripts/make_readme_outputs.py` and commit README.md"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_readme_outputs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()


def test_readme_output_blocks_are_what_the_commands_print():
    found = tool.blocks(README.read_text(encoding="utf-8"))
    assert [b.name for b in found] == ["make run", "run", "compare"]
    with tool.scratch_folder():
        for block in found:
            printed = tool.output_of(block.argv)
            assert printed == block.shown, f"README.md: output of {block.name!r} is stale: {FIX}"


def test_no_command_output_is_quoted_outside_the_markers():
    text = tool.BLOCK.sub("", README.read_text(encoding="utf-8"))
    fenced = re.findall(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M)
    assert len(fenced) > 5  # the pattern finds the README's code blocks
    with_numbers = [body for lang, body in fenced if not lang and re.search(r"\d\.\d", body)]
    assert not with_numbers, f"output with numbers outside <!-- begin output --> markers: {FIX}"


# ---------------------------------------------------------------------- the script itself
def test_commands_come_from_the_makefile_and_the_sh_block_above(tmp_path):
    makefile = tmp_path / "Makefile"
    makefile.write_text("run: $(STAMP)  ## doc\n\t$(BIN)/escalation-sim run a.yaml --seed 3\n")
    assert tool.make_target("run", makefile) == ("escalation-sim", "run", "a.yaml", "--seed", "3")
    text = (
        "```sh\nescalation-sim run a.yaml\nescalation-sim compare a.yaml \\\n"
        "    b.yaml -n 5   # -> figures\n```\n\n"
    )
    at = len(text)
    assert tool.command_above(text, at, "compare") == (
        "escalation-sim",
        "compare",
        "a.yaml",
        "b.yaml",
        "-n",
        "5",
    )
    with pytest.raises(ValueError, match="just above"):
        tool.command_above(text + "some prose\n\n", at + len("some prose\n\n"), "compare")
    with pytest.raises(ValueError, match="found 0"):
        tool.command_above(text, at, "plot")


def test_check_fails_on_a_stale_block_and_passes_once_rewritten(tmp_path, monkeypatch, capsys):
    """The --check plumbing, with a stand-in for the commands (the real ones run above)."""
    readme = tmp_path / "README.md"
    readme.write_text(
        "```sh\nescalation-sim compare a.yaml b.yaml\n```\n\n"
        "<!-- begin output: compare -->\n```\nold 0.301\n```\n<!-- end output -->\n"
    )
    monkeypatch.setattr(tool, "output_of", lambda argv: f"{' '.join(argv)}: 0.336\n")
    assert tool.main(["--readme", str(readme), "--check"]) == 1
    assert "-old 0.301" in capsys.readouterr().err
    assert tool.main(["--readme", str(readme)]) == 0
    assert "```\nescalation-sim compare a.yaml b.yaml: 0.336\n```" in readme.read_text()
    assert tool.main(["--readme", str(readme), "--check"]) == 0


def test_lines_with_a_wall_time_are_left_out():
    assert tool.TIMED.search("  results in results/august_2021/ (1.9 s)")
    assert not tool.TIMED.search("  results in results/readme/compare/")
    assert not tool.TIMED.search("  P(armed incident)                 0.336   95% CI 0.307")
