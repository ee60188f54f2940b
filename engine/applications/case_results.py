"""The decision that ends a 行政复议 or 行政诉讼 case, as written, and the result group of Table 四 it is
counted in (applications.md §3.3 [P]): data (data/applications/case_results.yaml), so that legal staff can
add a decision without code. The office picks the decision; the group follows from the table; a decision the
table does not know, or one that cannot end a case of that kind, is refused with the list of those it knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from engine.paths import data_dir

CASE_RESULTS_FILE = Path("applications") / "case_results.yaml"


class CaseKind(StrEnum):
    """Table 四's three groups."""

    RECONSIDERATION = "reconsideration"  # 行政复议
    LITIGATION_DIRECT = "litigation_direct"  # 行政诉讼 未经复议直接起诉
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration"  # 行政诉讼 复议后起诉


class CaseResult(StrEnum):
    """A concluded case's result group; a pending case has none (尚未审结)."""

    MAINTAINED = "maintained"  # 结果维持
    CORRECTED = "corrected"  # 结果纠正
    OTHER = "other"  # 其他结果


KIND_LABELS = {CaseKind.RECONSIDERATION: "行政复议", CaseKind.LITIGATION_DIRECT: "行政诉讼 未经复议直接起诉",
               CaseKind.LITIGATION_AFTER_RECONSIDERATION: "行政诉讼 复议后起诉"}
LITIGATION = (CaseKind.LITIGATION_DIRECT, CaseKind.LITIGATION_AFTER_RECONSIDERATION)
_KIND_WORDS: dict[str, tuple[CaseKind, ...]] = {**{k.value: (k,) for k in CaseKind}, "litigation": LITIGATION}


class CaseResultsError(ValueError):
    """The decision table is malformed; the message names every problem."""


class UnknownDecision(ValueError):
    """A decision the table does not know for this kind of case; `known` lists those it knows."""

    def __init__(self, decision: str, kind: CaseKind, known: Sequence[str]) -> None:
        self.decision, self.kind, self.known = decision, kind, tuple(known)
        super().__init__(f"unknown decision {decision!r} for a {kind.value} case ({KIND_LABELS[kind]}); known: "
                         + ", ".join(self.known))


@dataclass(frozen=True)
class Decision:
    """One decision as written, its result group, the kinds of case it can end and its basis."""

    decision: str
    result: CaseResult
    kinds: tuple[CaseKind, ...]
    basis: str


@dataclass(frozen=True)
class CaseResults:
    """The checked table, in the file's order."""

    decisions: tuple[Decision, ...]

    def known(self, kind: CaseKind | str) -> list[str]:
        """The decisions that can end a case of `kind`, in the file's order."""
        return [d.decision for d in self.decisions if CaseKind(kind) in d.kinds]

    def result_of(self, decision: str, kind: CaseKind | str) -> CaseResult:
        """The result group of `decision` ending a case of `kind`; UnknownDecision with the known ones.

        Examples:
            >>> default_results().result_of("判决驳回诉讼请求", "litigation_direct")
            <CaseResult.MAINTAINED: 'maintained'>
            >>> default_results().result_of("撤销", "reconsideration")
            <CaseResult.CORRECTED: 'corrected'>
        """
        kind = CaseKind(kind)
        for d in self.decisions:
            if d.decision == decision.strip() and kind in d.kinds:
                return d.result
        raise UnknownDecision(decision, kind, self.known(kind))


def _decision(entry: Any, problems: list[str]) -> Decision | None:
    if not isinstance(entry, Mapping):
        problems.append(f"{entry!r}: each decision is a mapping")
        return None
    name, result, basis = str(entry.get("decision") or "").strip(), entry.get("result"), str(entry.get("basis") or "")
    kinds = entry.get("kinds") or []
    if not name:
        problems.append(f"{dict(entry)!r}: a decision needs its words")
    if result not in {r.value for r in CaseResult}:
        problems.append(f"{name or '?'}: result must be one of {', '.join(r.value for r in CaseResult)}, "
                        f"not {result!r}")
    wrong = [k for k in kinds if k not in _KIND_WORDS] if isinstance(kinds, list) else [kinds]
    if not kinds or wrong:
        problems.append(f"{name or '?'}: kinds must be a list of {', '.join(_KIND_WORDS)}; wrong: {wrong!r}")
    if not name or result not in {r.value for r in CaseResult} or not kinds or wrong:
        return None
    expanded = tuple(dict.fromkeys(k for word in kinds for k in _KIND_WORDS[word]))
    return Decision(name, CaseResult(result), expanded, basis)


def parse_case_results(data: Mapping[str, Any]) -> CaseResults:
    """Check and build the table from the YAML's data; CaseResultsError listing every problem."""
    problems: list[str] = []
    decisions: list[Decision] = []
    seen: set[str] = set()
    for entry in data.get("decisions") or ():
        decision = _decision(entry, problems)
        if decision is None:
            continue
        if decision.decision in seen:
            problems.append(f"{decision.decision}: written twice")
        seen.add(decision.decision)
        decisions.append(decision)
    for kind in CaseKind:
        if not any(kind in d.kinds for d in decisions):
            problems.append(f"no decision can end a {kind.value} case")
    if problems:
        raise CaseResultsError("; ".join(problems))
    return CaseResults(tuple(decisions))


def load_case_results(path: Path | None = None) -> CaseResults:
    """The table in `path` (default data/applications/case_results.yaml under the data directory)."""
    file = path or data_dir() / CASE_RESULTS_FILE
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise CaseResultsError(f"{file}: not a mapping")
    return parse_case_results(data)


@lru_cache(maxsize=1)
def default_results() -> CaseResults:
    """The project's table, read once."""
    return load_case_results()
