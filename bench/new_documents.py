"""Documents never seen before, for the benches of issue 20: a real record's metadata and its opening lines
(版头, 主送, a marking: what the detectors read), then sentences of other real records, a number changed in
some, so that no two documents are alike and no cache keyed by content can help. From data/training (the
starter sets) and data/real (public government documents), read once."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = (PROJECT / "data" / "training" / "records.jsonl", *sorted((PROJECT / "data" / "real").glob("*.jsonl")))
HEAD_LINES = 4
_SENTENCE = re.compile(r"[^。；！？\n]*[。；！？\n]")
_NUMBER = re.compile(r"\d+")


def read_sources() -> tuple[list[dict[str, Any]], list[str]]:
    """The records with a body, and every distinct sentence of every body (longer than 6), in order."""
    records: list[dict[str, Any]] = []
    sentences: list[str] = []
    seen: set[str] = set()
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            body = record.get("body") or ""
            if not body.strip():
                continue
            records.append(record)
            for sentence in _SENTENCE.findall(body):
                if len(sentence) > 6 and sentence not in seen:
                    seen.add(sentence)
                    sentences.append(sentence)
    return records, sentences


def new_body(rng: random.Random, base: dict[str, Any], size: int, sentences: list[str], *,
             head_share: float = 0.5, cut: bool = True) -> str:
    """A body of about `size` UTF-8 bytes: `base`'s opening lines (at most head_share of it), then sentences."""
    head = "\n".join((base.get("body") or "").split("\n")[:HEAD_LINES])
    head = head.encode("utf-8")[: int(size * head_share)].decode("utf-8", "ignore")
    parts, length = [head, "\n"], len(head.encode("utf-8"))
    while length < size:
        sentence = rng.choice(sentences)
        if rng.random() < 0.3:  # a number changed: the same sentence is seldom repeated verbatim
            sentence = _NUMBER.sub(lambda m: str(rng.randint(1, 999)), sentence, count=1)
        parts.append(sentence)
        length += len(sentence.encode("utf-8"))
    body = "".join(parts)
    return body.encode("utf-8")[:size].decode("utf-8", "ignore") if cut else body
