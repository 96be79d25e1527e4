"""docs/ODD.md stays in step with the code: parameter table and mechanism parameters."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import textwrap
from pathlib import Path
from types import ModuleType

from escalation_sim.config.scenario import parameter_fields
from escalation_sim.io.scenario_file import load

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "ODD.md"
SCRIPT = ROOT / "scripts" / "update_odd_table.py"
DEFAULT_SCENARIO = ROOT / "scenarios" / "august_2021.yaml"
FIX = "run `python scripts/update_odd_table.py`"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_odd_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parameter_table_matches_the_code():
    tool = _tool()
    text = ODD.read_text(encoding="utf-8")
    assert tool.current_table(text) == tool.generated_table(), (
        f"the parameter table in docs/ODD.md differs from the code: {FIX}"
    )


def test_every_mechanism_parameter_is_documented():
    """Each mechanism parameter of the default scenario is named in the ODD's text.

    The generated table lists them all anyway, so the check looks at the text
    outside the table: a new mechanism parameter needs a sentence in section 7.
    """
    tool = _tool()
    head, _table, tail = tool.split(ODD.read_text(encoding="utf-8"))
    prose = head + tail
    paths = [p for p in parameter_fields(load(DEFAULT_SCENARIO)) if p.startswith("mechanisms.")]
    assert paths, "no mechanism parameters found"
    missing = [p for p in paths if not re.search(rf"(?<![\w.]){re.escape(p)}(?![\w])", prose)]
    assert not missing, (
        "mechanism parameters not described in docs/ODD.md outside the parameter table "
        f"(name them in their submodel in section 7): {', '.join(missing)}"
    )


def test_step_calls_the_process_overview_in_order():
    """``EscalationModel.step`` calls one method per step of ODD section 3, named after it."""
    from escalation_sim.engine.model import EscalationModel

    text = ODD.read_text(encoding="utf-8")
    section = text.split("## 3 Process overview and scheduling", 1)[1].split("\n## 4", 1)[0]
    steps = re.findall(r"^\d+\. \*\*(.+?)\*\*", section, flags=re.MULTILINE)
    expected = ["_" + re.sub(r"\W+", "_", name.lower()).strip("_") for name in steps]
    tree = ast.parse(textwrap.dedent(inspect.getsource(EscalationModel.step)))
    calls = sorted(
        (node.lineno, node.col_offset, node.func.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    )
    phases = [name for *_, name in calls if name != "_draw"]
    assert len(expected) == 9, steps
    assert phases == expected, "EscalationModel.step and docs/ODD.md section 3 differ"
