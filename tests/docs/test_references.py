"""Names the docs and docstrings point at exist: a move or rename cannot leave them stale."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.support import ROOT

PACKAGE = ROOT / "src" / "escalation_sim"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "scenarios" / "README.md"]
DOTTED = re.compile(r"escalation_sim(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
IMPORT = re.compile(r"^\s*from (escalation_sim[\w.]*) import ([\w, ]+)$", re.M)
SOURCE_PATH = re.compile(r"src/escalation_sim/[\w/]+\.py")


def resolves(dotted: str) -> bool:
    """True if a dotted name is a module, or an attribute reachable from one."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for name in parts[k:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def references(text: str) -> set[str]:
    found = set(DOTTED.findall(text))
    for module, names in IMPORT.findall(text):
        found |= {f"{module}.{n.strip()}" for n in names.split(",") if n.strip()}
    return found


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_names_in_docs_exist(path):
    text = path.read_text()
    assert sorted(r for r in references(text) if not resolves(r)) == []
    assert sorted(p for p in SOURCE_PATH.findall(text) if not (ROOT / p).exists()) == []


def test_names_in_docstrings_and_comments_exist():
    stale = []
    for path in PACKAGE.rglob("*.py"):
        for line in path.read_text().splitlines():
            if re.match(r"\s*(from|import) ", line):
                continue  # real imports: the interpreter checks them
            stale += [f"{path.name}: {r}" for r in DOTTED.findall(line) if not resolves(r)]
    assert stale == []
