"""LICENSE and CITATION.cff say what pyproject.toml says (license, name, version)."""

from __future__ import annotations

import tomllib

import yaml

from escalation_sim import __version__
from tests.support import ROOT


def test_license_is_the_mit_license_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_citation_file_is_valid_cff_with_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["version"] == project["version"] == __version__
    assert cff["license"] == project["license"]
    assert cff["title"].startswith("escalation_sim") and cff["authors"]
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
