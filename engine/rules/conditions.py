"""Conditions: parsing the `when:` tree into a small AST, checked against the field vocabulary."""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Union

import re2

from collections.abc import Mapping

from engine.facts.derive import FIELDS, TEXT_TYPES, FieldSpec
from engine.facts.normalize import normalize_text
from engine.rules.pattern_cost import cost_problem

COMBINATORS = ("all", "any", "none")
OPERATORS = ("equals", "in", "contains_any", "contains_all", "matches", "exists", "gt", "gte", "lt", "lte")
_ALLOWED = {
    "text": {"equals", "in", "contains_any", "contains_all", "matches", "exists"},
    "keyword": {"equals", "in", "contains_any", "contains_all", "matches", "exists"},
    "enum": {"equals", "in"},
    "list": {"contains_any", "contains_all", "exists"},
    "number": {"equals", "gt", "gte", "lt", "lte"},
}
MAX_PATTERN = 1000


@dataclass(frozen=True)
class Leaf:
    """field OP value, e.g. doc_type in [请示, 报告]."""

    field: str
    op: str
    value: Any

    @property
    def is_text(self) -> bool:
        """Text predicates are computed in Python (never by the engine's regex dialect)."""
        ftype = FIELDS[self.field].type
        return ftype == "text" or (ftype == "keyword" and self.op in ("contains_any", "contains_all", "matches"))


@dataclass(frozen=True)
class Combo:
    kind: str  # all | any | none
    children: tuple["Condition", ...]


Condition = Union[Leaf, Combo]
Report = Callable[[tuple[Any, ...], str, str, str], None]  # (loc, code, message, hint)


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is refused, or None. RE2 runs in linear time, so no pattern can backtrack."""
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is longer than {MAX_PATTERN} characters"
    if re.search(r"\\[1-9]|\(\?P=|\(\?<?[=!]", pattern):
        return "back-references and look-around are not supported (they can take exponential time)"
    with _quiet_stderr():  # RE2 logs its own copy of the error to stderr; ours is clearer
        try:
            re2.compile(pattern)
        except Exception as exc:  # re2.error carries bytes
            detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            return f"invalid regular expression: {detail}"
    return None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _suggest(name: str, choices: Any) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}?" if close else ""


def parse_condition(data: Any, loc: tuple[Any, ...], report: Report,
                    fields: Mapping[str, FieldSpec] = FIELDS) -> Condition | None:
    """Build the AST; every problem goes to `report`, and None is returned for a broken node. `fields`:
    the vocabulary the leaves may name (a document's facts; an application rule's are its own)."""
    if not isinstance(data, dict):
        report(loc, "R108", "a condition must be a mapping (all/any/none, or field plus an operator)",
               "e.g. {field: doc_type, equals: 请示}")
        return None
    combos = [k for k in data if k in COMBINATORS]
    if combos:
        if len(data) != 1:
            report(loc, "R108", f"{combos[0]!r} must be the only key of its mapping",
                   "put the other keys in a separate list item")
            return None
        kind = combos[0]
        items = data[kind]
        if not isinstance(items, list) or not items:
            report(loc + (kind,), "R108", f"{kind!r} takes a non-empty list of conditions", "")
            return None
        children = [parse_condition(item, loc + (kind, i), report, fields) for i, item in enumerate(items)]
        if any(c is None for c in children):
            return None
        return Combo(kind, tuple(c for c in children if c is not None))
    return _parse_leaf(data, loc, report, fields)


def _parse_leaf(data: dict[str, Any], loc: tuple[Any, ...], report: Report, fields: Mapping[str, FieldSpec]) -> Leaf | None:
    unknown = [k for k in data if k != "field" and k not in OPERATORS]
    for key in unknown:
        report(loc + (key,), "R101", f"unknown key {key!r} in a condition",
               _suggest(str(key), OPERATORS + COMBINATORS + ("field",)) or f"operators: {', '.join(OPERATORS)}")
    if "field" not in data:
        report(loc, "R102", "a condition needs `field` (or all/any/none)", "e.g. field: title")
        return None
    name = data["field"]
    if not isinstance(name, str) or name not in fields:
        hint = _suggest(str(name), fields) or "fields are listed in rules/README.md"
        report(loc + ("field",), "R103", f"unknown field {name!r} in condition", hint)
        return None
    ops = [k for k in data if k in OPERATORS]
    if len(ops) != 1 or unknown:
        if not unknown:
            report(loc, "R108", f"a condition takes exactly one operator, found {len(ops)}",
                   f"one of: {', '.join(OPERATORS)}")
        return None
    op, value, spec = ops[0], data[ops[0]], fields[name]
    where = loc + (op,)
    if op not in _ALLOWED[spec.type]:
        report(where, "R107", f"{op!r} cannot be used on {spec.type} field {name!r}",
               f"{spec.type} fields take: {', '.join(sorted(_ALLOWED[spec.type]))}")
        return None
    checked = _check_value(spec, name, op, value, where, report)
    return None if checked is None else Leaf(name, op, checked)


def _check_value(spec: FieldSpec, name: str, op: str, value: Any, where: tuple[Any, ...], report: Report) -> Any:
    if op == "exists":
        if not isinstance(value, bool):
            report(where, "R105", "`exists` takes true or false", "")
            return None
        return value
    if op in ("gt", "gte", "lt", "lte") or (op == "equals" and spec.type == "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            report(where, "R105", f"{op!r} on {name!r} takes a number, got {value!r}", "write e.g. 3, unquoted")
            return None
        return value
    if op == "matches":
        if not isinstance(value, str):
            report(where, "R105", "`matches` takes one pattern string", "")
            return None
        problem = regex_problem(value)
        if problem:
            report(where, "R106", problem, "use RE2 syntax: no back-references or look-around")
            return None
        costly = cost_problem(value)
        if costly:
            report(where, "R110", *costly)
            return None
        return value
    values = value if op in ("in", "contains_any", "contains_all") else [value]
    if op in ("in", "contains_any", "contains_all") and (not isinstance(value, list) or not value):
        report(where, "R105", f"{op!r} takes a non-empty list", f"e.g. {op}: [请示, 报告]")
        return None
    if not all(isinstance(v, str) and v for v in values):
        report(where, "R105", f"{op!r} on {name!r} takes non-empty strings", "quote numbers: '2024'")
        return None
    if spec.type in ("enum", "list"):
        bad = [v for v in values if v not in spec.values]
        if bad:
            report(where, "R104", f"{bad[0]!r} is not a value of {name!r}",
                   _suggest(bad[0], spec.values) or f"allowed: {', '.join(spec.values)}")
            return None
    if spec.type in TEXT_TYPES:
        values = [normalize_text(v) for v in values]
    return tuple(values) if op in ("in", "contains_any", "contains_all") else values[0]


def leaves(cond: Condition) -> list[Leaf]:
    """All leaves of a condition, depth first."""
    if isinstance(cond, Leaf):
        return [cond]
    return [leaf for child in cond.children for leaf in leaves(child)]
