"""Issue 14, tried as an attacker: ownership of items, changed content, search as an oracle, what a
clerk reads, separation of duties and the publication guard. Each test failed on the code before
the issue's fixes; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models.tables import AuditEventRow
from tests.service.conftest import Api, sample_documents

SECRET_TITLE = "关于甲乙丙丁专项物资调运安排的通知"


def _token(api: Api, name: str, role: str, division: str | None = None) -> dict[str, str]:
    r = api.as_("admin").post("/v1/tokens", json={"name": name, "role": role, "division": division})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _feed(api: Api) -> list[dict[str, Any]]:
    return api.as_("office").get("/v1/feed/proactive?limit=1000").json()["entries"]


def _publish(api: Api, item_id: int) -> dict[str, Any]:
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item_id}/secrecy_review", json={"secrecy": "none"})
    assert r.status_code == 200, r.text
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review",
                                            json={"category": "proactive", "exemption": None, "column": "work_updates",
                                                  "reason": "工作动态，主动公开"})
    assert r.status_code == 200, r.text
    assert r.json()["store"] == "proactive"
    return r.json()  # type: ignore[no-any-return]


def _audit_actions(app: Any, item_id: int) -> list[str]:
    with app.state.readers() as session:
        return list(session.scalars(select(AuditEventRow.action).where(AuditEventRow.item_id == item_id)
                                    .order_by(AuditEventRow.seq)))


# -- ownership (finding 2) -----------------------------------------------------------------------------

def test_another_divisions_clerk_cannot_take_over_a_published_entry(api: Api, app: Any) -> None:
    own = _token(api, "法规处张某", "clerk", "法规处")
    entry = {"id": "work-2026-01", "title": "法规处2026年1月工作动态", "body": "本月完成规范性文件合法性审核5件。"}
    created = api.client.post("/v1/entries", json=entry, headers=own)
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    _publish(api, item_id)
    before = _feed(api)
    takeover = {**entry, "title": "篡改的标题", "body": "篡改的正文 身份证号110101199003074514"}
    for name, division in (("财务处王某", "财务处"), ("无处室的信息员", None)):
        r = api.client.post("/v1/entries", json=takeover, headers=_token(api, name, "clerk", division))
        assert r.status_code == 409, r.text
        assert "篡改" not in r.text and "法规处" not in r.text  # the refusal tells nothing of the item
    seen = api.as_("office").get(f"/v1/items/{item_id}").json()
    assert seen["division"] == "法规处" and seen["store"] == "proactive" and seen["version"] == 1
    assert seen["title"] == entry["title"]
    assert _feed(api) == before and "篡改" not in str(before)
    assert _audit_actions(app, item_id).count("manual:refused") == 2


def test_another_document_system_cannot_replace_a_pushed_document(api: Api, app: Any) -> None:
    doc = sample_documents()[0]
    item_id = api.push(doc).json()["id"]
    r = api.client.post("/v1/closures", json={**doc, "title": "替换"}, headers=_token(api, "另一系统", "document_system"))
    assert r.status_code == 409
    assert api.as_("office").get(f"/v1/items/{item_id}").json()["version"] == 1
    assert "closure:refused" in _audit_actions(app, item_id)


def test_a_new_version_cannot_move_an_item_to_another_division(api: Api) -> None:
    doc = sample_documents()[0]
    item_id = api.push(doc).json()["id"]
    r = api.push({**doc, "division": "财务处", "body": doc["body"] + "（修订）"})
    assert r.status_code == 409
    assert api.as_("office").get(f"/v1/items/{item_id}").json()["division"] == doc["division"]


# -- changed content goes live unreviewed (finding 5) -------------------------------------------------

def test_a_changed_published_item_leaves_the_website_until_reviewed_again(api: Api) -> None:
    own = _token(api, "法规处张某", "clerk", "法规处")
    entry = {"id": "notice-7", "title": "法规处关于开展普法宣传周活动的通知", "body": "定于下周开展普法宣传周活动。"}
    item_id = api.client.post("/v1/entries", json=entry, headers=own).json()["id"]
    _publish(api, item_id)
    changed = {**entry, "body": entry["body"] + "联系人：李某，身份证号110101199003074514，电话13912345678。"}
    r = api.client.post("/v1/entries", json=changed, headers=own)
    assert r.status_code == 200 and r.json()["outcome"] == "new_version"
    assert r.json()["status"] == "secrecy_review" and r.json()["store"] is None
    feed = _feed(api)
    assert [e["action"] for e in feed] == ["withdrawn", "withdraw"]
    assert "13912345678" not in str(feed) and "定于下周" not in str(feed)
    assert api.as_("office").get("/v1/stores/proactive").json()["total"] == 0
    # Reviewed again, version 2 gets a new feed entry; its text holds a private person's ID number and mobile,
    # so it is held back (条例第十五条) until a public copy is confirmed, and then version 2's text goes out,
    # redacted (api/items/publication.py).
    _publish(api, item_id)
    feed = _feed(api)
    assert [e["action"] for e in feed] == ["withdrawn", "withdraw", "held"]
    assert "13912345678" not in str(feed) and "条例第十五条" in feed[-1]["reason"]
    reviewer = api.as_("disclosure_reviewer")
    release = reviewer.post(f"/v1/items/{item_id}/releases").json()
    assert release["item_version"] == 2
    release = reviewer.post(f"/v1/releases/{release['id']}/decisions", json={
        "decisions": [{"index": s["index"], "verdict": "accept"} for s in release["spans"]],
        "lock_version": release["lock_version"]}).json()
    assert reviewer.post(f"/v1/releases/{release['id']}/confirm",
                         json={"lock_version": release["lock_version"]}).status_code == 200
    feed = _feed(api)
    assert [e["action"] for e in feed] == ["withdrawn", "withdraw", "publish", "publish"]
    assert feed[-1]["body"].startswith("定于下周开展普法宣传周活动。联系人：李某") and feed[-1]["redacted"]
    assert "13912345678" not in str(feed) and "110101199003074514" not in str(feed)


# -- search as an oracle (finding 3) -------------------------------------------------------------------

def _secret_routed(api: Api) -> int:
    doc = {**sample_documents()[0], "id": "secret-probe", "title": SECRET_TITLE, "secrecy_marking": "机密★10年"}
    item_id = int(api.push(doc).json()["id"])
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item_id}/secrecy_review", json={"secrecy": "secret"})
    assert r.status_code == 200, r.text
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review", json={
        "category": "withheld", "exemption": "state_secret", "column": "other", "reason": f"涉及{SECRET_TITLE[2:6]}"})
    assert r.status_code == 200, r.text
    return item_id


def test_title_search_answers_the_same_whatever_a_secret_title_says(api: Api) -> None:
    """Every list a role may search, in every format: the true fragment of a secret title and a false
    one give the same answer byte for byte, for each uncleared role; a cleared role does find it."""
    _secret_routed(api)
    plain = api.push({**sample_documents()[1], "id": "plain-1", "title": "关于甲乙丙戊的请示"}).json()["id"]
    urls = ["/v1/items", "/v1/stores/withheld", "/v1/reviews", "/v1/queues/secrecy_review"]
    clerk = _token(api, "法规处信息员", "clerk", sample_documents()[0]["division"])
    callers = {"office": api.as_("office").headers, "supervisor": api.as_("supervisor").headers, "clerk": clerk}
    for who, headers in callers.items():
        for url in urls:
            for fmt in ("json", "csv"):
                answers = []
                for probe in ("甲乙丙丁", "甲乙丙庚"):
                    r = api.client.get(url, params={"q": probe, "format": fmt}, headers=headers)
                    answers.append((r.status_code, r.content))
                assert answers[0] == answers[1], (who, url, fmt)
                assert SECRET_TITLE.encode() not in answers[0][1]
    found = api.as_("disclosure_reviewer").get("/v1/items", params={"q": "甲乙丙丁"}).json()
    assert [i["title"] for i in found["items"]] == [SECRET_TITLE]
    assert [i["id"] for i in api.as_("office").get("/v1/items", params={"q": "甲乙丙戊"}).json()["items"]] == [plain]


def test_reasons_of_a_secret_item_are_not_shown_to_uncleared_roles(api: Api) -> None:
    item_id = _secret_routed(api)
    for role in ("office", "supervisor"):
        reviews = api.as_(role).get("/v1/reviews").json()["reviews"]
        assert reviews and all(r["reason"] is None for r in reviews if r["item_id"] == item_id)
        assert SECRET_TITLE[2:6] not in api.as_(role).get("/v1/reviews", params={"format": "csv"}).text
        assert all(r["reason"] is None for r in api.as_(role).get(f"/v1/items/{item_id}").json()["reviews"])
    cleared = api.as_("secrecy_reviewer").get(f"/v1/items/{item_id}").json()["reviews"]
    assert cleared[-1]["reason"] == f"涉及{SECRET_TITLE[2:6]}"


# -- clerks read their own division (finding 8) --------------------------------------------------------

def test_a_clerk_reads_only_its_own_division(api: Api) -> None:
    docs = sample_documents()
    ours = api.push(docs[0]).json()["id"]
    theirs = api.push(docs[1]).json()["id"]
    assert docs[0]["division"] != docs[1]["division"]
    clerk = _token(api, "某处信息员", "clerk", docs[0]["division"])
    listed = api.client.get("/v1/items", headers=clerk).json()
    assert [i["id"] for i in listed["items"]] == [ours] and listed["total"] == 1
    assert api.client.get(f"/v1/items/{theirs}", headers=clerk).status_code == 404
    assert api.client.get(f"/v1/items/{ours}", headers=clerk).status_code == 200
    exported = api.client.get("/v1/items", params={"format": "csv"}, headers=clerk).text
    assert docs[1]["title"] not in exported and docs[0]["title"] in exported
    # Asking for the other division by name gives nothing either.
    assert api.client.get("/v1/items", params={"division": docs[1]["division"]}, headers=clerk).json()["total"] == 0


def test_a_document_system_reads_only_what_it_pushed(api: Api) -> None:
    ours = api.push(sample_documents()[0]).json()["id"]
    other = _token(api, "另一系统", "document_system")
    assert api.client.get(f"/v1/items/{ours}", headers=other).status_code == 404


# -- separation of duties (finding 8) ------------------------------------------------------------------

def test_whoever_entered_an_item_does_not_review_it(api: Api) -> None:
    entered = api.client.post("/v1/entries", json={"title": "工作动态", "body": "本周召开专题会议。"},
                              headers=_token(api, "张三", "clerk")).json()["id"]
    as_reviewer = _token(api, "张三", "secrecy_reviewer")
    r = api.client.post(f"/v1/items/{entered}/secrecy_review", json={"secrecy": "none"}, headers=as_reviewer)
    assert r.status_code == 403 and "separation of duties" in r.json()["detail"]
    assert api.as_("office").get(f"/v1/items/{entered}").json()["status"] == "secrecy_review"


def test_one_person_does_not_do_both_reviews(api: Api) -> None:
    item_id = api.push(sample_documents()[0]).json()["id"]
    secrecy, disclosure = _token(api, "李四", "secrecy_reviewer"), _token(api, "李四", "disclosure_reviewer")
    assert api.client.post(f"/v1/items/{item_id}/secrecy_review", json={"secrecy": "none"},
                           headers=secrecy).status_code == 200
    r = api.client.post(f"/v1/items/{item_id}/disclosure_review", json={}, headers=disclosure)
    assert r.status_code == 403 and "another person" in r.json()["detail"]
    assert api.as_("disclosure_reviewer").post(f"/v1/items/{item_id}/disclosure_review", json={}).status_code == 200


def test_separation_of_duties_can_be_turned_off(api: Api, app: Any) -> None:
    app.state.context.settings = app.state.context.settings.model_copy(update={"separate_duties": False})
    item_id = api.push(sample_documents()[0]).json()["id"]
    secrecy, disclosure = _token(api, "王五", "secrecy_reviewer"), _token(api, "王五", "disclosure_reviewer")
    assert api.client.post(f"/v1/items/{item_id}/secrecy_review", json={"secrecy": "none"},
                           headers=secrecy).status_code == 200
    assert api.client.post(f"/v1/items/{item_id}/disclosure_review", json={}, headers=disclosure).status_code == 200


def test_the_audit_log_leaves_out_the_content_of_items_the_caller_may_not_read(api: Api) -> None:
    item_id = _secret_routed(api)
    events = api.as_("supervisor").get("/v1/audit", params={"item_id": item_id}).json()["events"]
    reviews = [e for e in events if e["action"] == "disclosure_review"]
    assert reviews and reviews[0]["redacted"] is True and reviews[0]["after"]["reason"] is None
    assert SECRET_TITLE[2:6] not in str(events)
    shown = api.as_("admin").get("/v1/audit", params={"item_id": item_id}).json()["events"]
    assert [e for e in shown if e["action"] == "disclosure_review"][0]["after"]["reason"] == f"涉及{SECRET_TITLE[2:6]}"
