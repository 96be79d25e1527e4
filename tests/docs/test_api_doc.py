"""docs/api.md's Python examples run as written, in order, as one script."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT


def test_api_doc_examples_run(monkeypatch, capsys):
    pytest.importorskip("ema_workbench")
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.S)
    assert len(blocks) >= 6
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile("\n".join(blocks), "docs/api.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "Outcomes('august_2021', 300 replications, seed 0" in printed
    assert "unknown parameter (did you mean 'hostile_bias'?)" in printed
    assert "90 False" in printed
    assert namespace["calm"].p_armed_incident <= namespace["tense"].p_armed_incident
