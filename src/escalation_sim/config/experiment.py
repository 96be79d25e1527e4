"""Typed experiment specs: a scenario, a design over parameter paths, replications, a seed."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import Field

from escalation_sim.config.base import FrozenModel
from escalation_sim.config.scenario import Scenario, content_hash

DESIGNS = ("grid", "lhs", "sobol", "morris", "explicit")
SAMPLED = ("lhs", "sobol", "morris")
# Boolean outcome columns of the engine's runs table that an adaptive ``until`` may target.
BOOL_OUTCOMES = ("armed_incident", "armed_conflict")
DEFAULT_TASK_SIZE = 10_000  # replication-runs per task: ~2 s of work, ~100 MB per worker
MAX_DESIGN_POINTS = 1_000_000
MAX_TASKS = 1_000_000  # a plan's tasks live in its manifest: bounded like its design points
DESIGN_SEED_KEY = 2**32 - 1  # SeedSequence spawn key of the sampler (blocks use (point, block))
FORMAT = 1  # bump when the meaning of an experiment file changes

TOP_KEYS = {
    "name": "name of the experiment; default output folder results/<name>/",
    "description": "free text",
    "scenario": "scenario file, relative to the experiment file",
    "set": "fixed scenario overrides {path: value} applied before the sweep",
    "design": "grid | lhs | sobol | morris | explicit",
    "parameters": "swept parameters {path: values or {low, high}}",
    "samples": "lhs: design points; sobol: base sample N (power of 2); morris: trajectories",
    "num_levels": "morris: grid levels (default 4)",
    "calc_second_order": "sobol: also sample for second-order indices (default true)",
    "replications": "per design point, or {until: {...}, min, max}",
    "seed": "master seed (default 0)",
    "keep_traces": "per design point: keep daily traces and events of its first N replications",
    "task_size": f"replication-runs per task (default {DEFAULT_TASK_SIZE})",
}
UNTIL_KEYS = ("outcome", "ci_half_width", "confidence")
ADAPTIVE_KEYS = ("until", "min", "max")


class Range(FrozenModel):
    """A closed interval of a parameter; ``num`` evenly spaced values on a grid."""

    low: float
    high: float
    num: int | None = None
    dist: Literal["uniform", "loguniform"] = "uniform"


class Parameter(FrozenModel):
    """One swept parameter: its dotted path, type, and either values or a range."""

    path: str
    kind: Literal["float", "int", "bool"]
    values: tuple[float | int | bool, ...] | None = None
    range: Range | None = None
    spec: Any = None  # as written in the file (for the manifest)


class Adaptive(FrozenModel):
    """Replications decided in rounds until a Wilson CI is narrow enough."""

    outcome: str
    ci_half_width: float
    confidence: float = 0.95
    min: int
    max: int


class Experiment(FrozenModel):
    """A checked experiment file."""

    name: str
    description: str = ""
    file: str
    scenario_file: str
    scenario: Scenario
    fixed: dict[str, Any] = Field(default_factory=dict)
    design: Literal["grid", "lhs", "sobol", "morris", "explicit"]
    parameters: tuple[Parameter, ...]
    replications: int | Adaptive
    seed: int = 0
    keep_traces: int = 0
    samples: int | None = None
    num_levels: int = 4
    calc_second_order: bool = True
    task_size: int = DEFAULT_TASK_SIZE
    # sweep --parameters: {"per_draw", "digest"} of the run layer's Ensemble (None: no draws)
    ensemble: dict[str, Any] | None = None

    @property
    def paths(self) -> list[str]:
        """Swept parameter paths in file order."""
        return [p.path for p in self.parameters]

    def content(self) -> dict[str, Any]:
        """Everything that determines the results (not where the files are)."""
        return {
            "format": FORMAT,
            "name": self.name,
            "scenario_hash": content_hash(self.scenario),
            "design": self.design,
            "parameters": [p.model_dump(mode="json", exclude={"spec"}) for p in self.parameters],
            "replications": self.replications
            if isinstance(self.replications, int)
            else self.replications.model_dump(mode="json"),
            "seed": self.seed,
            "keep_traces": self.keep_traces,
            "samples": self.samples,
            "num_levels": self.num_levels if self.design == "morris" else None,
            "calc_second_order": self.calc_second_order if self.design == "sobol" else None,
            "task_size": self.task_size,
            **({"ensemble": self.ensemble} if self.ensemble else {}),
        }

    @property
    def hash(self) -> str:
        """SHA-256 of :meth:`content`: equal for files that give equal results."""
        text = json.dumps(self.content(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def raw_parameters(self) -> dict[str, Any]:
        """Parameter specs as written in the file."""
        return {p.path: p.spec for p in self.parameters}

    def replications_spec(self) -> int | dict[str, Any]:
        """Replications as in the file: an int or the adaptive mapping."""
        if isinstance(self.replications, int):
            return self.replications
        a = self.replications
        return {
            "until": {
                "outcome": a.outcome,
                "ci_half_width": a.ci_half_width,
                "confidence": a.confidence,
            },
            "min": a.min,
            "max": a.max,
        }


# ---------------------------------------------------------------------- design points
# Parameters the engine cannot vary between replications of one model: a sweep
# runs each of their values in its own models (tasks never mix them).
MODEL_LEVEL = ("days", "mechanisms.max_deliberate_rung")
