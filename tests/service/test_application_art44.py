"""Items an application asks for, and 条例第四十四条: an on_request item asked for by enough distinct applicants
within 12 months is suggested for proactive publication and sent to its disclosure review, where a person
decides (applications.md §1.7 Art. 44), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.access import tokens
from api.context import Actor
from tests.service.conftest import Api, push_item, review_item
from tests.service.test_applications import APPLICANT, registered

ON_REQUEST = {"category": "on_request", "exemption": None, "column": "other", "reason": "依申请公开"}


def _applicant(n: int) -> dict[str, Any]:
    return {**APPLICANT, "name": f"申请人{n}", "id_number": f"11010119900101{n:04d}"}


def _days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def _link(api: Api, app_id: int, item_id: int, status: int = 200, role: str = "office") -> dict[str, Any]:
    r = api.as_(role).post(f"/v1/applications/{app_id}/items", json={"item_id": item_id})
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def test_t21_three_applicants_send_an_on_request_item_to_disclosure_review(api: Api) -> None:
    item = push_item(api, 3, "执法稽查处", _days_ago(60))
    review_item(api, item, {"secrecy": "none"}, ON_REQUEST)
    first = registered(api, _days_ago(40), applicant=_applicant(1))
    again = registered(api, _days_ago(30), applicant={**_applicant(1), "id_number": _applicant(1)["id_number"] + " "})
    old = registered(api, _days_ago(400), applicant=_applicant(9))  # outside the 12 months
    second = registered(api, _days_ago(20), applicant=_applicant(2))
    for case in (first, again, old, second):
        linked = _link(api, case["id"], item)
        assert linked["publication_suggestion"] is None  # two applicants in the window: not yet
    assert linked["items"][0]["store"] == "on_request" and linked["items"][0]["title"]
    assert _link(api, first["id"], item)["publication_suggestion"] is None  # linking twice is one link
    third = registered(api, _days_ago(5), applicant=_applicant(3))
    raised = _link(api, third["id"], item)["publication_suggestion"]
    assert raised["applicants"] == 3 and raised["status"] == "open" and raised["article"] == "条例第四十四条"
    assert sorted(raised["application_ids"]) == sorted([first["id"], again["id"], second["id"], third["id"]])
    state = api.as_("office").get(f"/v1/items/{item}").json()
    assert state["status"] == "disclosure_review" and state["store"] is None
    events = api.as_("supervisor").get("/v1/audit", params={"item_id": item}).json()["events"]
    assert events[-1]["action"] == "art44" and "3名申请人" in events[-1]["after"]["reason"]
    fourth = registered(api, _days_ago(1), applicant=_applicant(4))
    assert _link(api, fourth["id"], item, status=409)["current"]["status"] == "disclosure_review"
    review = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json={
        "category": "proactive", "exemption": None, "column": "enforcement", "reason": "条例第四十四条：纳入主动公开"})
    assert review.status_code == 200, review.text
    settled = api.as_("supervisor").get("/v1/publication-suggestions").json()["suggestions"]
    assert [(s["item_id"], s["status"]) for s in settled] == [(item, "published")]
    assert api.as_("clerk").get("/v1/publication-suggestions").status_code == 403


def test_only_on_request_items_and_only_items_in_a_store_count(api: Api) -> None:
    proactive = push_item(api, 0, "法规处", _days_ago(60))
    review_item(api, proactive, {"secrecy": "none"},
                {"category": "proactive", "exemption": None, "column": "normative_documents", "reason": "规范性文件"})
    waiting = push_item(api, 1, "规划财务处", _days_ago(60))
    for n in range(1, 5):
        case = registered(api, _days_ago(10 + n), applicant=_applicant(n))
        assert _link(api, case["id"], proactive)["publication_suggestion"] is None  # public already
    refused = _link(api, case["id"], waiting, status=409)
    assert "under review" in refused["detail"]
    assert _link(api, case["id"], 999_999, status=404)["detail"] == "no item 999999"


def test_a_reader_who_may_not_read_a_linked_item_sees_no_title(api: Api, app: Any) -> None:
    secret = api.push({"id": "art44-secret", "title": "关于某型装备部署调整的通知", "body": "部署地点如下。",
                       "division": "城建科", "closed_on": _days_ago(30), "secrecy_marking": "机密★10年",
                       "doc_type": "通知"})
    assert secret.status_code == 201, secret.text
    item = int(secret.json()["id"])
    review_item(api, item, {"secrecy": "confidential", "reason": "定密"},
                {"category": "withheld", "exemption": "state_secret", "column": "other", "reason": "国家秘密"})
    case = registered(api, _days_ago(3))  # handled by 城建科, the test clerk's division
    _link(api, case["id"], item)
    with app.state.sessions() as session:
        _, token = tokens.issue(session, name="clerk-城建", role="clerk", division="城建科", by=Actor("t", "admin"))
        session.commit()
    got = api.client.get(f"/v1/applications/{case['id']}/items", headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200, got.text
    shown = got.json()["items"]
    assert shown and shown[0]["title"] is None and shown[0]["restricted"] is True
    assert "装备" not in str(shown)
