"""The document's fields in one place (engine/facts/document.DOCUMENT_FIELDS): the push model, the
engine's record and the Chinese labels follow it; the content identity stays what stored versions
were hashed with; SCHEMA's exchange records, `source` included, are accepted as they are."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from api.items.intake import content_hash
from api.schemas import DocumentIn
from engine.facts import document as document_module
from engine.facts.document import DOCUMENT_FIELDS, TEXT_FIELDS, DocumentField, content_hashes
from engine.paths import PROJECT_ROOT
from engine.vocabulary import DECIDED_FIELDS, FIELD_LABELS_ZH
from tests.service.conftest import Api

SAMPLE = PROJECT_ROOT / "data" / "samples" / "document.json"


def test_the_push_model_and_the_engine_read_the_registry() -> None:
    assert set(DocumentIn.model_fields) == {f.name for f in DOCUMENT_FIELDS if f.part in ("record", "push")}
    assert TEXT_FIELDS == tuple(f.name for f in DOCUMENT_FIELDS if f.part == "record")
    for f in DOCUMENT_FIELDS:
        if f.name in DocumentIn.model_fields:
            assert DocumentIn.model_fields[f.name].title == f.label_zh
    assert {f.name for f in DOCUMENT_FIELDS} | set(DECIDED_FIELDS) <= set(FIELD_LABELS_ZH)


def _hash_as_stored(record: dict[str, Any]) -> str:
    """How every stored version's content_hash was made before the registry (api/items/intake.py until
    identity version 1 was named): the ten fields, each present, null when absent."""
    fields = ("id", "title", "doc_number", "doc_type", "division", "agency", "date", "secrecy_marking", "source", "body")
    canonical = json.dumps({k: record.get(k) for k in fields}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


RECORDS = [
    {"id": "d-1", "title": "关于某事的通知", "doc_number": None, "doc_type": "通知", "division": "办公室", "agency": None,
     "date": "2025-06-03", "secrecy_marking": "", "body": "正文", "source": "closure"},
    {"id": "manual-1", "title": "", "body": "", "source": "manual"},
    {"id": "d-2", "title": "请示", "body": "x" * 5000, "source": "closure", "declared_source": "manual"},
]


@pytest.mark.parametrize("record", RECORDS, ids=["closure", "manual-empty", "declared-source"])
def test_stored_hashes_stay_valid(record: dict[str, Any]) -> None:
    assert content_hash(record) == _hash_as_stored(record)
    assert _hash_as_stored(record) in content_hashes(record)


def test_a_new_optional_content_field_changes_no_stored_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registering a field (say attachments' names) leaves every record without it as it was; one that
    carries it with content is a new version."""
    record = RECORDS[0]
    before = content_hash(record)
    monkeypatch.setattr(document_module, "DOCUMENT_FIELDS",
                        (*DOCUMENT_FIELDS, DocumentField("attachments", "text", "record", True)))
    assert content_hash(record) == before
    assert content_hash({**record, "attachments": None}) == before
    assert content_hash({**record, "attachments": ""}) == before
    assert content_hash({**record, "attachments": "附件1.pdf"}) != before


def test_the_sample_document_is_accepted_with_its_source(api: Api) -> None:
    """data/samples/document.json is SCHEMA's exchange record, `source` included (it was refused as an
    extra input). The sender's source is kept as it said; the item's own source is the route."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert sample["source"] == "closure"
    r = api.push(sample)
    assert r.status_code == 201, r.text
    body = r.json()
    stored = body["versions"][0]["document"]
    assert body["origin"] == "closure" and stored["source"] == "closure" and stored["declared_source"] == "closure"
    without = {k: v for k, v in sample.items() if k != "source"}
    again = api.push(without)  # the declared source is not content: the same document again
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"


def test_a_declared_source_never_decides_how_the_item_came_in(api: Api) -> None:
    r = api.push({"id": "s-manual", "title": "2025年第三季度工作动态", "body": "本季度……", "source": "manual"})
    assert r.status_code == 201, r.text
    body = r.json()
    stored = body["versions"][0]["document"]
    assert body["origin"] == "closure" and stored["source"] == "closure" and stored["declared_source"] == "manual"
    entered = api.as_("clerk").post("/v1/entries", json={"title": "工作动态", "body": "……", "source": "closure"})
    assert entered.status_code == 201, entered.text
    assert entered.json()["origin"] == "manual" and entered.json()["versions"][0]["document"]["source"] == "manual"
    refused = api.push({"id": "s-bad", "title": "通知", "source": "email"})
    assert refused.status_code == 422 and "source" in refused.text
