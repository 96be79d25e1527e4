"""The package's layers import one way, and module names the code relies on exist.

Layers, lowest first: config (typed values) -> io (the only YAML reader) ->
engine (the model) -> store (the results folder) -> analysis (numbers from
results) -> run (scenarios, comparisons, sweeps) -> present (figures, tables,
report) -> view (the live browser view) -> cli. A module may import from its own
layer and the ones below.
On top, beside cli, the Python API's modules (``api``, ``ema``): they may import any
layer, and no layer imports them.
"""

from __future__ import annotations

import ast
import importlib

from tests.support import ROOT

PACKAGE = ROOT / "src" / "escalation_sim"
LAYERS = ("config", "io", "engine", "store", "analysis", "run", "present", "view", "cli")
TOP = ("api.py", "ema.py")  # top-level modules beside cli


def imports_of(path) -> set[str]:
    """Every escalation_sim module a file imports, including under TYPE_CHECKING."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("escalation_sim"):
                out.add(node.module)  # and `from package import module` names a module:
                out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("escalation_sim")}
    return out


def test_every_module_lives_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert sorted(loose) == sorted(TOP)
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == (
        sorted(LAYERS)
    )


def test_imports_run_one_way():
    upward = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2:
            continue
        mine = LAYERS.index(parts[0])
        for module in imports_of(path):
            layer = module.split(".")[1] if module.count(".") else None
            if layer in LAYERS and LAYERS.index(layer) > mine:
                upward.append(f"{path.relative_to(PACKAGE)} imports {module}")
            if layer in {t.removesuffix(".py") for t in TOP}:
                upward.append(f"{path.relative_to(PACKAGE)} imports the top layer's {module}")
    assert upward == []


def test_fork_server_preloads_a_module_that_exists():
    from escalation_sim.run.sweep.executors import PRELOAD

    assert hasattr(importlib.import_module(PRELOAD), "run_task")


def module_name(path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycles_not_even_for_type_hints():
    graph = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}
    for module, targets in graph.items():  # `from package import module` names a module
        graph[module] = {t for t in targets if t in graph and t != module}
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
