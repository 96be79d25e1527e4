"""The plan of a sweep: design points packed into fixed, seeded tasks."""

from __future__ import annotations

import collections
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from escalation_sim.config.design import design_points
from escalation_sim.config.experiment import MODEL_LEVEL, Adaptive, Experiment
from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.randomness import BLOCK_SIZE, block_seed
from escalation_sim.io.scenario_file import scenario_variant
from escalation_sim.run.ensemble import Ensemble

MAX_POINTS_PER_TASK = 16  # each design point in a model keeps a ~7 MB daily histogram
ROUND_TO = BLOCK_SIZE  # adaptive rounds grow a design point to whole blocks


# ====================================================================== plan
@dataclass(frozen=True)
class Unit:
    """Replications ``start .. stop-1`` of block ``block`` of design point ``design_point``.

    The model simulates the block's first ``stop`` replications (a block's
    replication depends only on its seed and position) and keeps those from
    ``start``: an adaptive round extends a block that an earlier round left short.
    """

    design_point: int
    block: int
    seed: int
    start: int
    stop: int

    @property
    def runs(self) -> int:
        """Replications this unit adds."""
        return self.stop - self.start

    def to_json(self) -> dict[str, int]:
        """Manifest form."""
        return {
            "design_point": self.design_point,
            "block": self.block,
            "seed": self.seed,
            "start": self.start,
            "stop": self.stop,
        }


