"""Experiment files -> frozen, checked :class:`~escalation_sim.config.experiment.Experiment` specs.

An experiment names a scenario, a sampling design over parameter paths (the
paths of :func:`~escalation_sim.config.scenario.parameter_fields`), how many
replications each design point gets, and a master seed::

    name: hostility_vs_doubt
    scenario: ../scenarios/august_2021.yaml
    design: grid            # grid | lhs | sobol | morris | explicit
    parameters:
      mechanisms.hostile_bias: [0.0, 0.2, 0.4, 0.6, 0.8]
      mechanisms.benefit_of_doubt: {low: 0.0, high: 1.0, num: 5}
    replications: 500       # or {until: {outcome: armed_incident, ci_half_width: 0.02},
                            #      min: 200, max: 20000}
    seed: 1
    keep_traces: 50

Every problem becomes an :class:`~escalation_sim.io.errors.InputError` that
names the file, the line and the key path, before anything is run or written.
(A little over 500 lines: one located check per key of the format, kept together.)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from escalation_sim.config.base import NAME_RE, field_bounds
from escalation_sim.config.design import count_points, design_points
from escalation_sim.config.experiment import (
    ADAPTIVE_KEYS,
    BOOL_OUTCOMES,
    DEFAULT_TASK_SIZE,
    DESIGNS,
    MAX_DESIGN_POINTS,
    MAX_TASKS,
    MODEL_LEVEL,
    SAMPLED,
    TOP_KEYS,
    UNTIL_KEYS,
    Adaptive,
    Experiment,
    Parameter,
    Range,
)
from escalation_sim.config.scenario import Scenario, parameter_fields
from escalation_sim.io.errors import InputError, Key, Source, format_key, suggest
from escalation_sim.io.file_kind import wrong_kind
from escalation_sim.io.scenario_file import load, scenario_variant
from escalation_sim.io.yaml_source import parse_yaml


# ---------------------------------------------------------------------- loading
class _Checker:
    """Turns raw file data into typed values, raising located errors."""

    def __init__(self, src: Source) -> None:
        self.src = src

    def error(self, message: str, *key: str | int) -> InputError:
        file, line = self.src.where(tuple(key))
        return InputError(message, file, line, format_key(tuple(key)) or None)

    def integer(self, value: Any, key: Key, lo: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"expected a whole number, got {value!r}", *key)
        if lo is not None and value < lo:
            raise self.error(f"must be at least {lo}, got {value}", *key)
        return value

    def number(self, value: Any, key: Key) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(f"expected a number, got {value!r}", *key)
        if not math.isfinite(value):
            raise self.error(f"expected a finite number, got {value!r}", *key)
        return float(value)

    def mapping(self, value: Any, key: Key, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"expected a mapping with keys {', '.join(allowed)}", *key)
        for k in value:
            if k not in allowed:
                raise self.error(
                    f"unknown key {k!r}{suggest(str(k), list(allowed))}; "
                    f"allowed: {', '.join(allowed)}",
                    *key,
                    k,
                )
        return value


def _yaml_scalar(value: Any) -> str:
    """A ``set:`` value written as a ``--set`` override would write it (YAML flow style)."""
    text = yaml.safe_dump(value, default_flow_style=True)
    return text.removesuffix("\n...\n").strip()


def _load_scenario(chk: _Checker, exp_file: Path, data: dict[str, Any]) -> tuple[Scenario, str]:
    """The scenario file (relative to the experiment file) with the ``set:`` values applied.

    A value that breaks the scenario is reported under ``set``; a
    problem of the scenario file itself is reported in that file.
    """
    raw = data.get("scenario")
    if raw is None:
        raise chk.error("required key is missing: the scenario file to sweep", "scenario")
    if not isinstance(raw, str) or not raw:
        raise chk.error("expected a file name (string)", "scenario")
    path = Path(os.path.normpath(exp_file.parent / raw))
    fixed = data.get("set") or {}
    if not isinstance(fixed, dict):
        raise chk.error("expected a mapping {parameter path: value}", "set")
    if not path.exists():
        raise chk.error(f"scenario file not found: {path}", "scenario")
    overrides = [f"{k}={_yaml_scalar(v)}" for k, v in fixed.items()]
    try:
        scenario = load(path, overrides)
    except InputError as exc:
        if exc.file == "--set" and exc.path is not None:
            key = next((k for k in fixed if str(k) == exc.path), exc.path)
            raise chk.error(exc.message, "set", key) from None
        if fixed:
            load(path)  # a problem of the scenario file itself is reported as such
            raise chk.error(
                f"these values make {path} invalid: {exc.path}: {exc.message}", "set"
            ) from None
        raise
    return scenario, str(path)


@dataclass(frozen=True)
class _Swept:
    """A swept parameter's path, kind and bounds: what each of its values is checked against."""

    path: str
    kind: str  # "bool", "int" or "float"
    lo: float | None
    hi: float | None

    def value(self, chk: _Checker, value: Any, where: Key) -> float | int | bool:
        """One value of the parameter, of its kind and within its bounds."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise chk.error(
                    f"{self.path} is a switch: expected true or false, got {value!r}", *where
                )
            return value
        x = chk.number(value, where)
        if self.kind == "int":
            if not float(x).is_integer():
                raise chk.error(f"{self.path} takes whole numbers, got {value!r}", *where)
            x = int(x)
        lo, hi = self.lo, self.hi
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            raise chk.error(
                f"{value!r} is outside the range {_bounds(lo, hi)} of {self.path}", *where
            )
        return x


def _parameter(chk: _Checker, design: str, path: str, spec: Any, info: Any) -> Parameter:
    """One entry of ``parameters:``: a list of values, a grid range or a sampled range."""
    key: Key = ("parameters", path)
    kind = {bool: "bool", int: "int", float: "float"}[info.annotation]
    swept = _Swept(path, kind, *field_bounds(info))
    if isinstance(spec, list):
        return _listed(chk, design, swept, spec, key)
    if not isinstance(spec, dict):
        raise chk.error(
            "expected a list of values or a range {low, high}"
            + (", num}" if design == "grid" else ""),
            *key,
        )
    if design == "explicit":
        raise chk.error("an explicit design lists the values of every point: give a list", *key)
    low, high = _range_ends(chk, design, swept, spec, key)
    if design == "grid":
        return _grid_range(chk, swept, spec, key, low, high)
    return _sampled_range(chk, design, swept, spec, key, low, high)


def _listed(chk: _Checker, design: str, swept: _Swept, spec: list[Any], key: Key) -> Parameter:
    """A list of values: each checked, none repeated on a grid; sampled designs need ranges."""
    if design in SAMPLED:
        raise chk.error(
            f"a {design} design samples ranges: give {{low: ..., high: ...}} "
            f"instead of a list of values",
            *key,
        )
    if not spec:
        raise chk.error("empty list of values", *key)
    values = [swept.value(chk, v, (*key, i)) for i, v in enumerate(spec)]
    if design == "grid":
        seen: set[Any] = set()
        for i, v in enumerate(values):
            if (type(v), v) in seen:
                raise chk.error(f"value {v!r} is repeated", *key, i)
            seen.add((type(v), v))
    return Parameter(path=swept.path, kind=swept.kind, values=tuple(values), spec=spec)


def _range_ends(
    chk: _Checker, design: str, swept: _Swept, spec: dict[str, Any], key: Key
) -> tuple[Any, Any]:
    """The checked ``low`` and ``high`` of a range, the keys of which depend on the design."""
    allowed = ("low", "high", "num") if design == "grid" else ("low", "high", "dist")
    chk.mapping(spec, key, allowed)
    if swept.kind == "bool":
        raise chk.error(f"{swept.path} is a switch: list its values [true, false] instead", *key)
    for k in ("low", "high"):
        if k not in spec:
            raise chk.error(f"a range needs {k!r}", *key)
    low = swept.value(chk, spec["low"], (*key, "low"))
    high = swept.value(chk, spec["high"], (*key, "high"))
    if low > high:
        raise chk.error(f"low ({low}) is above high ({high})", *key)
    return low, high


def _grid_range(
    chk: _Checker, swept: _Swept, spec: dict[str, Any], key: Key, low: Any, high: Any
) -> Parameter:
    """A grid range {low, high, num}: ``num`` evenly spaced values, distinct for whole numbers."""
    if "num" not in spec:
        raise chk.error("a grid range needs 'num', the number of values", *key)
    num = chk.integer(spec["num"], (*key, "num"), lo=1)
    if num > 1 and low == high:
        raise chk.error(f"empty range: low equals high ({low}) with num {num}", *key)
    grid = np.linspace(low, high, num)
    if swept.kind == "int":
        ints = [round(float(v)) for v in grid]
        if len(set(ints)) < len(ints):
            raise chk.error(
                f"{swept.path} takes whole numbers and {num} values from {low} to {high} "
                f"would repeat some; lower num or list the values",
                *key,
            )
        values: list[float | int] = ints
    else:
        values = [float(v) for v in grid]
    return Parameter(
        path=swept.path,
        kind=swept.kind,
        values=tuple(values),
        range=Range(low=low, high=high, num=num),
        spec=spec,
    )


def _sampled_range(
    chk: _Checker,
    design: str,
    swept: _Swept,
    spec: dict[str, Any],
    key: Key,
    low: Any,
    high: Any,
) -> Parameter:
    """A range an lhs, sobol or morris design samples: non-empty, uniform or (lhs) loguniform."""
    if low == high:
        raise chk.error(f"empty range: low equals high ({low})", *key)
    dist = spec.get("dist", "uniform")
    if dist not in ("uniform", "loguniform"):
        raise chk.error(
            f"unknown dist {dist!r}{suggest(str(dist), ['uniform', 'loguniform'])}; "
            "one of uniform, loguniform",
            *key,
            "dist",
        )
    if dist == "loguniform":
        if design != "lhs":
            raise chk.error(
                f"a {design} design samples uniformly (SALib bounds); "
                "dist: loguniform is available for lhs",
                *key,
                "dist",
            )
        if low <= 0:
            raise chk.error("dist: loguniform needs low > 0", *key, "low")
    return Parameter(
        path=swept.path,
        kind=swept.kind,
        range=Range(low=low, high=high, dist=dist),
        spec=spec,
    )


def _bounds(lo: Any, hi: Any) -> str:
    """A parameter's bounds as 'lo .. hi', an open end as -inf or inf."""
    return f"{'-inf' if lo is None else f'{lo:g}'} .. {'inf' if hi is None else f'{hi:g}'}"


