"""Strict YAML loading that remembers where every value came from.

PyYAML's composed node tree carries marks, so each value's (line, column) is kept in a map from its
location path. Anchors, aliases, merge keys and custom tags are refused (R003), duplicate keys are
refused (R002), and YAML 1.1's surprising booleans (yes/no/on/off) and dates stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.rules.diagnostics import Diagnostic

Loc = tuple[Any, ...]

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "seq", "map")
}


class StrictLoader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans and dates stay strings."""


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|false)$"), list("tf"))

# The same rules on libyaml's parser: ten times faster than the pure-Python one (a rulebook loads at
# every start, and twice per backtest). Where PyYAML was built without libyaml, the Python one.
if getattr(yaml, "__with_libyaml__", False):
    class FastStrictLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """StrictLoader's resolvers on the C parser."""

    FastStrictLoader.yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers
    _COMPOSER: Any = FastStrictLoader
else:  # pragma: no cover
    _COMPOSER = StrictLoader


@dataclass(frozen=True)
class Located:
    """Plain data from one YAML file (by its display name), and the position of every value in it."""

    file: str
    data: Any
    positions: dict[Loc, tuple[int, int]]
    lines: list[str]

    def position(self, loc: Loc) -> tuple[int, int]:
        """(line, column) of the longest known prefix of `loc`; (1, 1) for the file itself."""
        for cut in range(len(loc), -1, -1):
            if tuple(loc[:cut]) in self.positions:
                return self.positions[tuple(loc[:cut])]
        return (1, 1)


_SCALARS = StrictLoader("")  # only its constructors are used, for scalar nodes


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node: yaml.Node, loc: Loc, positions: dict[Loc, tuple[int, int]], name: str, anchors: set[int]) -> Any:
    positions[loc] = _pos(node)
    if id(node) in anchors:
        line, col = _pos(node)
        raise _Refused(Diagnostic(name, line, col, "R003", "anchors and aliases (&, *) are not supported",
                                  "write the value out in full; rules must be readable on their own"))
    anchors.add(id(node))
    if node.tag not in _STANDARD_TAGS:
        line, col = _pos(node)
        raise _Refused(Diagnostic(name, line, col, "R003", f"custom tag {node.tag!r} is not supported",
                                  "remove the tag; plain YAML values only"))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                line, col = _pos(key_node)
                raise _Refused(Diagnostic(name, line, col, "R003", "merge keys (<<) are not supported",
                                          "copy the keys into this mapping"))
            key = key_node.value
            if key in out:
                line, col = _pos(key_node)
                first = positions.get(loc + (key,), (0, 0))
                raise _Refused(Diagnostic(name, line, col, "R002", f"duplicate key {key!r}",
                                          f"it was already given at line {first[0]}; keep one"))
            positions[loc + (key,)] = _pos(key_node)
            out[key] = _build(value_node, loc + (key,), positions, name, anchors)
            if isinstance(value_node, yaml.ScalarNode):  # a scalar is shown at its key; a block at its start
                positions[loc + (key,)] = _pos(key_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), positions, name, anchors) for i, item in enumerate(node.value)]
    value = _SCALARS.construct_object(node, deep=True)
    # construct_object remembers every node it has built (for aliases, which are refused here anyway):
    # forget it, or this module-level constructor keeps every rule file ever read alive, nodes and marks,
    # for the life of the process (each validation and activation reads a whole rule set).
    _SCALARS.constructed_objects.pop(node, None)
    return value


def parse_located(source: str | bytes, display: str) -> Located | Diagnostic:
    """Parse one file's text (or its bytes as read, decoded as UTF-8); a Diagnostic instead of data
    when it cannot be read as YAML at all. `display` is the name diagnostics give the file."""
    try:
        text = source.decode("utf-8") if isinstance(source, bytes) else source
    except UnicodeDecodeError as exc:
        return Diagnostic(display, 1, 1, "R001", f"the file is not valid UTF-8 (byte {exc.start})",
                          "save the file as UTF-8")
    lines = text.splitlines()
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Diagnostic(display, line, col, "R001", f"YAML syntax error: {exc.problem or exc.context}",
                          "check indentation and quoting on this line and the one above")
    except yaml.YAMLError as exc:
        return Diagnostic(display, 1, 1, "R001", f"YAML error: {exc}", "")
    positions: dict[Loc, tuple[int, int]] = {}
    if root is None:
        return Located(display, None, positions, lines)
    try:
        data = _build(root, (), positions, display, set())
    except _Refused as refused:
        return refused.diagnostic
    return Located(display, data, positions, lines)


def load_located(path: Path, display: str) -> Located | Diagnostic:
    """parse_located on a file's bytes."""
    return parse_located(path.read_bytes(), display)
