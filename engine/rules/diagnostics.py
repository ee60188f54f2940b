"""Diagnostics: every problem in a rule file, with file:line:col, a stable code and a fix hint.

The same objects feed `gongkai rules check`, `gongkai rules test` and (later) the API's reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

# Stable codes. Each has a broken fixture in tests/rule_files/bad/<code>_*.yaml.
CODES: dict[str, str] = {
    "R001": "YAML syntax error",
    "R002": "duplicate key in a mapping",
    "R003": "unsupported YAML feature (anchor, alias, merge key or tag)",
    "R010": "missing or unknown schema version",
    "R101": "unknown key",
    "R102": "missing required key",
    "R103": "unknown field in a condition",
    "R104": "value not allowed",
    "R105": "wrong type",
    "R106": "invalid or unsafe regular expression",
    "R107": "operator not allowed for this field type",
    "R108": "malformed condition",
    "R109": "rulebook too large (rules, or the total size of its patterns)",
    "R110": "pattern too costly to run on large documents",
    "R201": "duplicate rule id",
    "R202": "rule id does not start with its folder name",
    "R203": "manifest precedence incomplete or out of legal order",
    "R204": "rule without legal basis",
    "R205": "citation does not match the statute text",
    "R206": "inconsistent outcome",
    "R207": "the rulebook cannot be compiled for durable-rules",
    "R301": "an example or scenario failed",
    "R302": "a rule lacks a firing or a non-firing example",
    "W401": "effective.until is in the past",
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    rule_id: str | None = None
    loc: tuple[Any, ...] = field(default=())

    @property
    def severity(self) -> str:
        return "warning" if self.code.startswith("W") else "error"

    def render(self, source_lines: Sequence[str] | None = None) -> str:
        """file:line:col: CODE message, the hint, and the offending line with its neighbours."""
        text = f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"
        if self.hint:
            text += f"\n    ({self.hint})"
        if source_lines and 1 <= self.line <= len(source_lines):
            for number in range(max(1, self.line - 1), min(len(source_lines), self.line + 1) + 1):
                marker = ">>" if number == self.line else "  "
                text += f"\n{marker} {number:4d} | {source_lines[number - 1]}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "code": self.code,
            "severity": self.severity, "rule_id": self.rule_id, "loc": list(self.loc),
            "message": self.message, "hint": self.hint,
        }


class RuleFileError(Exception):
    """A rulebook that cannot be loaded; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in rule files")

