"""YAML parsed with line numbers, and ``extends:`` chains merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from escalation_sim.io.errors import InputError, Key, Lines, Source, format_key


# ---------------------------------------------------------------------- parsing
def _walk(node: yaml.Node, key: Key, file: str, lines: dict[Key, tuple[str, int]]) -> None:
    lines.setdefault(key, (file, node.start_mark.line + 1))  # a key keeps its own line
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for k, v in node.value:
            line = k.start_mark.line + 1
            if k.value in seen:
                raise InputError(
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


# Limits on what one input file may make the loader build: a few MB and a few
# seconds at most, whatever the file (anchors and aliases, ``&a [*b, *b]``, can
# otherwise expand a few hundred bytes into billions of nodes).
MAX_BYTES = 4 * 1024 * 1024  # the document's size
MAX_NODES = 200_000  # nodes once every alias is expanded
MAX_DEPTH = 32  # nesting of mappings and lists


class _TooBig(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message, self.line = message, (mark.line + 1 if mark is not None else None)


class LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing while it composes a document over the limits.

    It counts every node as the key walk and the constructors would see it, an
    alias as the whole node it names, and refuses an alias to a node that
    contains it (a recursive document) and nesting deeper than ``MAX_DEPTH``.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.total = 0
        self.depth = 0
        self.sizes: dict[int, int] = {}

    def _count(self, n: int, mark: yaml.Mark | None) -> None:
        self.total += n
        if self.total > MAX_NODES:
            raise _TooBig(
                f"the document expands to more than {MAX_NODES:,} values (anchors and "
                "aliases count once per use); refusing it",
                mark,
            )

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node as PyYAML does, counting it (an alias: its whole size)."""
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            size = self.sizes.get(id(node))
            if size is None:
                raise _TooBig("an alias refers to a value that contains it (recursive)", mark)
            self._count(size, mark)
            return node
        mark = self.peek_event().start_mark
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooBig(f"nested more than {MAX_DEPTH} levels deep; refusing it", mark)
        before = self.total
        self._count(1, mark)
        node = super().compose_node(parent, index)
        self.depth -= 1
        self.sizes[id(node)] = self.total - before
        return node

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        """A date or time as PyYAML reads it; an impossible one (2021-02-30) is a YAML error."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"not a valid date: {node.value!r} ({exc})", node.start_mark
            ) from None


LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", LimitedLoader.construct_yaml_timestamp)


def load_text(text: str, name: str) -> Any:
    """Parse one YAML document within the limits; any problem is one located InputError."""
    try:
        loader = LimitedLoader(text)
        try:
            node = loader.get_single_node()
            return (loader.construct_document(node) if node is not None else None), node
        finally:
            loader.dispose()
    except _TooBig as exc:
        raise InputError(exc.message, name, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(f"not valid YAML: {exc.problem}", name, line) from None
    except yaml.reader.ReaderError as exc:  # e.g. a NUL byte: one line, with its position
        ch = exc.character
        code = ch if isinstance(ch, int) else ord(ch)
        raise InputError(
            f"not valid YAML: character U+{code:04X} at offset {exc.position}: {exc.reason}",
            name,
        ) from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"not valid YAML: {first}", name) from None


def read_text(path: Path) -> str:
    """The text of an input file: a regular file of at most ``MAX_BYTES``, in UTF-8."""
    name = str(path)
    try:
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "is not a regular file"
            if not path.exists():
                dangling = "a link to nothing (or a loop of links)"
                what = dangling if path.is_symlink() else "file not found"
            raise InputError(what, name)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(
                f"larger than {MAX_BYTES // (1024 * 1024)} MB; an input file this big is "
                "not a scenario or an experiment",
                name,
            )
        return data.decode("utf-8")
    except FileNotFoundError:
        raise InputError("file not found", name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", name) from None


def parse_yaml(path: Path) -> Source:
    """Parse one YAML file into a mapping, recording the line of every key."""
    name = str(path)
    text = read_text(path)
    data, node = load_text(text, name)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of keys at the top level", name, 1)
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


def _copy_lines(src: Source, skey: Key, mkey: Key, lines: Lines) -> None:
    """Copy the lines of ``src`` under ``skey`` to the merged path ``mkey``."""
    n = len(skey)
    for k, where in src.lines.items():
        if k[:n] == skey:
            lines[(*mkey, *k[n:])] = where


def _container_lines(
    mkey: Key, bkey: Key | None, ckey: Key, bsrc: Source | None, csrc: Source, lines: Lines
) -> None:
    """A merged mapping or list stands where the child wrote it, else where the base did."""
    if bkey is not None and bsrc is not None and bkey in bsrc.lines:
        lines[mkey] = bsrc.lines[bkey]
    if ckey in csrc.lines:
        lines[mkey] = csrc.lines[ckey]


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
        _container_lines(mkey, bkey, ckey, bsrc, csrc, lines)
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


# What becomes of one base item: None (removed), or (the index of the child item
# that amends or replaces it, or None to keep it as it is; replace?).
_Step = tuple[int | None, bool] | None


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
    """Merge a list of named mappings by name (see the rules above).

    The base items come first, in their order (kept, amended or replaced; removed
    ones left out), then the child's new items in theirs.
    """
    plan, appended = _list_plan(base, child, ckey, csrc)
    _container_lines(mkey, bkey, ckey, bsrc, csrc, lines)
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


def _list_plan(
    base: list[dict[str, Any]], child: list[dict[str, Any]], ckey: Key, csrc: Source
) -> tuple[list[_Step], list[int]]:
    """Match the child's items to the base's by name, checking them before anything is merged.

    Returns a step for every base item and the indices of the child items to append.
    """
    names = [item.get("name") for item in base]
    known = ", ".join(str(n) for n in names if n is not None) or "none"
    index = {n: i for i, n in enumerate(names) if n is not None}
    plan: list[_Step] = [(None, False) for _ in base]
    appended: list[int] = []
    seen: dict[Any, int] = {}
    for j, item in enumerate(child):
        name = item.get("name")
        marks = _item_marks(item, j, ckey, csrc)
        if name is not None:
            if name in seen:
                raise _item_error(
                    f"name {name!r} appears twice in this list (first as item {seen[name]})",
                    j,
                    ckey,
                    csrc,
                    "name",
                )
            seen[name] = j
        if name is None or name not in index:
            if marks:
                what = next(iter(marks))
                raise _item_error(
                    f"cannot {what} {name!r}: no such item in the base; known: {known}",
                    j,
                    ckey,
                    csrc,
                )
            appended.append(j)
            continue
        if "remove" in marks:
            extra = sorted(set(item) - {"name", "remove"})
            if extra:
                raise _item_error(
                    f"remove: true takes only a name, not {', '.join(extra)}", j, ckey, csrc
                )
            plan[index[name]] = None
        else:
            plan[index[name]] = (j, "replace" in marks)
    return plan, appended


def _item_marks(item: dict[str, Any], j: int, ckey: Key, csrc: Source) -> dict[str, Any]:
    """The markers (``remove``, ``replace``) of child item ``j``: true, one at most, with a name."""
    marks = {m: item[m] for m in MARKERS if m in item}
    for m, value in marks.items():
        if value is not True:
            raise _item_error(f"{m!r} must be true (or left out), got {value!r}", j, ckey, csrc, m)
    if len(marks) > 1:
        raise _item_error("an item cannot be both removed and replaced", j, ckey, csrc)
    if marks and item.get("name") is None:
        raise _item_error(f"{next(iter(marks))}: true needs the name of a base item", j, ckey, csrc)
    return marks


def _item_error(
    message: str, j: int, ckey: Key, csrc: Source, key: str | None = None
) -> InputError:
    """An error located at child item ``j`` of the list at ``ckey``, or at its ``key``."""
    where = (*ckey, j, key) if key else (*ckey, j)
    return InputError(message, *csrc.where(where), path=format_key(where))


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) for i in value)


def _resolve(path: Path) -> Path:
    """The absolute path of a file, following links; a loop of links is an InputError."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:
        raise InputError(f"cannot follow {path}: {exc}", str(path)) from None


def load_source(path: str | Path, _chain: tuple[Path, ...] = ()) -> Source:
    """Parse a file and resolve its ``extends:`` chain (relative to the file).

    The result's ``files`` lists the chain from the first base to this file;
    its ``lines`` say for every key path which file and line set it.
    """
    path = Path(path)
    src = parse_yaml(path)
    chain = (*_chain, _resolve(path))
    if "extends" not in src.data:
        return src
    parent = src.data.pop("extends")
    where = src.where(("extends",))
    if not isinstance(parent, str) or not parent.strip():
        raise InputError("expected the file name of the base scenario", *where, path="extends")
    target = path.parent / parent
    try:
        resolved = _resolve(target)
    except InputError as exc:
        raise InputError(exc.message, *where, path="extends") from None
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise InputError(f"extends cycle: {cycle}", *where, path="extends")
    if not target.is_file():
        what = "is a folder" if target.is_dir() else "not found"
        raise InputError(f"base scenario {target} {what}", *where, path="extends")
    base = load_source(target, chain)
    lines: Lines = {}
    data = _merge(base.data, src.data, (), (), (), base, src, lines)
    return Source(data, lines, [*base.files, *src.files])
