"""Rulebook: the validated rules of a rules directory, its manifest and its revision hash."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from engine.rules.conditions import Condition
from engine.vocabulary import RuleMode


@dataclass(frozen=True)
class Example:
    name: str
    document: Mapping[str, Any]
    expect: str  # fires | does_not_fire
    file: str
    line: int


@dataclass(frozen=True)
class Rule:
    """One validated rule, ready for either backend."""

    id: str
    title: str
    mode: RuleMode
    confidence: float
    outcome: Mapping[str, str]
    legal_basis: tuple[Mapping[str, Any], ...]
    when: Condition
    examples: tuple[Example, ...]
    file: str
    line: int
    effective_from: str | None = None
    effective_until: str | None = None
    note: str | None = None

    def in_effect(self, on: dt.date) -> bool:
        """Whether the rule applies to a document signed on `on` (dates inclusive)."""
        if self.effective_from and on < dt.date.fromisoformat(self.effective_from):
            return False
        return not (self.effective_until and on > dt.date.fromisoformat(self.effective_until))

    def citation(self) -> str:
        """The legal basis as a reader would write it: 政府信息公开条例第16条第2款."""
        return self._citation

    @cached_property  # a frozen dataclass keeps it in the instance dict; every suggestion shows it
    def _citation(self) -> str:
        parts = []
        for basis in self.legal_basis:
            text = f"{basis['source']}第{basis['article']}条"
            if basis.get("paragraph"):
                text += f"第{basis['paragraph']}款"
            if basis.get("item"):
                text += f"第{basis['item']}项"
            parts.append(text)
        return "；".join(parts)

    def describe(self) -> dict[str, Any]:
        """The rule as `gongkai rules list` and explanations show it."""
        return {
            "id": self.id, "title": self.title, "mode": self.mode.value, "confidence": self.confidence,
            "outcome": dict(self.outcome), "legal_basis": [dict(b) for b in self.legal_basis],
            "citation": self.citation(), "file": self.file, "line": self.line,
            "effective": {"from": self.effective_from, "until": self.effective_until},
        }


@dataclass(frozen=True)
class Precedence:
    """The manifest's order for each decided field: earlier wins."""

    order: Mapping[str, tuple[str, ...]]

    def rank(self, field_name: str, value: str) -> int:
        return self.order[field_name].index(value)


@dataclass(frozen=True)
class Threshold:
    """The manifest's floor (at_least) or ceiling (at_most) for one backtest metric."""

    metric: str
    at_least: float | None = None
    at_most: float | None = None
    note: str | None = None

    def holds(self, value: float) -> bool:
        if self.at_least is not None:
            return value >= self.at_least
        return self.at_most is None or value <= self.at_most

    def describe(self) -> str:
        return f"{self.metric} at least {self.at_least}" if self.at_least is not None \
            else f"{self.metric} at most {self.at_most}"


@dataclass(frozen=True)
class Scenario:
    name: str
    document: Mapping[str, Any]
    expect: Mapping[str, Any]
    file: str
    line: int


@dataclass(frozen=True)
class Rulebook:
    """Every rule of a directory, the manifest's precedence and the revision of the files."""

    rules: tuple[Rule, ...]
    precedence: Precedence
    revision: str
    name: str
    scenarios: tuple[Scenario, ...] = field(default=())
    thresholds: tuple[Threshold, ...] = field(default=())

    def active(self) -> tuple[Rule, ...]:
        """Rules that are evaluated: enforce and monitor."""
        return tuple(r for r in self.rules if r.mode is not RuleMode.DISABLED)

    def by_id(self) -> dict[str, Rule]:
        return self._by_id

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


def _paths(directory: Path) -> list[Path]:
    """Every file of a rules directory, sorted: what its revision is the hash of."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def revision_of(directory: Path) -> str:
    """sha256 over the sorted (relative path, bytes) of every file under the rules directory."""
    digest = hashlib.sha256()
    for path in _paths(directory):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def files_of(directory: Path) -> dict[str, str]:
    """The text of every file of a rules directory by its relative POSIX path: a whole rule set as
    `gongkai rules bundle` prints it and the service stores each revision."""
    return {str(PurePosixPath(*p.relative_to(directory).parts)): p.read_text(encoding="utf-8")
            for p in _paths(directory)}