def _replications(chk: _Checker, raw: Any) -> int | Adaptive:
    """Replications per design point: a whole number, or adaptive ``{until, min, max}``."""
    if raw is None:
        raise chk.error("required key is missing: replications per design point", "replications")
    if not isinstance(raw, dict):
        return chk.integer(raw, ("replications",), lo=1)
    spec = chk.mapping(raw, ("replications",), ADAPTIVE_KEYS)
    for k in ADAPTIVE_KEYS:
        if k not in spec:
            raise chk.error(f"adaptive replications need {k!r}", "replications")
    until = chk.mapping(spec["until"], ("replications", "until"), UNTIL_KEYS)
    if "outcome" not in until:
        raise chk.error("'until' needs 'outcome'", "replications", "until")
    if "ci_half_width" not in until:
        raise chk.error("'until' needs 'ci_half_width'", "replications", "until")
    outcome = until["outcome"]
    if outcome not in BOOL_OUTCOMES:
        raise chk.error(
            f"unknown outcome {outcome!r}{suggest(str(outcome), list(BOOL_OUTCOMES))}; "
            f"adaptive replications need a yes/no outcome: {', '.join(BOOL_OUTCOMES)}",
            "replications",
            "until",
            "outcome",
        )
    width = chk.number(until["ci_half_width"], ("replications", "until", "ci_half_width"))
    if not 0 < width < 0.5:
        raise chk.error(
            f"must be between 0 and 0.5 (a probability's half-width), got {width}",
            "replications",
            "until",
            "ci_half_width",
        )
    conf = chk.number(until.get("confidence", 0.95), ("replications", "until", "confidence"))
    if not 0.5 <= conf < 1:
        raise chk.error(
            f"must be at least 0.5 and below 1, got {conf}",
            "replications",
            "until",
            "confidence",
        )
    lo = chk.integer(spec["min"], ("replications", "min"), lo=1)
    hi = chk.integer(spec["max"], ("replications", "max"), lo=1)
    if hi < lo:
        raise chk.error(f"max ({hi}) is below min ({lo})", "replications", "max")
    return Adaptive(outcome=outcome, ci_half_width=width, confidence=conf, min=lo, max=hi)


