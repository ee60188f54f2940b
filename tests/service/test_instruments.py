"""The catalog's 规章 and 行政规范性文件 (Table 二, block 第二十条第（一）项) through the API on the real database:
set with its defaults, replaced under the optimistic lock, listed by validity and by the day in force, cleared
with a reason; each refusal naming its field; an item outside the proactive store refused with the article; a
missing item and one the caller may not reach answered alike; every set and clear in the audit chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.workflow.working_days import today_in_china
from tests.service.conftest import Api, push_item, review_item

PROACTIVE, MARKED = 0, 2  # sample 0: the 办法's issuing notice (成文日期 2025-03-12); sample 2: marked 内部


def _proactive(api: Api, closed_on: str = "2025-03-20", **extra: Any) -> int:
    item = push_item(api, PROACTIVE, "法规处", closed_on, **extra)
    review_item(api, item, {"secrecy": "none"}, {})
    assert api.as_("office").get(f"/v1/items/{item}").json()["store"] == "proactive"
    return item


def _put(api: Api, item: int, role: str = "office", **body: Any) -> Any:
    return api.as_(role).put(f"/v1/items/{item}/instrument", json=body)


def _fields(answer: Any) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [e["field"] for e in answer.json()["errors"]]


def test_set_defaults_to_the_documents_date_in_force_and_is_read_back(api: Api) -> None:
    item = _proactive(api)
    answer = _put(api, item, instrument="normative_documents")
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert (record["issued_on"], record["validity"], record["ended_on"]) == ("2025-03-12", "in_force", None)
    assert (record["instrument_zh"], record["validity_zh"], record["counted"]) == ("行政规范性文件", "有效", True)
    assert record["updated_by"] == "office-1" and record["lock_version"] == 1
    assert api.as_("supervisor").get(f"/v1/items/{item}/instrument").json() == record
    repealed = _put(api, item, instrument="normative_documents", validity="repealed", ended_on="2025-09-01",
                    note="青交发〔2025〕20号废止", expected_version=1)
    assert repealed.status_code == 200, repealed.text
    assert (repealed.json()["validity_zh"], repealed.json()["ended_on"], repealed.json()["lock_version"]) == \
        ("废止", "2025-09-01", 2)
    stale = _put(api, item, instrument="regulations", expected_version=1)
    assert stale.status_code == 409 and "version 2, not 1" in stale.json()["detail"]
    assert api.as_("office").get(f"/v1/items/{item}/instrument").json()["instrument"] == "normative_documents"


def test_each_bad_field_is_named(api: Api) -> None:
    item = _proactive(api)
    tomorrow = (today_in_china() + dt.timedelta(days=1)).isoformat()
    assert _fields(_put(api, item, instrument="regulations", validity="expired")) == ["ended_on"]
    assert _fields(_put(api, item, instrument="regulations", ended_on="2025-06-01")) == ["ended_on"]
    before = _put(api, item, instrument="regulations", validity="repealed", ended_on="2025-03-01")
    assert _fields(before) == ["ended_on"] and "before it was issued (2025-03-12)" in before.json()["detail"]
    both = _put(api, item, instrument="regulations", issued_on=tomorrow, validity="expired", ended_on=tomorrow)
    assert _fields(both) == ["issued_on", "ended_on"] and "in the future" in both.json()["detail"]
    unknown = _put(api, item, instrument="rules")
    assert unknown.status_code == 422 and "instrument" in unknown.text
    assert _put(api, item, instrument="regulations", colour="red").status_code == 422
    assert api.as_("office").get(f"/v1/items/{item}/instrument").status_code == 404  # nothing was stored


def test_only_an_item_of_the_proactive_store_and_only_one_that_can_be_reached(api: Api) -> None:
    withheld = push_item(api, MARKED, "办公室", "2025-04-01")
    review_item(api, withheld, {"secrecy": "internal", "reason": "标有内部"}, {})
    refused = _put(api, withheld, instrument="normative_documents")
    assert refused.status_code == 409 and "条例第二十条第（一）项" in refused.json()["detail"]
    assert "食堂" not in refused.text and set(refused.json()) == {"type", "title", "status", "detail", "field"}
    missing = _put(api, 999_999, instrument="normative_documents")
    assert missing.status_code == 404 and missing.json()["detail"] == "no item 999999"
    item = _proactive(api)
    for role in ("clerk", "document_system"):  # neither may set: the same answer for an item and for none
        mine, none = _put(api, item, role, instrument="regulations"), _put(api, 999_999, role, instrument="regulations")
        assert mine.status_code == none.status_code == 403 and mine.json() == none.json()
        assert api.as_(role).get(f"/v1/items/{item}/instrument").json() == \
            api.as_(role).get("/v1/items/999999/instrument").json()


def test_the_list_counts_the_proactive_store_by_validity_and_day(api: Api) -> None:
    first = _proactive(api)
    second = _proactive(api, "2025-05-06", id="s-001-b", title="关于印发《青川市道路停车管理规定》的通知",
                        doc_number="青交发〔2025〕9号", date="2025-05-01")
    assert _put(api, first, instrument="normative_documents", issued_on="2025-03-12").status_code == 200
    assert _put(api, second, instrument="regulations", issued_on="2025-05-01", validity="expired",
                ended_on="2025-08-01").status_code == 200
    listed = api.as_("supervisor").get("/v1/instruments").json()
    assert [r["item_id"] for r in listed["instruments"]] == [second, first] and listed["total"] == 2
    row = listed["instruments"][1]
    assert row["doc_number"] == "青交发〔2025〕8号" and row["title"].startswith("关于印发") and row["index_number"]

    def ids(**params: str) -> list[int]:
        return [r["item_id"] for r in api.as_("office").get("/v1/instruments", params=params).json()["instruments"]]

    assert ids(validity="expired") == [second] and ids(instrument="normative_documents") == [first]
    assert ids(in_force_on="2025-07-31") == [second, first]
    assert ids(in_force_on="2025-08-01") == [first]  # ended_on: the first day no longer in force
    assert ids(in_force_on="2025-03-11") == []
    assert api.as_("office").get("/v1/instruments", params={"in_force_on": "31/07/2025"}).status_code == 422


def test_candidates_are_the_normative_column_without_a_record(api: Api) -> None:
    item = _proactive(api)
    column = api.as_("office").get(f"/v1/items/{item}").json()["decision"]["column"]
    assert column == "normative_documents"
    found = api.as_("office").get("/v1/instruments/candidates").json()
    assert [(c["item_id"], c["issued_on"], c["doc_number"]) for c in found["candidates"]] == \
        [(item, "2025-03-12", "青交发〔2025〕8号")]
    _put(api, item, instrument="normative_documents")
    assert api.as_("office").get("/v1/instruments/candidates").json() == \
        {"total": 0, "limit": 50, "offset": 0, "candidates": []}


def test_clear_needs_a_reason_and_every_change_is_audited(api: Api) -> None:
    item = _proactive(api)
    _put(api, item, instrument="normative_documents")
    _put(api, item, "disclosure_reviewer", instrument="normative_documents", validity="expired", ended_on="2025-12-01")
    assert api.as_("office").delete(f"/v1/items/{item}/instrument").status_code == 422
    cleared = api.as_("office").delete(f"/v1/items/{item}/instrument", params={"reason": "误标"})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["cleared"]["validity"] == "expired" and cleared.json()["reason"] == "误标"
    assert api.as_("office").get(f"/v1/items/{item}/instrument").status_code == 404
    assert api.as_("office").delete(f"/v1/items/{item}/instrument", params={"reason": "再删"}).status_code == 404
    events = api.as_("supervisor").get("/v1/audit", params={"item_id": item}).json()["events"]
    mine = [(e["action"], e["actor"]) for e in events if e["action"].startswith("instrument.")]
    assert sorted(mine) == sorted([("instrument.set", "office-1"), ("instrument.set", "disclosure_reviewer-1"),
                                   ("instrument.clear", "office-1")])
    second = next(e for e in events if e["actor"] == "disclosure_reviewer-1" and e["action"] == "instrument.set")
    assert second["before"]["validity"] == "in_force" and second["after"]["ended_on"] == "2025-12-01"
    assert api.as_("supervisor").get("/v1/audit/verify").json()["intact"] is True


def test_an_item_that_leaves_the_proactive_store_keeps_its_record_but_is_not_counted(api: Api) -> None:
    item = _proactive(api)
    _put(api, item, instrument="normative_documents")
    reopened = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/reopen", json={
        "stage": "disclosure_review", "reason": "栏目有误，重新审核"})
    assert reopened.status_code == 200, reopened.text
    assert api.as_("office").get(f"/v1/items/{item}/instrument").json()["counted"] is False
    assert api.as_("office").get("/v1/instruments").json()["total"] == 0
    refused = _put(api, item, instrument="regulations")
    assert refused.status_code == 409 and "not in the proactive store" in refused.json()["detail"]
    cleared = api.as_("office").delete(f"/v1/items/{item}/instrument", params={"reason": "已撤回"})
    assert cleared.status_code == 200 and cleared.json()["cleared"]["counted"] is False
