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
class ApplicationRules:
    """The application rules of a rule set (rules/applications/): they decide an application's
    `application_outcome` from its own facts (engine/rules/application_rules.py), never a document's fields;
    `order` is the manifest's precedence of that field (empty when the manifest gives none)."""

    rules: tuple[Rule, ...] = ()
    order: tuple[str, ...] = ()

    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.mode is not RuleMode.DISABLED)


@dataclass(frozen=True)
class Rulebook:
    """Every rule of a directory, the manifest's precedence and the revision of the files."""

    rules: tuple[Rule, ...]
    precedence: Precedence
    revision: str
    name: str
    scenarios: tuple[Scenario, ...] = field(default=())
    thresholds: tuple[Threshold, ...] = field(default=())
    applications: ApplicationRules = field(default=ApplicationRules())  # never evaluated on a document

    def active(self) -> tuple[Rule, ...]:
        """Rules that are evaluated: enforce and monitor."""
        return tuple(r for r in self.rules if r.mode is not RuleMode.DISABLED)

    def by_id(self) -> dict[str, Rule]:
        return self._by_id

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


def read_files(directory: Path) -> dict[str, bytes]:
    """The bytes of every file of a rules directory by its relative POSIX path (what the loader reads
    and the revision hashes)."""
    return {PurePosixPath(*p.relative_to(directory).parts).as_posix(): p.read_bytes()
            for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def file_order(name: str) -> tuple[str, ...]:
    """The sort key of a relative path: part by part, as pathlib sorts paths (`a/x` before `a-b/x`)."""
    return tuple(name.split("/"))


def revision(files: Mapping[str, str | bytes]) -> str:
    """sha256 over the sorted (relative path, bytes) of every file of a rule set; text counts as its
    UTF-8 bytes, so a directory and the same files sent as text have the same revision."""
    digest = hashlib.sha256()
    for name in sorted(files, key=file_order):
        data = files[name]
        digest.update(name.encode() + b"\0" + (data.encode("utf-8") if isinstance(data, str) else data) + b"\0")
    return digest.hexdigest()


def revision_of(directory: Path) -> str:
    """The revision of every file under a rules directory."""
    return revision(read_files(directory))


def files_of(directory: Path) -> dict[str, str]:
    """The text of every file of a rules directory by its relative POSIX path: a whole rule set as
    `gongkai rules bundle` prints it and the service stores each revision (line ends kept as written,
    so the text has the directory's revision)."""
    return {name: data.decode("utf-8") for name, data in read_files(directory).items()}
