"""Scenario files -> frozen, checked Scenario objects."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from escalation_sim.config.scenario import Scenario
from escalation_sim.io.errors import InputError, Key, Source, format_key, suggest
from escalation_sim.io.file_kind import wrong_kind
from escalation_sim.io.overrides import (
    _event_model,
    _field_model,
    _model_keys,
    _role_model,
    apply_set,
    parse_assignment,
)
from escalation_sim.io.yaml_source import load_source


# ---------------------------------------------------------------------- validation
def _explain(err: dict[str, Any]) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if "input" in err and kind not in ("scenario_check",):
        got = err["input"]
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        return f"{msg[0].lower()}{msg[1:]} (got {shown})"
    return msg


def _did_you_mean(err: dict[str, Any], loc: Key, data: dict[str, Any]) -> str:
    if err["type"] != "extra_forbidden":
        return ""
    parent = loc[:-1]
    model: Any = Scenario
    container: Any = data
    for part in parent:
        container = container[part] if container is not None else None
        if isinstance(part, int):
            model = _role_model(container) if isinstance(container, dict) else None
            if model is None and isinstance(container, dict) and "type" in container:
                model = _event_model(container["type"])
        elif model is not None:
            model = _field_model(model, part) if part in model.model_fields else None
    return suggest(str(loc[-1]), _model_keys(model))


def _unknown_tag(err: dict[str, Any], loc: Key) -> tuple[Key, str]:
    """A misspelt ``role`` of an actor or ``type`` of an event, with a did-you-mean."""
    ctx = err.get("ctx") or {}
    key = str(ctx.get("discriminator", "")).strip("'\"") or "role"
    tag = str(ctx.get("tag", ""))
    expected = [t.strip(" '\"") for t in str(ctx.get("expected_tags", "")).split(",") if t]
    message = f"unknown {key} {tag!r}{suggest(tag, expected)}; expected one of " + ", ".join(
        expected
    )
    return (*loc, key), message


def _clean_loc(loc: tuple[Any, ...]) -> Key:
    # pydantic adds the union tag (e.g. 'frontline') into the loc of tagged unions.
    roles = {
        "instigator",
        "frontline",
        "sanctioner",
        "patron",
        "crisis_meeting",
        "exercise",
        "supply_cut",
        "sanctions_round",
    }
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part in roles and i > 0 and isinstance(loc[i - 1], int):
            continue
        out.append(part)
    return tuple(out)


def build(src: Source) -> Scenario:
    """Validate a resolved source; the first problem becomes a InputError."""
    try:
        return Scenario.model_validate(src.data)
    except ValidationError as exc:
        other = wrong_kind(src.data, "scenario", src.files[-1] if src.files else None)
        if other is not None:
            raise other from None
        err = exc.errors()[0]
        loc = _clean_loc(err["loc"])
        if err["type"] == "scenario_check":
            loc = tuple(err["ctx"]["path"])
        message = _explain(err) + _did_you_mean(err, loc, src.data)
        if err["type"] == "union_tag_invalid":
            loc, message = _unknown_tag(err, loc)
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        file, line = src.where(loc)
        raise InputError(message, file, line, format_key(loc) or None) from None


def load(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Load, resolve, override and validate a scenario file."""
    src = load_source(path)
    if overrides:
        src = Source(copy.deepcopy(src.data), src.lines, src.files)
        for text in overrides:
            key, value = parse_assignment(text)
            try:
                apply_set(src.data, key, value)
            except InputError as exc:
                raise InputError(exc.message, "--set", None, exc.path) from None
        try:
            return build(src)
        except InputError as exc:
            hit = next(
                (
                    t.split("=", 1)[0]
                    for t in overrides
                    if exc.path and _same_path(exc.path, t.split("=", 1)[0], src.data)
                ),
                None,
            )
            if hit is not None:
                raise InputError(exc.message, "--set", None, hit) from None
            raise
    return build(src)


def _same_path(formatted: str, dotted: str, data: dict[str, Any]) -> bool:
    parts = dotted.strip().split(".")
    if parts and parts[0] == "actors" and len(parts) >= 3:
        for i, item in enumerate(data.get("actors", [])):
            if isinstance(item, dict) and item.get("name") == parts[1]:
                return formatted == format_key(("actors", i, *parts[2:]))
    return formatted == dotted.strip()


def resolved_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML (``validate`` and ``describe`` show it)."""
    return yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False)


def scenario_variant(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """The scenario with model-level parameter values set (and re-validated)."""
    if not values:
        return scenario
    data = scenario.model_dump(mode="json")
    for path, value in values.items():
        apply_set(data, path, value)
    return build(Source(data))
