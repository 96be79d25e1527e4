"""Helpers shared by tests (import as tests.support)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.records import SERIES_NAMES

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "august_2021.yaml"


def with_changes(sc: Scenario, **mechanisms: object) -> Scenario:
    """A copy of ``sc`` with some mechanism parameters changed (validated)."""
    data = sc.model_dump()
    data["mechanisms"].update(mechanisms)
    return Scenario.model_validate(data)


SCENARIO = BASE
EXPERIMENTS = ROOT / "experiments"


def write_experiment(folder: Path, name: str = "exp", **fields) -> Path:
    """A small, fast experiment file (40 days, 2 x 2 grid, 20 replications)."""
    data = {
        "name": name,
        "scenario": str(SCENARIO),
        "set": {"days": 40},
        "design": "grid",
        "parameters": {
            "mechanisms.hostile_bias": [0.2, 0.8],
            "mechanisms.patron_restraint": [0.0, 1.0],
        },
        "replications": 20,
        "seed": 11,
        "keep_traces": 2,
        "task_size": 20,
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def daily_values(rng: np.random.Generator, r: int) -> np.ndarray:
    """Plausible values of every daily series for r replications (one column each)."""
    out = np.empty((len(SERIES_NAMES), r), np.float32)
    for s, name in enumerate(SERIES_NAMES):
        if name == "sanctions_level":
            out[s] = rng.integers(0, 20, r)
        elif name in ("arrivals", "stranded"):
            out[s] = rng.lognormal(8, 1, r)
        else:
            out[s] = rng.beta(2, 5, r)
    return out
