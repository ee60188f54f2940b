"""Labelled corpora for training and cross-validation: reading, grouping, preparing examples.

Cross-validation folds must not split near-duplicates (the same notice for two years, a matter
seen at several stages), or the model is tested on what it has read. Groups are:
- near-duplicates found here: equal titles once whitespace and punctuation are gone, or bodies whose
  character 5-gram sets overlap by more than 0.6 (Jaccard), joined transitively;
- matter clusters declared beside the corpus (cv_groups.tsv, column `matter_cluster`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from engine.authoring.evaluate import LabelError, read_labelled_record
from engine.authoring.records import read_jsonl
from engine.classifier.train import Example
from engine.facts.document import Document, RecordError

NEAR_DUPLICATE_JACCARD = 0.6
_PUNCT = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    error: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.error}"


@dataclass(frozen=True)
class Labelled:
    record: dict[str, Any]
    document: Document
    gold: dict[str, str]
    file: str
    line: int


def read_labelled(paths: Sequence[Path]) -> tuple[list[Labelled], list[Problem]]:
    """Every usable labelled record, and a Problem (file, line, what) for each one that is not."""
    records: list[Labelled] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        with path.open("rb") as stream:
            for line in read_jsonl(stream):
                if line.error is not None:
                    problems.append(Problem(str(path), line.number, line.error))
                    continue
                try:
                    document, gold = read_labelled_record(line.record)
                except (LabelError, RecordError) as exc:
                    problems.append(Problem(str(path), line.number, str(exc)))
                    continue
                rid = document.id or f"{path.name}:{line.number}"
                if rid in seen:
                    problems.append(Problem(str(path), line.number, f"id {rid!r} already read at {seen[rid]}"))
                    continue
                seen[rid] = f"{path}:{line.number}"
                records.append(Labelled({**line.record, "id": rid}, document, gold, str(path), line.number))
    return records, problems


def declared_clusters(paths: Iterable[Path]) -> dict[str, str]:
    """id → matter cluster, from any cv_groups.tsv beside the corpus files."""
    clusters: dict[str, str] = {}
    for path in {p.parent / "cv_groups.tsv" for p in paths}:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh, delimiter="\t"):
                    if row.get("matter_cluster"):
                        clusters[row["id"]] = "cluster:" + row["matter_cluster"]
    return clusters


def _shingles(text: str) -> frozenset[str]:
    text = "".join(text.split())
    return frozenset(text[i:i + 5] for i in range(max(1, len(text) - 4)))


def groups(records: Sequence[Labelled], clusters: dict[str, str]) -> list[str]:
    """A group name per record: near-duplicates and declared clusters share one (union-find)."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_key: dict[str, int] = {}
    for i, rec in enumerate(records):
        for key in (clusters.get(rec.record["id"]), "title:" + _PUNCT.sub("", str(rec.record.get("title") or ""))):
            if key and key != "title:":
                if key in by_key:
                    union(i, by_key[key])
                else:
                    by_key[key] = i
    shingles = [_shingles(str(r.record.get("body") or "")) for r in records]
    # Quadratic, but a set intersection per pair: 440 records take well under a second. A corpus of
    # tens of thousands would want MinHash here.
    for i in range(len(records)):
        a = shingles[i]
        for j in range(i + 1, len(records)):
            b = shingles[j]
            small, big = (a, b) if len(a) < len(b) else (b, a)
            if len(small) < NEAR_DUPLICATE_JACCARD * len(big):
                continue  # Jaccard cannot reach the threshold
            inter = len(small & big)
            if inter / (len(a) + len(b) - inter) > NEAR_DUPLICATE_JACCARD:
                union(i, j)
    return [records[find(i)].record["id"] for i in range(len(records))]


def prepare(records: Sequence[Labelled], group_names: Sequence[str], run: Callable[..., Any],
            terms: Callable[..., Any], progress: Callable[[int, int], None] | None = None) -> list[Example]:
    """Examples with facts, the rules' decision and terms computed once."""
    out = []
    for n, (rec, group) in enumerate(zip(records, group_names, strict=True), 1):
        facts, decision = run(rec.document)
        out.append(Example(rec.record["id"], rec.document, facts, decision, terms(facts), rec.gold, group,
                           str(rec.record.get("provenance") or Path(rec.file).stem)))
        if progress:
            progress(n, len(records))
    return out
