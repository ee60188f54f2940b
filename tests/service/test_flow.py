"""The daily path: push, secrecy review, disclosure review, routing, stores and feed, on a real
database with the real rules and model."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import Api, sample_documents


def _push(api: Api, doc: dict[str, Any]) -> dict[str, Any]:
    r = api.push(doc)
    assert r.status_code in (200, 201), r.text
    return r.json()


def _review_through(api: Api, item_id: int, secrecy: dict[str, Any] | None = None,
                    disclosure: dict[str, Any] | None = None) -> dict[str, Any]:
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item_id}/secrecy_review", json=secrecy or {"secrecy": "none"})
    assert r.status_code == 200, r.text
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review", json=disclosure or {})
    assert r.status_code == 200, r.text
    return r.json()


def test_push_returns_the_stored_item_with_its_suggestion_and_explanation(api: Api) -> None:
    doc = sample_documents()[0]
    r = api.push(doc)
    assert r.status_code == 201
    body = r.json()
    assert body["outcome"] == "created" and body["status"] == "secrecy_review"
    assert r.headers["Location"] == f"/v1/items/{body['id']}"
    suggestion = body["suggestion"]
    assert suggestion["suggestion"]["category"]["value"] == "proactive"
    hit_ids = {h["id"] for h in suggestion["hits"]}
    assert "proactive.normative.issuing_notice" in hit_ids
    assert all(h["citation"] for h in suggestion["hits"])  # every rule cites its article
    assert suggestion["suggestion"]["category"]["model"]["probabilities"]  # the classifier's scores
    assert body["versions"][0]["document"]["title"] == doc["title"]
    assert body["due_on"] > body["closed_on"]


def test_the_same_document_again_is_the_same_item(api: Api) -> None:
    doc = sample_documents()[1]
    first = _push(api, doc)
    again = api.push(doc)
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged" and again.json()["id"] == first["id"]
    assert len(again.json()["versions"]) == 1
    listed = api.as_("office").get("/v1/items").json()
    assert listed["total"] == 1


def test_a_changed_document_is_a_new_version_reviewed_again_and_keeps_its_history(api: Api) -> None:
    """The secrecy review was of version 1: version 2 is a new text, so it is reviewed again (issue 14:
    changed content never goes on unreviewed); the decision on version 1 stays in the history."""
    doc = sample_documents()[0]
    item = _push(api, doc)
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review", json={"secrecy": "none"})
    changed = {**doc, "body": doc["body"] + "\n（修订）第二十条 本办法自发布之日起施行。"}
    r = api.push(changed)
    assert r.status_code == 200 and r.json()["outcome"] == "new_version"
    body = r.json()
    assert [v["number"] for v in body["versions"]] == [1, 2]
    assert body["decision"]["secrecy"] is None  # to be decided again, for version 2
    assert body["status"] == "secrecy_review" and body["changed_after_review"] is True
    assert [(r["version"], r["decided"]) for r in body["reviews"]] == [(1, {"secrecy": "none"})]


def test_end_to_end_both_reviews_route_to_the_proactive_store_and_the_feed(api: Api) -> None:
    item = _push(api, sample_documents()[0])
    routed = _review_through(api, item["id"])
    assert routed["status"] == "routed" and routed["store"] == "proactive"
    assert routed["index_number"] == f"11010000/{routed['closed_on'][:4]}-00001"
    assert [r["stage"] for r in routed["reviews"]] == ["secrecy_review", "disclosure_review"]
    store = api.as_("office").get("/v1/stores/proactive").json()
    assert [i["id"] for i in store["items"]] == [item["id"]]
    feed = api.as_("office").get("/v1/feed/proactive").json()
    assert [(e["item_id"], e["action"]) for e in feed["entries"]] == [(item["id"], "publish")]
    assert feed["entries"][0]["body"].startswith("各区交通运输局")
    assert api.as_("office").get(f"/v1/feed/proactive?after={feed['cursor']}").json()["entries"] == []


def test_disclosure_review_change_needs_a_reason_and_records_a_leader_instruction(api: Api) -> None:
    item = _push(api, sample_documents()[0])
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review", json={"secrecy": "none"})
    change = {"category": "on_request"}
    refused = api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json=change)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason" and refused.json()["submitted"] == change
    still = api.as_("disclosure_reviewer").get(f"/v1/items/{item['id']}").json()
    assert still["status"] == "disclosure_review" and still["reviews"][-1]["stage"] == "secrecy_review"
    done = api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json={
        **change, "reason": "涉及在办许可，依申请提供", "leader_instruction": "同意。王局长 12月1日"})
    assert done.status_code == 200, done.text
    last = done.json()["reviews"][-1]
    assert last["changed"] is True and last["decided"]["category"] == "on_request"
    assert last["leader_instruction"].startswith("同意") and done.json()["store"] == "on_request"


def test_secrecy_change_needs_a_reason(api: Api) -> None:
    item = _push(api, sample_documents()[0])
    url = f"/v1/items/{item['id']}/secrecy_review"
    r = api.as_("secrecy_reviewer").post(url, json={"secrecy": "internal", "reason": "  "})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = api.as_("secrecy_reviewer").post(url, json={"secrecy": "internal", "reason": "含内部工作安排"})
    assert r.status_code == 200 and r.json()["decision"]["secrecy"] == "internal"


def test_disclosure_review_before_secrecy_review_is_refused(api: Api) -> None:
    item = _push(api, sample_documents()[0])
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json={})
    assert r.status_code == 409 and "secrecy review" in r.json()["detail"]
    assert api.as_("office").get(f"/v1/items/{item['id']}").json()["reviews"] == []


def test_an_internal_item_cannot_be_confirmed_as_proactive(api: Api) -> None:
    item = _push(api, sample_documents()[0])
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review",
                                     json={"secrecy": "internal", "reason": "工作秘密"})
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json={})
    assert r.status_code == 422 and "internal" in r.json()["detail"]
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review", json={
        "category": "withheld", "exemption": "internal_affairs", "reason": "工作秘密，不予公开"})
    assert r.status_code == 200 and r.json()["store"] == "withheld"
    assert api.as_("office").get("/v1/feed/proactive").json()["entries"] == []


def test_a_marked_document_never_reaches_the_proactive_store(api: Api) -> None:
    doc = {**sample_documents()[0], "id": "marked-1", "secrecy_marking": "内部"}
    item = _push(api, doc)
    assert item["marked"] is True
    # Even a secrecy reviewer who says none cannot make it public.
    api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review",
                                     json={"secrecy": "none", "reason": "标志有误"})
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/disclosure_review",
                                            json={"category": "proactive", "exemption": None, "column": "other",
                                                  "reason": "试图公开"})
    assert r.status_code == 422 and "marking" in r.json()["detail"]


def test_a_published_item_whose_new_version_is_marked_is_withdrawn(api: Api) -> None:
    doc = sample_documents()[0]
    item = _push(api, doc)
    _review_through(api, item["id"])
    r = api.push({**doc, "secrecy_marking": "秘密★1年"})
    assert r.json()["outcome"] == "new_version"
    body = api.as_("secrecy_reviewer").get(f"/v1/items/{item['id']}").json()
    assert body["store"] is None and body["status"] == "secrecy_review"
    feed = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert [e["action"] for e in feed] == ["withdrawn", "withdraw"]
    assert all("body" not in e for e in feed)
    assert api.as_("office").get("/v1/stores/proactive").json()["total"] == 0


def test_index_numbers_are_gapless_per_year(api: Api) -> None:
    numbers = []
    for i, doc in enumerate(sample_documents()[:4]):
        item = _push(api, {**doc, "closed_on": "2025-06-0" + str(i + 1)})
        routed = _review_through(api, item["id"], {"secrecy": "none", "reason": "核定非密"},
                                 {"category": "on_request", "exemption": None, "column": "other", "reason": "测试"})
        numbers.append(routed["index_number"])
    assert numbers == [f"11010000/2025-0000{n}" for n in range(1, 5)]


def test_a_refused_routing_does_not_use_up_an_index_number(api: Api) -> None:
    docs = sample_documents()
    first, second = _push(api, docs[0]), _push(api, docs[1])
    for item in (first, second):
        api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review",
                                         json={"secrecy": "none", "reason": "非密"})
    bad = api.as_("disclosure_reviewer").post(f"/v1/items/{first['id']}/disclosure_review",
                                              json={"category": "withheld", "exemption": None, "reason": "x"})
    assert bad.status_code == 422
    ok = api.as_("disclosure_reviewer").post(f"/v1/items/{second['id']}/disclosure_review",
                                             json={"category": "on_request", "exemption": None, "column": "other",
                                                   "reason": "依申请"})
    assert ok.json()["index_number"].endswith("-00001")


def test_due_date_is_20_working_days_on_the_chinese_calendar(api: Api) -> None:
    item = _push(api, {**sample_documents()[0], "closed_on": "2026-09-28"})
    assert item["due_on"] == "2026-10-30"  # over 国庆 and counting the 调休 Saturday 10-10
    assert item["overdue"] is True and item["warnings"] == []
    late = _push(api, {**sample_documents()[1], "closed_on": "2026-12-20"})
    assert late["due_on"] == "2027-01-15" and "2027" in late["warnings"][0]


def test_queues_put_overdue_then_riskiest_first_and_filter_by_division(api: Api) -> None:
    docs = sample_documents()
    old = _push(api, {**docs[2], "closed_on": "2025-01-02"})
    fresh = [_push(api, d) for d in docs[3:7]]
    queue = api.as_("secrecy_reviewer").get("/v1/queues/secrecy_review").json()
    ids = [i["id"] for i in queue["items"]]
    assert ids[0] == old["id"]
    risks = [i["risk"] for i in queue["items"][1:]]
    assert risks == sorted(risks, reverse=True)
    division = fresh[0]["division"]
    only = api.as_("secrecy_reviewer").get("/v1/queues/secrecy_review", params={"division": division}).json()
    assert only["items"] and all(i["division"] == division for i in only["items"])
    ranged = api.as_("secrecy_reviewer").get("/v1/queues/secrecy_review",
                                             params={"closed_from": "2025-01-01", "closed_to": "2025-01-31"}).json()
    assert [i["id"] for i in ranged["items"]] == [old["id"]]


def test_stores_search_and_page(api: Api) -> None:
    for doc in sample_documents()[:5]:
        item = _push(api, doc)
        _review_through(api, item["id"], {"secrecy": "none", "reason": "非密"},
                        {"category": "on_request", "exemption": None, "column": "other", "reason": "依申请"})
    page = api.as_("office").get("/v1/stores/on_request", params={"limit": 2}).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    rest = api.as_("office").get("/v1/stores/on_request", params={"limit": 2, "offset": 4}).json()
    assert len(rest["items"]) == 1
    word = sample_documents()[0]["title"][3:9]
    found = api.as_("office").get("/v1/stores/on_request", params={"q": word}).json()
    assert found["total"] >= 1 and all(word in i["title"] for i in found["items"])


def test_hand_entry_by_a_clerk_goes_through_the_same_path(api: Api) -> None:
    r = api.as_("clerk").post("/v1/entries", json={"title": "2025年第三季度工作动态", "doc_type": "工作动态",
                                                   "division": "办公室", "body": "本季度我局完成了……"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["origin"] == "manual" and body["source_id"].startswith("manual-")
    assert body["versions"][0]["document"]["source"] == "manual"
    assert body["suggestion"]["suggestion"]["category"]["value"] is not None


def test_api_documentation_is_served_without_a_cdn(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    script = api.client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    spec = api.client.get("/openapi.json").json()
    assert "/v1/closures" in spec["paths"] and "/v1/feed/proactive" in spec["paths"]