def load_experiment(path: str | Path, replications: int | None = None) -> Experiment:
    """Load and check an experiment file; ``replications`` overrides the file's.

    The checks run in a fixed order (top-level keys, name, design, scenario,
    parameters, the design's options, replications, seed and sizes, then the
    whole design), and the first problem found is the one raised.
    """
    path = Path(path)
    src = parse_yaml(path)
    chk = _Checker(src)
    data = src.data
    _check_top_keys(chk, data)
    name, description = _name_and_description(chk, data)
    design = _design(chk, data)
    scenario, scenario_file = _load_scenario(chk, path, data)
    fixed = dict(data.get("set") or {})
    params = _parameters(chk, design, data.get("parameters"), parameter_fields(scenario), fixed)
    samples, num_levels, second = _design_options(chk, design, data)
    reps = _replications_or_override(chk, data.get("replications"), replications)
    seed = chk.integer(data.get("seed", 0), ("seed",), lo=0)
    keep = chk.integer(data.get("keep_traces", 0), ("keep_traces",), lo=0)
    task_size = chk.integer(data.get("task_size", DEFAULT_TASK_SIZE), ("task_size",), lo=1)
    exp = Experiment(
        name=name,
        description=description.strip(),
        file=str(path),
        scenario_file=scenario_file,
        scenario=scenario,
        fixed=fixed,
        design=design,
        parameters=tuple(params),
        replications=reps,
        seed=seed,
        keep_traces=keep,
        samples=samples,
        num_levels=num_levels,
        calc_second_order=second,
        task_size=task_size,
    )
    _check_design_size(chk, exp)
    _check_task_count(chk, exp, replications is not None)
    _check_model_level(chk, exp)
    return exp


