"""The suggestion's fast paths give what the plain computation gives, on every real and starter record and
on documents made of their sentences that no run has seen (issue 20: bench/suggest_bench.py).

Each fast path is checked against a slow computation of the same thing kept for that purpose, over the
same documents: the text predicates (a keyword set and a filtered pattern set per field) against each
leaf searched alone (engine/rules/reference_backend.leaf_holds), and the whole suggestion with the durable
backend against the one with the reference evaluator, the model included.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from typing import Any

import pytest

from engine.classifier.model import Model
from engine.facts.derive import Facts, derive_facts
from engine.facts.document import Document, document_from_record
from engine.paths import PROJECT_ROOT
from engine.rules.durable_backend import DurableBackend
from engine.rules.reference_backend import leaf_holds
from engine.rules.rulebook import Rulebook
from engine.suggest import Suggester

SOURCES = (PROJECT_ROOT / "data" / "training" / "records.jsonl",
           *sorted((PROJECT_ROOT / "data" / "real").glob("*.jsonl")))
_SENTENCE = re.compile(r"[^。；！？\n]*[。；！？\n]")


@cache
def records() -> tuple[dict[str, Any], ...]:
    out = []
    for path in SOURCES:
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(out) > 900, "the starter and real corpora"
    return tuple(out)


@cache
def unseen() -> tuple[dict[str, Any], ...]:
    """Documents of 1 to 8 KB: a record's metadata and header, then other records' sentences shuffled, so
    that the automata meet text they have not been warmed on (the case the fast paths were made for)."""
    rng = random.Random(20)
    sentences = sorted({s for r in records() for s in _SENTENCE.findall(r.get("body") or "") if len(s) > 6})
    out = []
    for i in range(120):
        base = rng.choice(records())
        size = rng.choice((1024, 4096, 8192))
        body = "\n".join((base.get("body") or "").split("\n")[:4]) + "\n"
        while len(body.encode("utf-8")) < size:
            body += rng.choice(sentences)
        out.append({**base, "id": f"unseen-{i}", "title": f"{base.get('title') or ''}（{i}）", "body": body})
    return tuple(out)


def documents() -> list[Document]:
    return [document_from_record(r) for r in (*records(), *unseen())]


@pytest.fixture(scope="module")
def facts() -> list[Facts]:
    return [derive_facts(doc) for doc in documents()]


def test_text_predicates_are_each_leaf_searched_alone(rulebook: Rulebook, facts: list[Facts]) -> None:
    predicates = DurableBackend(rulebook.active()).predicates
    assert any(leaf.op == "matches" for leaf in predicates.flags) and any(
        leaf.op == "contains_any" for leaf in predicates.flags), "the rulebook has both kinds"
    held = 0
    for one in facts:
        flags = predicates.evaluate(one)
        expected = {flag: leaf_holds(leaf, one) for leaf, flag in predicates.flags.items()}
        assert flags == expected, one["title"]
        held += sum(flags.values())
    assert held > len(facts), "leaves hold on these documents, so a flag never set would be seen"


def test_the_suggestion_is_the_reference_evaluators(rulebook: Rulebook, model: Model) -> None:
    fast, slow = Suggester(rulebook, "durable", model), Suggester(rulebook, "reference", model)
    hits = 0
    for doc in documents():
        suggestion = fast.suggest(doc)
        assert suggestion == slow.suggest(doc), doc.id
        hits += len(suggestion["hits"])
    assert hits > 500
