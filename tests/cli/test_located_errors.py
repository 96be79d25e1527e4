"""Issue 15.11: bad input is exit 2 with one located line, never exit 1 "internal error"."""

from __future__ import annotations

import pytest

from escalation_sim import cli
from tests.support import BASE, ROOT

RUN = ROOT / "tests" / "fixtures" / "results" / "run"


def child(tmp_path, text: str, name: str = "child.yaml"):
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\nname: child\n{text}")
    return path


def corrupt(tmp_path, text: str, runs: bool = False):
    folder = tmp_path / "corrupt"
    folder.mkdir()
    (folder / "manifest.json").write_text(text)
    if runs:
        (folder / "runs.parquet").write_bytes((RUN / "runs.parquet").read_bytes())
    return folder


def loop(tmp_path):
    (tmp_path / "l1.yaml").symlink_to(tmp_path / "l2.yaml")
    (tmp_path / "l2.yaml").symlink_to(tmp_path / "l1.yaml")
    path = tmp_path / "top.yaml"
    path.write_text("extends: l1.yaml\nname: x\n")
    return path


CASES = {
    "impossible date in a file": (
        lambda t: ["validate", child(t, "start: 2021-02-30\n")],
        ":3: not valid YAML: not a valid date: '2021-02-30'",
    ),
    "year 9999 in a file": (
        lambda t: ["validate", child(t, "start: 9999-12-01\n")],
        ":3: start: input should be less than or equal to 2200-12-31",
    ),
    "impossible date via --set": (
        lambda t: ["run", BASE, "-n", 5, "--set", "start=2021-02-30", "--out", t / "o"],
        "start: input should be a valid date",
    ),
    "year 9999 via --set": (
        lambda t: ["run", BASE, "-n", 5, "--set", "start=9999-12-01", "--out", t / "o"],
        "start: input should be less than or equal to 2200-12-31",
    ),
    "recursive YAML": (lambda t: ["validate", child(t, "x: &a [1, *a]\n")], "recursive"),
    "deep YAML": (
        lambda t: ["validate", child(t, "x: " + "[" * 3000 + "]" * 3000 + "\n")],
        ":3: nested more than",
    ),
    "extends symlink loop": (
        lambda t: ["validate", loop(t)],
        ":1: extends: cannot follow",
    ),
    "--set past a field": (
        lambda t: ["run", BASE, "-n", 5, "--set", "days.b.c=1", "--out", t / "o"],
        "days.b.c: days is a single value (180); the key path cannot go past it",
    ),
    "--set past a parameter": (
        lambda t: ["run", BASE, "--set", "mechanisms.hostile_bias.x=1", "--out", t / "o"],
        "mechanisms.hostile_bias is a single value",
    ),
    "events -r 2**70": (
        lambda t: ["events", BASE, "-r", 2**70],
        "--replication must be 0 or more and less than",
    ),
    "plot --dpi 100000": (
        lambda t: ["plot", RUN, "--dpi", 100000, "--out", t / "figs"],
        "--dpi must be between 20 and 1200",
    ),
    "report --out a folder": (lambda t: ["report", RUN, "--out", t], "is a folder"),
    "status on a corrupt manifest": (
        lambda t: ["status", corrupt(t, "{bad")],
        "manifest.json is damaged (not JSON",
    ),
    "plot on a corrupt manifest": (
        lambda t: ["plot", corrupt(t, "[1, 2]"), "--out", t / "figs"],
        "manifest.json is damaged (not a JSON object)",
    ),
    "plot on a manifest without its scenario": (
        lambda t: ["plot", corrupt(t, '{"kind": "run"}', runs=True), "--out", t / "figs"],
        "manifest.json lacks the resolved scenario ('config')",
    ),
    "--scheduler garbage": (
        lambda t: ["sweep", ROOT / "experiments" / "smoke.yaml", "--scheduler", "garbage"],
        "--scheduler: expected an address like tcp://HOST:PORT, got 'garbage'",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_located_line_and_exit_2(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make, expected = CASES[case]
    argv = [str(a) for a in make(tmp_path)]
    before = sorted(tmp_path.rglob("*"))
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1 and expected in err
    assert "internal error" not in err and "Traceback" not in err
    assert sorted(tmp_path.rglob("*")) == before  # nothing written