def _check_top_keys(chk: _Checker, data: dict[str, Any]) -> None:
    """Every top-level key is one an experiment file knows (a typo gets a did-you-mean)."""
    for k in data:
        if k not in TOP_KEYS:
            other = wrong_kind(data, "experiment", chk.src.files[-1] if chk.src.files else None)
            if other is not None:
                raise other
            raise chk.error(f"unknown key {k!r}{suggest(str(k), list(TOP_KEYS))}", k)


def _name_and_description(chk: _Checker, data: dict[str, Any]) -> tuple[str, str]:
    """The experiment's name (it names the results folder) and its free-text description."""
    name = data.get("name")
    if name is None:
        raise chk.error("required key is missing: the experiment's name", "name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise chk.error(
            f"expected a name of letters, digits, '_', '-' or '.', got {name!r}", "name"
        )
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise chk.error("expected text", "description")
    return name, description


def _design(chk: _Checker, data: dict[str, Any]) -> str:
    """The design; read before the parameters, whose form depends on it."""
    design = data.get("design")
    if design is None:
        raise chk.error(f"required key is missing: one of {', '.join(DESIGNS)}", "design")
    if design not in DESIGNS:
        raise chk.error(
            f"unknown design {design!r}{suggest(str(design), list(DESIGNS))}; "
            f"one of {', '.join(DESIGNS)}",
            "design",
        )
    return design


def _parameters(
    chk: _Checker, design: str, raw: Any, fields: dict[str, Any], fixed: dict[str, Any]
) -> list[Parameter]:
    """The swept parameters: known paths, not also fixed, as many values each when explicit."""
    if raw is None:
        raise chk.error("required key is missing: the parameters to sweep", "parameters")
    if not isinstance(raw, dict) or not raw:
        raise chk.error("expected a non-empty mapping {parameter path: values}", "parameters")
    params: list[Parameter] = []
    for p, spec in raw.items():
        if not isinstance(p, str) or p not in fields:
            raise chk.error(
                f"unknown parameter path {p!r}{suggest(str(p), list(fields))}; "
                "`escalation-sim describe` lists them",
                "parameters",
                p,
            )
        if p in fixed:
            raise chk.error(f"{p} is both swept here and fixed under 'set'", "parameters", p)
        params.append(_parameter(chk, design, p, spec, fields[p]))
    if design == "explicit":
        lengths = {len(q.values or ()) for q in params}
        if len(lengths) > 1:
            counts = ", ".join(f"{q.path}: {len(q.values or ())}" for q in params)
            raise chk.error(
                f"an explicit design needs the same number of values per parameter ({counts})",
                "parameters",
            )
    return params


