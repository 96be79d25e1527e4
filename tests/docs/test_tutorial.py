"""docs/tutorial.ipynb runs from top to bottom in a fresh kernel, with no error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ema_workbench")


def this_python_kernel(folder: Path) -> str:
    """A kernel spec running this interpreter (the venv), ahead of any installed one."""
    spec = folder / "kernels" / "escalation_sim_test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "escalation_sim", "language": "python"})
    )
    return spec.name


def test_tutorial_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    kernel = this_python_kernel(tmp_path / "jupyter")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    nb = nbformat.read(ROOT / "docs" / "tutorial.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # stored clean
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name=kernel, resources={"metadata": {"path": str(ROOT / "docs")}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "P(armed incident)" in text and "box 1: coverage" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the risk curve, the PRIM box, the Mesa chart
