"""Regenerate the shipped posterior, data/posterior/august_2021.parquet (what `make run` uses).

Runs the default calibration (``escalation-sim calibrate`` with its default population,
generations and replications, seed ``SEED``) of the calibration window on the shipped
record, then writes its posterior sample with, in the Parquet file's metadata, the model
it was made by: the package version, the git commit, and a fingerprint of the model's
behaviour (a hash of the golden regression summary, of the calibration's inputs and of a
small seeded run of the window). ``august_2021.json`` beside it keeps the calibration's
diagnostics (effective sample size per generation, calibrated parameters, timing).

    python scripts/make_posterior.py            # about 2 minutes on one core
    python scripts/make_posterior.py --check    # exit 1 if the shipped posterior is stale

Rerun after any change to the model, the priors, the window scenario or the record
(``tests/regression/test_posterior.py`` fails while the shipped posterior is stale), then
rerun ``scripts/make_readme_outputs.py``: `make run` shows the posterior ensemble.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
WINDOW = ROOT / "scenarios" / "calibration" / "august_2021_window.yaml"
RECORD = ROOT / "data" / "observed" / "belarus_eu_2021.csv"
DEFAULT = ROOT / "scenarios" / "august_2021.yaml"
GOLDEN = ROOT / "tests" / "regression" / "golden_august_2021.json"
OUT = ROOT / "data" / "posterior" / "august_2021.parquet"
SIDECAR = OUT.with_suffix(".json")
OBSERVED_DOC = ROOT / "docs" / "observed.md"
DOC_BLOCK = re.compile(
    r"(<!-- begin posterior: scripts/make_posterior.py -->\n)(?P<body>.*?)(<!-- end posterior -->)",
    re.S,
)
SEED = 2021
META_KEY = b"escalation_sim"
SCREENING_ROWS = 8  # the screening's strongest parameters, kept in the sidecar
FINGERPRINT_RUNS = 50  # replications of the seeded window run in the fingerprint


def fingerprint() -> dict[str, str]:
    """Hashes that change when the model, the priors or the calibration's inputs change."""
    from escalation_sim.config.scenario import content_hash, scenario_priors
    from escalation_sim.io.observed_file import load_observed
    from escalation_sim.io.scenario_file import load
    from escalation_sim.run.calibrate import (
        GENERATIONS,
        POPULATION,
        REPLICATIONS,
        prepare,
        simulate_window,
    )
    from escalation_sim.run.calibrate_window import window_scenario

    window = load(WINDOW)
    cal = prepare(window, load_observed(RECORD))
    values = np.array([[cal.values[p] for p in cal.paths]])
    stats = simulate_window(
        window_scenario(window), cal.paths, cal.targets, FINGERPRINT_RUNS, values, [SEED]
    )[0]
    behaviour = json.dumps({k: round(float(v), 6) for k, v in dict(stats).items()}, sort_keys=True)
    inputs = {
        "window": content_hash(window),
        "default_scenario": content_hash(load(DEFAULT)),
        "record": hashlib.sha256(RECORD.read_bytes()).hexdigest(),
        "priors": repr(sorted((p, repr(q)) for p, q in scenario_priors(load(DEFAULT)).items())),
        "defaults": f"{POPULATION}/{GENERATIONS}/{REPLICATIONS}/{SEED}",
    }
    return {
        "golden": hashlib.sha256(GOLDEN.read_bytes()).hexdigest(),
        "inputs": hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest(),
        "window_run": hashlib.sha256(behaviour.encode()).hexdigest(),
    }


def shipped_metadata(path: Path = OUT) -> dict[str, Any] | None:
    """The metadata the shipped posterior was written with (None if absent)."""
    if not path.exists():
        return None
    meta = pq.read_schema(path).metadata or {}
    return json.loads(meta[META_KEY]) if META_KEY in meta else None


def stale_reason(path: Path = OUT) -> str | None:
    """Why the shipped posterior does not fit the current model, or None if it does."""
    meta = shipped_metadata(path)
    if meta is None:
        return f"{path.relative_to(ROOT)} is missing or has no escalation_sim metadata"
    now = fingerprint()
    changed = [k for k, v in now.items() if meta.get("fingerprint", {}).get(k) != v]
    if not changed:
        return None
    what = {
        "golden": "the model's golden summary (tests/regression) changed",
        "inputs": "the priors, scenarios, record or calibration defaults changed",
        "window_run": "the model's behaviour on the calibration window changed",
    }
    return (
        f"{path.relative_to(ROOT)} is stale (made by a different model than this one: "
        + "; ".join(what[k] for k in changed)
        + "): rerun python scripts/make_posterior.py, then python scripts/make_readme_outputs.py"
    )


