"""Issue 15: any YAML (aliases, deep nesting) and any --set value: exit 2, one line, little memory.

Random documents and random ``--set`` values, each made certainly invalid (an
unknown key, or an unknown ``--set`` path, is always among them), go through the
whole command line: the answer is exit status 2 with one ``error:`` line, no
traceback, memory bounded by the loader's limits, and nothing written. Run
derandomised by the ``ci`` hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation_sim import cli
from tests.support import BASE

MEMORY_LIMIT = 150e6  # bytes traced while one command runs; an unbounded bomb takes GBs

SCALARS = st.sampled_from(
    ["1", "x", "-0", "1e400", ".nan", "~", "true", "'s'", "2021-02-30", "9999-12-01", '"\\x00"']
)


def fragment(depth: int = 3) -> st.SearchStrategy[str]:
    """A YAML flow value: scalars, lists and mappings, nested up to ``depth``."""
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(inner, max_size=3).map(
                lambda xs: "{" + ", ".join(f"k{i}: {x}" for i, x in enumerate(xs)) + "}"
            ),
        ),
        max_leaves=depth * 4,
    )


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A document with anchors, aliases that may multiply (a bomb), deep nesting, junk."""
    lines = []
    if draw(st.booleans()):
        lines += [f"extends: {BASE}", "name: prop"]
    kind = draw(st.sampled_from(["bomb", "aliases", "none"]))
    levels = {"bomb": draw(st.integers(6, 9)), "aliases": draw(st.integers(1, 3))}.get(kind, 0)
    width = draw(st.integers(6, 9) if kind == "bomb" else st.integers(1, 3))
    if levels:
        lines.append(f"a0: &a0 {draw(fragment())}")
        for i in range(1, levels):
            refs = ", ".join([f"*a{i - 1}"] * width)
            lines.append(f"a{i}: &a{i} [{refs}, {draw(fragment(1))}]")
    depth = draw(st.integers(0, 40))
    lines.append("deep: " + "[" * depth + draw(fragment(1)) + "]" * depth)
    if draw(st.integers(0, 3)) == 3:
        lines.append("loop: &self [1, *self]")
    lines.append(f"zz_unknown: {draw(fragment())}")  # certainly not a scenario key
    return "\n".join(lines) + "\n"


PATHS = st.sampled_from(["days", "start", "mechanisms.hostile_bias", "actors.Minsk.reputation"])
VALUES = st.one_of(
    fragment(),
    st.text(max_size=40),
    st.integers(0, 60).map(lambda d: "[" * d + "1" + "]" * d),
    st.integers(1, 8).map(
        lambda n: (
            "[&a [x, x, x, x, x, x, x, x], "
            + ", ".join(f"&b{i} [*a, *a, *a, *a, *a, *a, *a, *a]" for i in range(n))
            + "]"
        )
    ),
)


def run_isolated(argv: list[str], folder: Path) -> tuple[int, str, float]:
    """Run the command line in ``folder``; return (status, stderr, peak traced bytes)."""
    import contextlib
    import io
    import os

    err = io.StringIO()
    here = os.getcwd()
    os.chdir(folder)
    tracemalloc.start()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(argv)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        os.chdir(here)
    return code, err.getvalue(), peak


def check(argv: list[str], folder: Path) -> None:
    before = sorted(folder.rglob("*"))
    code, err, peak = run_isolated(argv, folder)
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert peak < MEMORY_LIMIT, f"{peak / 1e6:.0f} MB"
    assert sorted(folder.rglob("*")) == before  # nothing written


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(documents(), st.lists(st.tuples(PATHS, VALUES), max_size=3))
def test_any_document_with_any_set_values_is_refused_in_one_line(doc, sets):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "s.yaml").write_text(doc)
        argv = ["run", "s.yaml", "-n", "5", "--quiet", "--out", "out"]
        for path, value in sets:
            argv += ["--set", f"{path}={value}"]
        check(argv, folder)


@PROPERTY
@given(st.lists(st.tuples(PATHS, VALUES), max_size=3), VALUES, st.integers(0, 3))
def test_any_set_value_on_a_good_scenario_is_refused_in_one_line(sets, junk, where):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sets = list(sets)
        sets.insert(min(where, len(sets)), ("mechanisms.zz_unknown", junk))
        argv = ["run", str(BASE), "-n", "5", "--quiet", "--out", "out"]
        for path, value in sets:
            argv += ["--set", f"{path}={value}"]
        check(argv, folder)
