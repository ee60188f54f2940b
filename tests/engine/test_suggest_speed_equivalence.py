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


def _texts() -> list[str]:
    """Every title and body, and strings of digits, separators and labels (the personal-data scans' matter)."""
    rng = random.Random(15)
    pieces = ["1", "3", "8", "0", "9", "19", "20", " ", "-", "(010)", "（021）", "010-", "电话:", "Tel", "X", "年", "，",
              "\u3000", "１", "Ａ", "13912345678", "110105194912310028", "6222021234567890123"]
    made = ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 40))) for _ in range(3000)]
    return [t for r in (*records(), *unseen()) for t in (r.get("title") or "", r.get("body") or "")] + made


def test_full_width_folding_is_the_translation_table() -> None:
    from engine.facts import normalize

    texts = _texts()
    assert sum(1 for t in texts if normalize._NEEDS.search(t)) > 100
    assert all(normalize.normalize_text(t) == t.translate(normalize._TABLE) for t in texts)


def test_a_personal_data_scan_skipped_would_have_found_nothing() -> None:
    from engine.facts import personal_data as pd

    scans = (pd._ID, pd._CARD, pd._MOBILE, pd._LANDLINE, pd._LANDLINE_LABELLED)  # in _MAY_MATCH's order
    found = 0
    for text in _texts():
        may = set(pd._MAY_MATCH.Match(text) or ())
        for i, scan in enumerate(scans):
            hits = pd._scan(scan, text)
            assert not hits or i in may, (scan.pattern, text)
            found += bool(hits)
    assert found > 300, "the scans find something, so a skipped one would be seen"
