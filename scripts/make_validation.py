"""Regenerate the backtest results docs/validation.md quotes, so they cannot go stale.

Runs the documented backtest on the shipped record (in-process, in a scratch folder),
then writes

* the block between ``<!-- begin output: backtest -->`` and ``<!-- end output -->`` in
  docs/validation.md (what the command prints, less its wall-time line), and the block
  ``backtest items`` (every origin's count items, from its ``backtest.parquet``);
* docs/validation.json: that output, the per-origin and overall skill, the command and a
  fingerprint of everything the numbers depend on (the golden summary of the model, the
  scenarios, the record and the scoring and calibration code);
* docs/figures/validation_backtest_skill.png (the command's figure).

    python scripts/make_validation.py           # rerun and rewrite (about two minutes)
    python scripts/make_validation.py --check   # rerun; exit 1 if the doc is stale

``tests/docs/test_validation_doc.py`` (marker ``validation``) fails when the doc's block
differs from docs/validation.json or when the fingerprint no longer matches, e.g. after a
change to the model (``scripts/make_golden.py``) or to the scoring: rerun this script
and commit its output.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"
NUMBERS = ROOT / "docs" / "validation.json"
FIGURE = ROOT / "docs" / "figures" / "validation_backtest_skill.png"
COMMAND = (
    "escalation-sim backtest scenarios/calibration/august_2021_window.yaml "
    "data/observed/belarus_eu_2021.csv --origins 2021-07-01,2021-07-15,2021-07-29 "
    "--horizon 14 --seed 0 --out results/backtest_window"
)
DEPENDS = (
    "tests/regression/golden_august_2021.json",
    "scenarios/august_2021.yaml",
    "scenarios/calibration/august_2021_window.yaml",
    "data/observed/belarus_eu_2021.csv",
    "src/escalation_sim/config/priors.py",
    "src/escalation_sim/analysis/items.py",
    "src/escalation_sim/analysis/scores.py",
    "src/escalation_sim/analysis/baselines.py",
    "src/escalation_sim/run/calibrate.py",
    "src/escalation_sim/run/calibrate_window.py",
    "src/escalation_sim/run/backtest.py",
    "src/escalation_sim/run/score.py",
    "src/escalation_sim/run/ensemble.py",
)
BLOCK = re.compile(
    r"(<!-- begin output: backtest -->\n```\n)(?P<body>.*?)(```\n<!-- end output -->)", re.S
)
ITEMS = re.compile(
    r"(<!-- begin output: backtest items -->\n```\n)(?P<body>.*?)(```\n<!-- end output -->)",
    re.S,
)
TIMED = re.compile(r"^\s*written .* in \d+ s$")


def fingerprint() -> str:
    """sha256 over the files the quoted numbers depend on."""
    h = hashlib.sha256()
    for rel in DEPENDS:
        h.update(rel.encode() + b"\0" + (ROOT / rel).read_bytes() + b"\0")
    return h.hexdigest()


def _n(x: float) -> str:
    return "-" if x != x else f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def item_lines(items: pd.DataFrame) -> str:
    """The count items of every origin: forecast, observation and the three scores."""
    rows = items[items["kind"] == "count"]
    head = (
        f"{'origin':<10}  {'count item':<54}  {'model median [90%]':>22}  {'observed':>8}  "
        f"{'CRPS model':>10}  {'statistical':>11}  {'prior':>7}"
    )
    lines = [head]
    for _, r in rows.iterrows():
        forecast = f"{_n(r['median'])} [{_n(r['q05'])}, {_n(r['q95'])}]"
        lines.append(
            f"{r['origin']:<10}  {r['item']:<54}  {forecast:>22}  {_n(r['observed']):>8}  "
            f"{_n(r['score']):>10}  {_n(r['statistical_score']):>11}  {_n(r['prior_score']):>7}"
        )
    return "\n".join(lines) + "\n"


def run_backtest() -> tuple[str, dict, bytes]:
    """Run the documented command in a scratch folder: its output, numbers and figure."""
    from escalation_sim import cli

    argv = shlex.split(COMMAND)[1:]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for rel in ("scenarios", "data"):
            shutil.copytree(ROOT / rel, scratch / rel)
        buf = io.StringIO()
        with contextlib.chdir(scratch), contextlib.redirect_stdout(buf):
            code = cli.main([*argv, "--quiet"])
        if code != 0:
            raise SystemExit(f"the backtest failed with exit status {code}")
        out = scratch / "results" / "backtest_window"
        manifest = json.loads((out / "manifest.json").read_text())
        figure = (out / "figures" / "backtest_skill.png").read_bytes()
        items = item_lines(pd.read_parquet(out / "backtest.parquet"))
    text = "\n".join(line for line in buf.getvalue().splitlines() if not TIMED.match(line))
    numbers = {
        "command": COMMAND,
        "fingerprint": fingerprint(),
        "output": text + "\n",
        "items_output": items,
        "overall": manifest["overall"],
        "origins": [
            {
                k: o[k]
                for k in (
                    "origin",
                    "items",
                    "calibration_latest_observation_used",
                    "baseline_latest_observation_used",
                    "overall",
                )
            }
            for o in manifest["origins"]
        ],
        "wall_seconds": manifest["wall_seconds"],
    }
    return text + "\n", numbers, figure


def with_block(doc: str, body: str, items: str) -> str:
    """The doc with its backtest blocks replaced by ``body`` and ``items``."""
    for block, text in ((BLOCK, body), (ITEMS, items)):
        if not block.search(doc):
            raise SystemExit(f"{DOC}: no block {block.pattern[:40]}")
        doc = block.sub(lambda m, t=text: m.group(1) + t + m.group(3), doc)
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is stale")
    args = parser.parse_args(argv)
    text, numbers, figure = run_backtest()
    doc = DOC.read_text()
    if args.check:
        stale = with_block(doc, text, numbers["items_output"]) != doc
        stored = json.loads(NUMBERS.read_text()) if NUMBERS.exists() else {}
        stale |= stored.get("output") != text or stored.get("fingerprint") != fingerprint()
        if stale:
            print(f"{DOC} is stale: run python scripts/make_validation.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(with_block(doc, text, numbers["items_output"]))
    numbers_text = json.dumps(numbers, indent=1, default=str) + "\n"
    NUMBERS.write_text(numbers_text)
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    FIGURE.write_bytes(figure)
    print(
        f"wrote {DOC.relative_to(ROOT)}, {NUMBERS.relative_to(ROOT)}, "
        f"{FIGURE.relative_to(ROOT)} ({numbers['wall_seconds']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