def _design_options(
    chk: _Checker, design: str, data: dict[str, Any]
) -> tuple[int | None, int, bool]:
    """``samples``, ``num_levels`` and ``calc_second_order``: each only where the design uses it."""
    samples = data.get("samples")
    if design in SAMPLED:
        if samples is None:
            what = {
                "lhs": "the number of design points",
                "sobol": "the base sample N (a power of 2; N*(D+2) or N*(2D+2) points)",
                "morris": "the number of trajectories (N*(D+1) points)",
            }[design]
            raise chk.error(f"required key is missing for a {design} design: {what}", "samples")
        samples = chk.integer(samples, ("samples",), lo=2 if design != "lhs" else 1)
        if design == "sobol" and samples & (samples - 1):
            raise chk.error(
                f"a sobol design needs a power of 2 (e.g. {1 << samples.bit_length()}), "
                f"got {samples}",
                "samples",
            )
    elif samples is not None:
        raise chk.error(f"a {design} design takes no 'samples'", "samples")
    for key, designs in (("num_levels", ("morris",)), ("calc_second_order", ("sobol",))):
        if key in data and design not in designs:
            raise chk.error(f"only a {designs[0]} design takes {key!r}", key)
    num_levels = chk.integer(data.get("num_levels", 4), ("num_levels",), lo=2)
    second = data.get("calc_second_order", True)
    if not isinstance(second, bool):
        raise chk.error(f"expected true or false, got {second!r}", "calc_second_order")
    return samples, num_levels, second


def _replications_or_override(chk: _Checker, raw: Any, override: int | None) -> int | Adaptive:
    """The file's replications, checked even when ``--replications`` overrides them."""
    reps = _replications(chk, raw)
    if override is not None:
        if override < 1:
            raise InputError(f"must be at least 1, got {override}", "--replications", None)
        reps = override
    return reps


def _check_design_size(chk: _Checker, exp: Experiment) -> None:
    """The design has no more points than a sweep allows (counted without building them)."""
    n = count_points(exp)
    if n > MAX_DESIGN_POINTS:
        raise chk.error(
            f"{n:,} design points is more than the {MAX_DESIGN_POINTS:,} a sweep allows",
            "parameters",
        )


def _check_task_count(chk: _Checker, exp: Experiment, overridden: bool) -> None:
    """The sweep has at most ``MAX_TASKS`` tasks (counted without building them)."""
    reps = exp.replications if isinstance(exp.replications, int) else exp.replications.max
    points = count_points(exp)
    tasks = math.ceil(points * reps / exp.task_size)
    if tasks > MAX_TASKS:
        message = (
            f"{reps:,} replications x {points:,} design points = {points * reps:,} runs in "
            f"about {tasks:,} tasks of {exp.task_size:,}; a sweep allows {MAX_TASKS:,} tasks "
            "(fewer replications, or a larger task_size)"
        )
        if overridden:
            raise InputError(message, "--replications", None)
        raise chk.error(message, "replications")


def _check_model_level(chk: _Checker, exp: Experiment) -> None:
    """Every combination of model-level values in the design makes a valid scenario.

    Those parameters (e.g. ``days``) are set per model, not per replication, so
    a bad combination is found here rather than in the middle of a sweep.
    """
    level = [p for p in exp.parameters if p.path in MODEL_LEVEL]
    if not level:
        return
    seen: set[tuple[Any, ...]] = set()
    for point in design_points(exp):
        combo = tuple(point[p.path] for p in level)
        if combo in seen:
            continue
        seen.add(combo)
        values = dict(zip((p.path for p in level), combo, strict=True))
        try:
            scenario_variant(exp.scenario, values)
        except InputError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in values.items())
            raise chk.error(
                f"{shown} makes the scenario invalid: {exc.path}: {exc.message}",
                "parameters",
                level[0].path,
            ) from None