@dataclass(frozen=True)
class Task:
    """A fixed batch of units, run as one vectorised model call."""

    id: int
    round: int
    variant: int
    units: tuple[Unit, ...]

    @property
    def runs(self) -> int:
        """Replications this task adds to the results."""
        return sum(u.runs for u in self.units)

    @property
    def simulated(self) -> int:
        """Replications this task simulates (``runs`` plus any re-simulated prefix)."""
        return sum(u.stop for u in self.units)

    @property
    def design_points(self) -> list[int]:
        """Design points in this task, in order."""
        return list(dict.fromkeys(u.design_point for u in self.units))

    def to_json(self) -> dict[str, Any]:
        """Manifest form."""
        return {
            "task": self.id,
            "round": self.round,
            "variant": self.variant,
            "runs": self.runs,
            "design_points": self.design_points,
            "blocks": [u.to_json() for u in self.units],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Task:
        """Inverse of :meth:`to_json`."""
        return cls(
            int(data["task"]),
            int(data["round"]),
            int(data["variant"]),
            tuple(Unit(**{k: int(v) for k, v in b.items()}) for b in data["blocks"]),
        )


@dataclass(frozen=True)
class Plan:
    """An experiment expanded: design points, model-level variants, round-0 tasks."""

    experiment: Experiment
    points: tuple[dict[str, Any], ...]
    variants: tuple[dict[str, Any], ...]  # model-level parameter values of each variant
    point_variant: tuple[int, ...]
    tasks: tuple[Task, ...]  # all tasks (fixed replications) or round 0 (adaptive)
    scenarios: tuple[Scenario, ...] = field(repr=False, default=())
    ensemble: Ensemble | None = field(repr=False, default=None)  # sweep --parameters

    @property
    def adaptive(self) -> Adaptive | None:
        """The adaptive replication rule, if any."""
        reps = self.experiment.replications
        return reps if isinstance(reps, Adaptive) else None

    @property
    def override_paths(self) -> list[str]:
        """Swept paths passed to the engine as per-replication arrays."""
        return [p for p in self.experiment.paths if p not in MODEL_LEVEL]

    def runs_range(self) -> tuple[int, int]:
        """Fewest and most replication-runs the sweep can take."""
        n = len(self.points)
        a = self.adaptive
        if a is None:
            total = n * int(self.experiment.replications)  # type: ignore[arg-type]
            return total, total
        return n * a.min, n * a.max


def _units(master: int, point: int, first: int, stop: int) -> list[Unit]:
    """Units holding replications ``first .. stop-1`` of a design point."""
    out = []
    for b in range(first // BLOCK_SIZE, -(-stop // BLOCK_SIZE)):
        lo, hi = b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE
        out.append(
            Unit(
                point,
                b,
                block_seed(master, point, b),
                max(first, lo) - lo,
                min(stop, hi) - lo,
            )
        )
    return out


def pack(
    units: Iterable[Unit],
    first_id: int,
    round_no: int,
    point_variant: tuple[int, ...],
    task_size: int,
) -> list[Task]:
    """Consecutive units into tasks: one variant each, at most ``task_size`` simulated runs."""
    tasks: list[Task] = []
    cur: list[Unit] = []
    runs = 0
    points: set[int] = set()
    variant = -1

    def flush() -> None:
        nonlocal cur, runs, points
        if cur:
            tasks.append(Task(first_id + len(tasks), round_no, variant, tuple(cur)))
        cur, runs, points = [], 0, set()

    for u in units:
        v = point_variant[u.design_point]
        new_point = u.design_point not in points
        if cur and (
            v != variant
            or runs + u.stop > task_size
            or (new_point and len(points) >= MAX_POINTS_PER_TASK)
        ):
            flush()
        variant = v
        cur.append(u)
        runs += u.stop
        points.add(u.design_point)
    flush()
    return tasks


def expand(exp: Experiment, ensemble: Ensemble | None = None) -> Plan:
    """Design points, variants and (round-0) tasks of an experiment: a pure function.

    With an ``ensemble`` (``sweep --parameters``) each replication also draws the
    parameters the ensemble holds; ``exp.ensemble`` must record that ensemble's digest.
    """
    if (ensemble is None) != (exp.ensemble is None) or (
        ensemble is not None
        and exp.ensemble is not None
        and exp.ensemble.get("digest") != ensemble.digest()
    ):
        raise ValueError("the experiment's ensemble record does not match the ensemble given")
    points = design_points(exp)
    level = [p for p in exp.paths if p in MODEL_LEVEL]
    variant_index: dict[tuple[Any, ...], int] = {}
    point_variant = []
    for pt in points:
        key = tuple(pt[p] for p in level)
        point_variant.append(variant_index.setdefault(key, len(variant_index)))
    variants = tuple(dict(zip(level, key, strict=True)) for key in variant_index)
    scenarios = tuple(scenario_variant(exp.scenario, v) for v in variants)
    reps = exp.replications
    first = reps.min if isinstance(reps, Adaptive) else reps
    units = [u for d in range(len(points)) for u in _units(exp.seed, d, 0, first)]
    tasks = pack(units, 0, 0, tuple(point_variant), exp.task_size)
    return Plan(
        exp, tuple(points), variants, tuple(point_variant), tuple(tasks), scenarios, ensemble
    )


def complete_points(plan: Plan, task: Task) -> list[int]:
    """Design points of ``task`` whose every replication is in it (fixed replications)."""
    if plan.adaptive is not None:
        return []  # a later round may add replications
    reps = int(plan.experiment.replications)  # type: ignore[arg-type]
    n: dict[int, int] = collections.Counter()
    for u in task.units:
        n[u.design_point] += u.runs
    return [d for d, k in n.items() if k == reps]


def with_ensemble(exp: Experiment, spec: str, per_draw: int) -> tuple[Experiment, Ensemble]:
    """``sweep --parameters spec``: the experiment recording the ensemble, and the ensemble.

    The swept (and model-level) parameters are not drawn; a bad posterior file raises
    InputError here, before anything is written. The record enters the experiment's
    hash, so ``--resume`` refuses a sweep started with other draws.
    """
    from escalation_sim.run.ensemble import make_ensemble

    ens = make_ensemble(spec, exp.scenario, exp.seed, per_draw, exclude=[*exp.paths, *MODEL_LEVEL])
    record = {"per_draw": per_draw, "digest": ens.digest()}
    return exp.model_copy(update={"ensemble": record}), ens
