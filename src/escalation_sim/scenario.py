"""Scenario files -> frozen, checked :class:`~escalation_sim.config.Scenario` objects.

The only module that knows YAML. Steps: parse (keeping line numbers), resolve
``extends:`` chains, apply ``--set`` overrides, validate with pydantic. Every
problem becomes a :class:`ScenarioError` naming the file, the line where known,
and the key path.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from escalation_sim.config import Scenario

Key = tuple[str | int, ...]


class ScenarioError(Exception):
    """A problem in an input file or override, located as precisely as possible."""

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.message, self.file, self.line, self.path = message, file, line, path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


@dataclass
class Source:
    """Raw mapping of a (resolved) file plus where each key path came from."""

    data: dict[str, Any]
    lines: dict[Key, tuple[str, int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def where(self, key: Key) -> tuple[str | None, int | None]:
        """File and line of the deepest known prefix of ``key``."""
        for n in range(len(key), -1, -1):
            if key[:n] in self.lines:
                return self.lines[key[:n]]
        return (self.files[-1] if self.files else None), None


def format_key(key: Key) -> str:
    """('actors', 2, 'posture') -> 'actors[2].posture'."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------------- parsing
def _walk(node: yaml.Node, key: Key, file: str, lines: dict[Key, tuple[str, int]]) -> None:
    lines.setdefault(key, (file, node.start_mark.line + 1))  # a key keeps its own line
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for k, v in node.value:
            line = k.start_mark.line + 1
            if k.value in seen:
                raise ScenarioError(
                    f"key {k.value!r} appears twice in this mapping (first on line "
                    f"{seen[k.value]}); the first would be silently ignored",
                    file,
                    line,
                    format_key((*key, k.value)),
                )
            seen[k.value] = line
            lines[(*key, k.value)] = (file, k.start_mark.line + 1)
            _walk(v, (*key, k.value), file, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _walk(v, (*key, i), file, lines)


def parse_yaml(path: Path) -> Source:
    """Parse one YAML file into a mapping, recording the line of every key."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read file: {exc}", name) from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError(f"not valid YAML: {exc.problem}", name, line) from None
    except yaml.reader.ReaderError as exc:  # e.g. a NUL byte: one line, with its position
        ch = exc.character
        code = ch if isinstance(ch, int) else ord(ch)
        raise ScenarioError(
            f"not valid YAML: character U+{code:04X} at offset {exc.position}: {exc.reason}",
            name,
        ) from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScenarioError(f"not valid YAML: {first}", name) from None
    if not isinstance(data, dict):
        raise ScenarioError("expected a mapping of keys at the top level", name, 1)
    lines: dict[Key, tuple[str, int]] = {}
    _walk(node, (), name, lines)
    return Source(data, lines, [name])


# ---------------------------------------------------------------------- extends
# A child file names its base with ``extends:`` and states only what changes:
#   * mappings merge key by key, recursively;
#   * lists of mappings merge by ``name``: an item whose name is in the base list
#     amends that item key by key; ``replace: true`` replaces it whole; ``remove:
#     true`` (with nothing but the name) drops it; an item with a new name, or no
#     name, is appended;
#   * an empty list replaces the base list (``events: []`` means no events);
#   * anything else (scalars, other lists) replaces the base value.
MARKERS = ("remove", "replace")

Lines = dict[Key, tuple[str, int]]


def _copy_lines(src: Source, skey: Key, mkey: Key, lines: Lines) -> None:
    """Copy the lines of ``src`` under ``skey`` to the merged path ``mkey``."""
    n = len(skey)
    for k, where in src.lines.items():
        if k[:n] == skey:
            lines[(*mkey, *k[n:])] = where


def _merge(
    base: Any,
    child: Any,
    mkey: Key,
    bkey: Key,
    ckey: Key,
    bsrc: Source,
    csrc: Source,
    lines: Lines,
) -> Any:
    """Merge ``child`` (at ``ckey`` in ``csrc``) over ``base`` (at ``bkey`` in ``bsrc``).

    Returns the merged value and records in ``lines`` where every key path of it
    (``mkey`` and below) was written: the child's line where the child set it,
    the base's line otherwise.
    """
    if isinstance(base, dict) and isinstance(child, dict):
        if bkey in bsrc.lines:
            lines[mkey] = bsrc.lines[bkey]
        if ckey in csrc.lines:
            lines[mkey] = csrc.lines[ckey]
        merged: dict[str, Any] = {}
        for k, v in base.items():
            if k not in child:
                merged[k] = v
                _copy_lines(bsrc, (*bkey, k), (*mkey, k), lines)
        for k, v in child.items():
            sub = (*mkey, k)
            if k in base:
                merged[k] = _merge(base[k], v, sub, (*bkey, k), (*ckey, k), bsrc, csrc, lines)
            else:
                merged[k] = _merge_new(v, sub, (*ckey, k), csrc, lines)
        # Keep the base's key order, new keys last.
        return {k: merged[k] for k in [*base, *(k for k in child if k not in base)]}
    if _named_list(base) and _named_list(child) and child:
        return _merge_list(base, child, mkey, bkey, ckey, bsrc, csrc, lines)
    return _merge_new(child, mkey, ckey, csrc, lines)


def _merge_new(child: Any, mkey: Key, ckey: Key, csrc: Source, lines: Lines) -> Any:
    """A child value with nothing to merge into; named lists still get their markers checked."""
    if _named_list(child) and child:
        return _merge_list([], child, mkey, None, ckey, None, csrc, lines)
    _copy_lines(csrc, ckey, mkey, lines)
    return child


def _merge_list(
    base: list[dict[str, Any]],
    child: list[dict[str, Any]],
    mkey: Key,
    bkey: Key | None,
    ckey: Key,
    bsrc: Source | None,
    csrc: Source,
    lines: Lines,
) -> list[Any]:
    """Merge a list of named mappings by name (see the rules above)."""

    def fail(message: str, j: int, key: str | None = None) -> ScenarioError:
        where = (*ckey, j, key) if key else (*ckey, j)
        return ScenarioError(message, *csrc.where(where), path=format_key(where))

    names = [item.get("name") for item in base]
    known = ", ".join(str(n) for n in names if n is not None) or "none"
    index = {n: i for i, n in enumerate(names) if n is not None}
    # plan[i] for base item i: None (removed) or (child index or None, replace?)
    plan: list[tuple[int | None, bool] | None] = [(None, False) for _ in base]
    appended: list[int] = []
    seen: dict[Any, int] = {}
    for j, item in enumerate(child):
        name = item.get("name")
        marks = {m: item[m] for m in MARKERS if m in item}
        for m, value in marks.items():
            if value is not True:
                raise fail(f"{m!r} must be true (or left out), got {value!r}", j, m)
        if len(marks) > 1:
            raise fail("an item cannot be both removed and replaced", j)
        if marks and name is None:
            raise fail(f"{next(iter(marks))}: true needs the name of a base item", j)
        if name is not None:
            if name in seen:
                raise fail(
                    f"name {name!r} appears twice in this list (first as item {seen[name]})",
                    j,
                    "name",
                )
            seen[name] = j
        if name is None or name not in index:
            if marks:
                what = next(iter(marks))
                raise fail(f"cannot {what} {name!r}: no such item in the base; known: {known}", j)
            appended.append(j)
            continue
        if "remove" in marks:
            extra = sorted(set(item) - {"name", "remove"})
            if extra:
                raise fail(f"remove: true takes only a name, not {', '.join(extra)}", j)
            plan[index[name]] = None
        else:
            plan[index[name]] = (j, "replace" in marks)
    if bkey is not None and bsrc is not None and bkey in bsrc.lines:
        lines[mkey] = bsrc.lines[bkey]
    if ckey in csrc.lines:
        lines[mkey] = csrc.lines[ckey]
    out: list[Any] = []
    for i, step in enumerate(plan):
        if step is None:
            continue
        sub = (*mkey, len(out))
        j, replace = step
        if j is None:
            assert bkey is not None and bsrc is not None
            _copy_lines(bsrc, (*bkey, i), sub, lines)
            out.append(base[i])
        elif replace:
            item = {k: v for k, v in child[j].items() if k != "replace"}
            _copy_lines(csrc, (*ckey, j), sub, lines)
            out.append(item)
        else:
            assert bkey is not None and bsrc is not None
            out.append(_merge(base[i], child[j], sub, (*bkey, i), (*ckey, j), bsrc, csrc, lines))
    for j in appended:
        sub = (*mkey, len(out))
        _copy_lines(csrc, (*ckey, j), sub, lines)
        out.append(child[j])
    return out


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) for i in value)


def load_source(path: str | Path, _chain: tuple[Path, ...] = ()) -> Source:
    """Parse a file and resolve its ``extends:`` chain (relative to the file).

    The result's ``files`` lists the chain from the first base to this file;
    its ``lines`` say for every key path which file and line set it.
    """
    path = Path(path)
    chain = (*_chain, path.resolve())
    src = parse_yaml(path)
    if "extends" not in src.data:
        return src
    parent = src.data.pop("extends")
    where = src.where(("extends",))
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError("expected the file name of the base scenario", *where, path="extends")
    target = path.parent / parent
    if target.resolve() in chain:
        cycle = " -> ".join(p.name for p in (*chain, target.resolve()))
        raise ScenarioError(f"extends cycle: {cycle}", *where, path="extends")
    if not target.is_file():
        what = "is a folder" if target.is_dir() else "not found"
        raise ScenarioError(f"base scenario {target} {what}", *where, path="extends")
    base = load_source(target, chain)
    lines: Lines = {}
    data = _merge(base.data, src.data, (), (), (), base, src, lines)
    return Source(data, lines, [*base.files, *src.files])


# ---------------------------------------------------------------------- overrides
def parse_assignment(text: str) -> tuple[str, Any]:
    """'mechanisms.hostile_bias=0.8' -> ('mechanisms.hostile_bias', 0.8)."""
    if "=" not in text:
        raise ScenarioError(f"--set expects PATH=VALUE, got {text!r}", path=text)
    path, raw = text.split("=", 1)
    path = path.strip()
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return path, value


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_keys(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model is not None else []


def apply_set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set one dotted path in a raw scenario mapping; ``actors.<name>.<key>`` by name."""
    parts = path.split(".")
    if not all(parts):
        raise ScenarioError("empty part in the key path", path=path)
    target: Any = data
    model: Any = Scenario
    for part in parts[:-1]:
        if isinstance(target, list):
            names = [str(item.get("name")) for item in target if isinstance(item, dict)]
            match = [item for item in target if isinstance(item, dict) and item.get("name") == part]
            if not match:
                raise ScenarioError(
                    f"no item named {part!r}{_suggest(part, names)}; known: {', '.join(names)}",
                    path=path,
                )
            target = match[0]
            model = _role_model(target)
            continue
        keys = _model_keys(model)
        if model is not None and part not in keys:
            raise ScenarioError(f"unknown key {part!r}{_suggest(part, keys)}", path=path)
        if part not in target or target[part] is None:
            target[part] = {}
        target = target[part]
        model = _field_model(model, part)
    last = parts[-1]
    if isinstance(target, list):
        raise ScenarioError("a key path must end at a field, not at a list item", path=path)
    keys = _model_keys(model)
    if model is not None and last not in keys:
        raise ScenarioError(f"unknown key {last!r}{_suggest(last, keys)}", path=path)
    target[last] = value


def _role_model(item: dict[str, Any]) -> type[BaseModel] | None:
    from escalation_sim.config import Frontline, Instigator, Patron, Sanctioner

    roles = {
        "instigator": Instigator,
        "frontline": Frontline,
        "sanctioner": Sanctioner,
        "patron": Patron,
    }
    return roles.get(item.get("role", ""))


def _field_model(model: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
    if model is None:
        return None
    ann = model.model_fields[name].annotation
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


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
    return _suggest(str(loc[-1]), _model_keys(model))


def _event_model(kind: str) -> type[BaseModel] | None:
    from escalation_sim.config import CrisisMeeting, Exercise, SanctionsRound, SupplyCut

    return {
        "crisis_meeting": CrisisMeeting,
        "exercise": Exercise,
        "supply_cut": SupplyCut,
        "sanctions_round": SanctionsRound,
    }.get(kind)


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
    """Validate a resolved source; the first problem becomes a ScenarioError."""
    try:
        return Scenario.model_validate(src.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _clean_loc(err["loc"])
        if err["type"] == "scenario_check":
            loc = tuple(err["ctx"]["path"])
        message = _explain(err) + _did_you_mean(err, loc, src.data)
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        file, line = src.where(loc)
        raise ScenarioError(message, file, line, format_key(loc) or None) from None


def load(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Load, resolve, override and validate a scenario file."""
    src = load_source(path)
    if overrides:
        src = Source(copy.deepcopy(src.data), src.lines, src.files)
        for text in overrides:
            key, value = parse_assignment(text)
            try:
                apply_set(src.data, key, value)
            except ScenarioError as exc:
                raise ScenarioError(exc.message, "--set", None, exc.path) from None
        try:
            return build(src)
        except ScenarioError as exc:
            hit = next(
                (
                    t.split("=", 1)[0]
                    for t in overrides
                    if exc.path and _same_path(exc.path, t.split("=", 1)[0], src.data)
                ),
                None,
            )
            if hit is not None:
                raise ScenarioError(exc.message, "--set", None, hit) from None
            raise
    return build(src)


def _same_path(formatted: str, dotted: str, data: dict[str, Any]) -> bool:
    parts = dotted.strip().split(".")
    if parts and parts[0] == "actors" and len(parts) >= 3:
        for i, item in enumerate(data.get("actors", [])):
            if isinstance(item, dict) and item.get("name") == parts[1]:
                return formatted == format_key(("actors", i, *parts[2:]))
    return formatted == dotted.strip()


def content_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario: identical for identical inputs."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def resolved_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML (``validate`` and ``describe`` show it)."""
    return yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False)
