"""The README's Python examples run as written (with the package names they show)."""

from __future__ import annotations

import re

from tests.support import ROOT


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_readme_python_example_runs(monkeypatch):
    (block,) = python_blocks((ROOT / "README.md").read_text())
    monkeypatch.chdir(ROOT)  # the example uses paths relative to the repository
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert len(namespace["result"].runs) == 5000
    res = namespace["res"]
    assert len(res.runs) == 2000 and len(res.daily_by_group) == 2
