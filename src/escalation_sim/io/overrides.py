"""``--set path=value`` overrides applied to parsed scenario data."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from escalation_sim.config.scenario import Scenario
from escalation_sim.io.errors import InputError, suggest
from escalation_sim.io.yaml_source import load_text

MAX_SET_CHARS = 10_000


# ---------------------------------------------------------------------- overrides
def parse_assignment(text: str) -> tuple[str, Any]:
    """'mechanisms.hostile_bias=0.8' -> ('mechanisms.hostile_bias', 0.8)."""
    if "=" not in text:
        raise InputError(f"--set expects PATH=VALUE, got {text!r}", path=text)
    path, raw = text.split("=", 1)
    path = path.strip()
    if len(raw) > MAX_SET_CHARS:
        raise InputError(f"--set value longer than {MAX_SET_CHARS:,} characters", path=path)
    try:
        value = load_text(raw, "--set")[0] if raw.strip() else None
    except InputError as exc:
        if "not valid YAML" not in exc.message:
            raise InputError(exc.message, path=path) from None  # over a limit
        value = raw
    return path, value


def _model_keys(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model is not None else []


def apply_set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set one dotted path in a raw scenario mapping; ``actors.<name>.<key>`` by name."""
    parts = path.split(".")
    if not all(parts):
        raise InputError("empty part in the key path", path=path)
    target: Any = data
    model: Any = Scenario
    for i, part in enumerate(parts[:-1]):
        if isinstance(target, list):
            names = [str(item.get("name")) for item in target if isinstance(item, dict)]
            match = [item for item in target if isinstance(item, dict) and item.get("name") == part]
            if not match:
                raise InputError(
                    f"no item named {part!r}{suggest(part, names)}; known: {', '.join(names)}",
                    path=path,
                )
            target = match[0]
            model = _role_model(target)
            continue
        keys = _model_keys(model)
        if model is not None and part not in keys:
            hint = _suggest_path(path, data) if i == 0 else _full(suggest(part, keys), parts[:i])
            raise InputError(f"unknown key {part!r}{hint}", path=path)
        if part not in target or target[part] is None:
            target[part] = {}
        if not isinstance(target[part], dict | list):
            done = ".".join(parts[: i + 1])
            raise InputError(
                f"{done} is a single value ({target[part]!r}); the key path cannot go past it",
                path=path,
            )
        target = target[part]
        model = _field_model(model, part)
    last = parts[-1]
    if isinstance(target, list):
        raise InputError("a key path must end at a field, not at a list item", path=path)
    keys = _model_keys(model)
    if model is not None and last not in keys:
        hint = _full(suggest(last, keys), parts[:-1]) if len(parts) > 1 else ""
        raise InputError(f"unknown key {last!r}{hint or _suggest_path(path, data)}", path=path)
    target[last] = value


def _full(hint: str, prefix: list[str]) -> str:
    """A did-you-mean of one key as the whole dotted path it would make."""
    if not hint:
        return ""
    word = hint.split("'")[1]
    return f" (did you mean {'.'.join([*prefix, word])!r}?)"


def full_paths(data: dict[str, Any]) -> list[str]:
    """Every settable dotted path of a scenario: nested fields and ``actors.<name>.<key>``."""
    out: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name in model.model_fields:
            sub = _field_model(model, name)
            if sub is not None:
                walk(sub, f"{prefix}{name}.")
            elif name != "actors":
                out.append(prefix + name)

    walk(Scenario, "")
    for item in data.get("actors") or []:
        if isinstance(item, dict) and item.get("name"):
            role = _role_model(item)
            for key in _model_keys(role):
                if key not in ("name", "role"):
                    out.append(f"actors.{item['name']}.{key}")
    return out


def _suggest_path(path: str, data: dict[str, Any]) -> str:
    """' (did you mean 'mechanisms.hostile_bias'?)': full paths that end like ``path``."""
    paths = full_paths(data)
    ends = [p for p in paths if p.endswith("." + path)]
    if not ends:
        last = path.split(".")[-1]
        close = suggest(last, sorted({p.split(".")[-1] for p in paths}))
        if close:
            word = close.split("'")[1]
            ends = [p for p in paths if p.split(".")[-1] == word]
        else:
            ends = [p for p in paths if p.startswith(path + ".")]
    if not ends:
        return suggest(path, paths)
    shown = " or ".join(repr(p) for p in ends[:3]) + (" ..." if len(ends) > 3 else "")
    return f" (did you mean {shown}?)"


def _role_model(item: dict[str, Any]) -> type[BaseModel] | None:
    from escalation_sim.config.actors import (
        FrontlineConfig,
        InstigatorConfig,
        PatronConfig,
        SanctionerConfig,
    )

    roles = {
        "instigator": InstigatorConfig,
        "frontline": FrontlineConfig,
        "sanctioner": SanctionerConfig,
        "patron": PatronConfig,
    }
    return roles.get(item.get("role", ""))


def _field_model(model: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
    if model is None:
        return None
    ann = model.model_fields[name].annotation
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def _event_model(kind: str) -> type[BaseModel] | None:
    from escalation_sim.config.events import CrisisMeeting, Exercise, SanctionsRound, SupplyCut

    return {
        "crisis_meeting": CrisisMeeting,
        "exercise": Exercise,
        "supply_cut": SupplyCut,
        "sanctions_round": SanctionsRound,
    }.get(kind)