def make() -> None:
    """Run the default calibration and write the posterior with its metadata."""
    from escalation_sim import __version__
    from escalation_sim.cli import main
    from escalation_sim.store.files import atomic_write_bytes, git_commit

    with tempfile.TemporaryDirectory() as tmp:
        code = main(
            ["calibrate", str(WINDOW), str(RECORD), "--seed", str(SEED), "--out", tmp, "--quiet"]
        )
        if code != 0:
            sys.exit(code)
        table = pq.read_table(Path(tmp) / "posterior.parquet")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        screening = pd.read_csv(Path(tmp) / "screening.csv").head(SCREENING_ROWS)
    meta = {
        "made_by": "scripts/make_posterior.py",
        "version": __version__,
        "git_commit": git_commit(),
        "seed": SEED,
        "fingerprint": fingerprint(),
    }
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[META_KEY] = json.dumps(meta).encode()
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(schema_meta), sink)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(OUT, sink.getvalue().to_pybytes())
    keep = (
        "population",
        "generations",
        "replications_per_particle",
        "seed",
        "calibrated_parameters",
        "constant_statistics",
        "statistics",
        "ess",
        "wall_seconds",
        "runs_per_second",
        "latest_observation_used",
    )
    sidecar = {**meta, **{k: manifest.get(k) for k in keep}}
    sidecar["screening_top"] = [
        {"parameter": r.parameter, "effect": round(float(r.effect), 3), "statistic": r.statistic}
        for r in screening.itertuples()
    ]
    atomic_write_bytes(SIDECAR, (json.dumps(sidecar, indent=2) + "\n").encode())
    print(f"wrote {OUT.relative_to(ROOT)} and {SIDECAR.relative_to(ROOT)}")


def doc_block(sidecar: dict[str, Any]) -> str:
    """The shipped posterior's figures for docs/observed.md, from its sidecar."""
    top = sidecar["screening_top"]
    kept = set(sidecar["calibrated_parameters"])
    effects = ", ".join(
        f"`{r['parameter']}` {r['effect']:.2f}"
        + ("" if r["parameter"] in kept else " (not calibrated)")
        for r in top
    )
    ess = ", ".join(f"{g['ess']:.0f}" for g in sidecar["ess"])
    eps = ", ".join(f"{g['epsilon']:.2f}" for g in sidecar["ess"])
    return (
        f"Shipped posterior (seed {sidecar['seed']}, {sidecar['population']} particles, "
        f"{sidecar['generations']} generations, {sidecar['replications_per_particle']} "
        f"replications per particle; latest observation used "
        f"{sidecar['latest_observation_used']}): {len(kept)} parameters calibrated. "
        f"Screening effects of the strongest {len(top)} (prior-predictive SDs; calibrated "
        f"from 0.5): {effects}. Effective sample size per generation: {ess}; ABC threshold: "
        f"{eps}. {len(sidecar['constant_statistics'])} of {len(sidecar['statistics'])} "
        "statistics are constant under the prior and left out of the distance.\n"
    )


def write_doc_block(check: bool = False) -> bool:
    """Put :func:`doc_block` into docs/observed.md; with ``check``, only say if it is current."""
    sidecar = json.loads(SIDECAR.read_text())
    text = OBSERVED_DOC.read_text()
    m = DOC_BLOCK.search(text)
    if m is None:
        raise SystemExit(f"{OBSERVED_DOC}: no posterior block markers")
    new = text[: m.start("body")] + doc_block(sidecar) + text[m.end("body") :]
    if check:
        return new == text
    if new != text:
        from escalation_sim.store.files import atomic_write_bytes

        atomic_write_bytes(OBSERVED_DOC, new.encode())
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the posterior is stale")
    args = parser.parse_args()
    if args.check:
        reason = stale_reason()
        if reason:
            print(reason, file=sys.stderr)
            sys.exit(1)
        print(f"{OUT.relative_to(ROOT)} fits the current model")
        return
    make()
    write_doc_block()
    print(f"wrote the posterior's figures into {OBSERVED_DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
