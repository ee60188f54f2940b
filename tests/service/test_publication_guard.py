"""Issue 14, finding 1 end to end: a marked document, however the marking is written, never reaches the
proactive store or the website's feed, even when both reviewers are careless (the secrecy reviewer
says none, the disclosure reviewer says proactive). And secret-looking content without a marking stays
out of proactive until the secrecy reviewer clears it with a reason. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.marking_spellings import marked_records
from tests.service.conftest import Api, sample_documents

CARELESS_SECRECY = {"secrecy": "none", "reason": "经办人说不涉密"}
FORCED_PROACTIVE = {"category": "proactive", "exemption": None, "column": "other", "reason": "领导要求尽快公开"}


def _nothing_published(api: Api) -> None:
    assert api.as_("office").get("/v1/stores/proactive").json()["total"] == 0
    assert api.as_("office").get("/v1/feed/proactive").json()["entries"] == []


@pytest.mark.slow  # 150 generated documents through the API
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(case=marked_records())
def test_no_spelling_of_a_marking_reaches_the_website(api: Api, case: tuple[dict[str, Any], str]) -> None:
    record, level = case
    doc = {k: v for k, v in record.items() if k in ("title", "doc_number", "doc_type", "division", "agency", "date",
                                                    "secrecy_marking", "body") and v is not None}
    doc["id"] = f"gen-{uuid.uuid4().hex}"
    pushed = api.push(doc)
    assert pushed.status_code == 201, pushed.text
    item_id = pushed.json()["id"]
    seen = api.as_("secrecy_reviewer").get(f"/v1/items/{item_id}").json()
    assert seen["marked"] is True, (level, doc["title"], doc["body"][:200])
    assert seen["suggestion"]["suggestion"]["category"]["value"] != "proactive"
    assert any(s["kind"] == "marking" for s in seen["suggestion"]["secrecy_signals"])
    # The uncleared see nothing of it.
    assert api.as_("office").get(f"/v1/items/{item_id}").json()["title"] is None
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item_id}/secrecy_review", json=CARELESS_SECRECY)
    assert r.status_code == 200, r.text
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review", json=FORCED_PROACTIVE)
    assert r.status_code == 422, r.text
    # Confirming whatever was suggested never publishes it either.
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review", json={})
    assert r.status_code in (200, 422) and (r.status_code == 422 or r.json()["store"] != "proactive")
    _nothing_published(api)


RISKY = ("本通知控制知悉范围，不得对外公开。现将有关物资储备库点及数量通知如下：一号库点储备成品油3000吨。")


def test_secret_looking_content_needs_the_secrecy_reviewer_to_clear_it(api: Api) -> None:
    doc = {**sample_documents()[0], "id": "risky-1", "body": sample_documents()[0]["body"] + "\n" + RISKY}
    item = api.push(doc).json()
    seen = api.as_("secrecy_reviewer").get(f"/v1/items/{item['id']}").json()
    signals = seen["suggestion"]["secrecy_signals"]
    assert [s for s in signals if s["kind"] == "risk"], signals
    assert seen["marked"] is False
    base = f"/v1/items/{item['id']}"
    assert api.as_("secrecy_reviewer").post(f"{base}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    r = api.as_("disclosure_reviewer").post(f"{base}/disclosure_review", json=FORCED_PROACTIVE)
    assert r.status_code == 422 and "secrecy-risk signals not cleared" in r.json()["detail"]
    _nothing_published(api)
    # Reopened to secrecy review, the reviewer clears the signals (a reason is required) and it may go.
    assert api.as_("office").post(f"{base}/reopen", json={"stage": "secrecy_review", "reason": "复核涉密风险"}
                                  ).status_code == 200
    r = api.as_("secrecy_reviewer").post(f"{base}/secrecy_review", json={"secrecy": "none", "clear_signals": True})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = api.as_("secrecy_reviewer").post(f"{base}/secrecy_review", json={
        "secrecy": "none", "clear_signals": True, "reason": "储备数据已由市政府公开发布，不涉密"})
    assert r.status_code == 200, r.text
    assert r.json()["reviews"][-1]["decided"]["cleared_signals"]
    r = api.as_("disclosure_reviewer").post(f"{base}/disclosure_review", json=FORCED_PROACTIVE)
    assert r.status_code == 200 and r.json()["store"] == "proactive", r.text


def test_the_guard_wants_both_reviews_of_the_version_it_publishes(api: Api) -> None:
    """A reopening to disclosure review after a new version cannot skip the new version's secrecy review:
    a new version always goes back to secrecy review, and the guard checks it again at routing."""
    doc = sample_documents()[0]
    item_id = api.push(doc).json()["id"]
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item_id}/secrecy_review",
                                            json={"secrecy": "none"}).status_code == 200
    api.push({**doc, "body": doc["body"] + "\n补充：联系人电话13912345678。"})
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review", json=FORCED_PROACTIVE)
    assert r.status_code == 409  # back at secrecy review: the old review was of version 1
    _nothing_published(api)
