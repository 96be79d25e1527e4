"""Every file in scenarios/: validates, runs briefly, is documented, and says only what changes."""

from __future__ import annotations

import re

import pytest
import yaml

from escalation_sim import cli
from escalation_sim.io.scenario_file import load
from escalation_sim.io.yaml_source import load_source
from tests.support import BASE, ROOT

FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
COUNTERFACTUALS = [f for f in FILES if f != BASE]


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_library_is_complete():
    names = {f.stem for f in FILES}
    assert names >= {
        "august_2021",
        "benefit_of_doubt",
        "no_patron_restraint",
        "sanctions_relief",
        "forgiving_neighbours",
        "no_exercise",
        "supply_cut",
        "pragmatic_partner",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_validates_and_runs_briefly(path, tmp_path, capsys):
    code, out, err = run(["validate", path], capsys)
    assert code == 0, err
    assert out.startswith(f"ok: {path}")
    code, out, err = run(
        [
            "run",
            path,
            "-n",
            50,
            "--seed",
            3,
            "--set",
            "days=40",  # still covers the crisis meeting and Zapad-2021 (10-16 Sep)
            "--keep-traces",
            2,
            "--out",
            tmp_path / path.stem,
            "--quiet",
        ],
        capsys,
    )
    assert code == 0, err
    assert "50 replications" in out and "P(armed incident)" in out


@pytest.mark.parametrize("path", COUNTERFACTUALS, ids=lambda p: p.stem)
def test_counterfactual_extends_the_base_and_names_itself(path):
    assert [p.rsplit("/", 1)[-1] for p in load_source(path).files] == [BASE.name, path.name]
    assert load(path).name == path.stem


def _leaves(value, key=()):
    """(key path, value) of every scalar; named list items keyed by their name."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*key, k))
    elif isinstance(value, list) and all(isinstance(i, dict) and "name" in i for i in value):
        for item in value:
            yield from _leaves({k: v for k, v in item.items() if k != "name"}, (*key, item["name"]))
    else:
        yield key, value


@pytest.mark.parametrize("path", COUNTERFACTUALS, ids=lambda p: p.stem)
def test_counterfactual_states_only_what_changes(path):
    child = yaml.safe_load(path.read_text())
    base = load(BASE).model_dump(mode="json")
    base["actors"] = {a["name"]: a for a in base["actors"]}
    base["events"] = {e.get("name"): e for e in base["events"]}
    for key, value in _leaves(child):
        if key[0] in ("extends", "name", "description") or key[-1] == "remove":
            continue
        current = base
        for part in key:
            current = current.get(part) if isinstance(current, dict) else None
        assert current != value, f"{path.name}: {'.'.join(map(str, key))} repeats the base"


NUMBER = re.compile(r"^\s*-?\s*[\w/]+:\s*-?[\d.]+(e-?\d+)?\s*(#|$)")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_number_says_where_it_comes_from(path):
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if NUMBER.match(line):
            assert "#" in line, f"{path.name}:{n}: a number without a source comment: {line}"


@pytest.mark.parametrize("command", ["validate --show", "describe"])
def test_validate_and_describe_show_the_resolved_scenario(command, capsys):
    path = ROOT / "scenarios" / "benefit_of_doubt.yaml"
    code, out, err = run([*command.split(), path], capsys)
    assert code == 0, err
    assert "# resolved scenario: august_2021.yaml <- benefit_of_doubt.yaml" in out
    resolved = yaml.safe_load(out.split("# resolved scenario:", 1)[1].split("\n", 1)[1])
    assert resolved["name"] == "benefit_of_doubt"
    assert resolved["mechanisms"]["benefit_of_doubt"] == 1.0
    assert resolved["mechanisms"]["hostile_bias"] == 0.5  # from the base
    assert [a["name"] for a in resolved["actors"]][:2] == ["Minsk", "Lithuania"]
    assert "extends" not in resolved
    assert load(path).model_dump(mode="json")["mechanisms"] == resolved["mechanisms"]


def test_validate_names_the_base(capsys):
    code, out, _ = run(["validate", ROOT / "scenarios" / "no_exercise.yaml"], capsys)
    assert code == 0
    assert "1 event," in out and "extends august_2021.yaml" in out


def test_readme_documents_every_scenario():
    readme = (ROOT / "scenarios" / "README.md").read_text()
    for path in FILES:
        assert f"`{path.name}`" in readme, f"scenarios/README.md does not list {path.name}"
    assert "scripts/make_scenarios_readme.py" in readme
