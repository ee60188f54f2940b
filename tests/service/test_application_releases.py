"""Redacted copies through the API (issue 17; 条例第三十七条 区分处理, 第十五条 个人隐私): proposed from an item's
current text, decided span by span, confirmed, and only then released; the original and the copy kept side by
side; secret and unreadable items refused without telling which; the website's feed and the proactive store
serving the released text of a confirmed public copy, never the original. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

import io
from typing import Any

from docx import Document
from sqlalchemy import select

from api.access import tokens
from api.context import Actor
from models.application_records import ReleaseRow
from models.tables import AuditEventRow
from tests.service.conftest import Api, review_item, sample_documents
from tests.service.test_applications import registered

ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (check digit X)
MOBILE = "13912345678"
CARD = "6222021234567890128"  # passes the Luhn check
PRIVATE = (f"\n联系人：张三丰，身份证号{ID_NUMBER}，联系电话{MOBILE}，退款账户{CARD}。\n"
           "（以上信息仅供办理使用。）")


def pushed(api: Api, n: int = 0, division: str = "城建科", extra: str = PRIVATE, **fields: Any) -> dict[str, Any]:
    doc = {**sample_documents()[n], "division": division, "body": sample_documents()[n]["body"] + extra, **fields}
    r = api.push(doc)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def published(api: Api, extra: str = PRIVATE) -> dict[str, Any]:
    """The notice of sample 0 with private data added, through both reviews into the proactive store."""
    item = pushed(api, extra=extra)
    suggested = item["suggestion"]["suggestion"]
    changed = suggested["category"]["value"] != "proactive"  # the personal data may make it withheld
    review_item(api, item["id"], {"secrecy": "none"}, {
        "category": "proactive", "exemption": None, "column": "normative_documents",
        "reason": "规范性文件应当主动公开，个人信息区分处理后公开"} if changed else {})
    r = api.as_("office").get(f"/v1/items/{item['id']}")
    assert r.json()["store"] == "proactive", r.json()["store"]
    return r.json()  # type: ignore[no-any-return]


def decide_all(api: Api, release: dict[str, Any], role: str = "office", verdict: str = "accept") -> dict[str, Any]:
    decisions = [{"index": s["index"], "verdict": verdict} for s in release["spans"]]
    r = api.as_(role).post(f"/v1/releases/{release['id']}/decisions",
                           json={"decisions": decisions, "lock_version": release["lock_version"]})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_propose_decide_confirm_copy_for_an_answer(api: Api, app: Any) -> None:
    case = registered(api)
    item = pushed(api)
    office = api.as_("office")
    r = office.post(f"/v1/applications/{case['id']}/releases", json={"item_id": item["id"]})
    assert r.status_code == 201, r.text
    release = r.json()
    assert r.headers["Location"] == f"/v1/releases/{release['id']}"
    kinds = {s["kind"] for s in release["spans"]}
    assert {"id_card", "phone", "bank_account"} <= kinds
    assert release["status"] == "proposed" and release["undecided"] == [s["index"] for s in release["spans"]]
    id_span = next(s for s in release["spans"] if s["kind"] == "id_card")
    assert release["original_text"][id_span["start"]:id_span["end"]] == ID_NUMBER
    assert id_span["proposed_mask"] == "110105××××××××002X" and ID_NUMBER not in release["preview"]

    # copy refused before the confirmation; the confirmation refused with a span undecided, each named
    assert office.get(f"/v1/releases/{release['id']}/copy").status_code == 409
    first = release["spans"][0]
    release = api.as_("office").post(f"/v1/releases/{release['id']}/decisions", json={
        "decisions": [{"index": first["index"], "verdict": "accept"}], "lock_version": release["lock_version"]}).json()
    refused = office.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    assert refused.status_code == 409 and "no decision yet" in refused.json()["detail"]
    assert refused.json()["undecided"] == release["undecided"] != []
    assert ID_NUMBER not in refused.text  # the refusal names kind and place, never the words
    assert office.get(f"/v1/releases/{release['id']}/copy").status_code == 409

    release = decide_all(api, release)
    done = office.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "confirmed" and done.json()["confirmed_by"] == "office-1"
    copy = office.get(f"/v1/releases/{release['id']}/copy").json()
    for secret in (ID_NUMBER, MOBILE, CARD, "张三丰"):
        assert secret not in copy["text"], secret
    assert "110105××××××××002X" in copy["text"] and "139××××5678" in copy["text"]
    assert {m["kind"] for m in copy["masked"]} >= {"id_card", "phone", "bank_account"}
    html = office.get(f"/v1/releases/{release['id']}/copy", params={"output": "html"})
    assert html.status_code == 200 and ID_NUMBER not in html.text and "110105××××××××002X" in html.text
    docx = office.get(f"/v1/releases/{release['id']}/copy", params={"output": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert ID_NUMBER not in text and "110105××××××××002X" in text

    with app.state.sessions() as session:  # the original and the copy both kept, side by side
        row = session.get(ReleaseRow, release["id"])
        assert row is not None and ID_NUMBER in row.original_text and row.released_text == copy["text"]
        assert row.status == "confirmed" and row.purpose == "application" and row.application_id == case["id"]
        assert len(row.redaction["history"]) == len(row.redaction["spans"]) + 1  # the first one decided twice
        actions = [e.action for e in session.scalars(select(AuditEventRow).where(
            AuditEventRow.action.like("release:%")).order_by(AuditEventRow.seq))]
        assert actions == ["release:propose", "release:decide", "release:decide", "release:confirm"]
        for event in session.scalars(select(AuditEventRow).where(AuditEventRow.action.like("release:%"))):
            assert ID_NUMBER not in str(event.after) and MOBILE not in str(event.after)


def test_a_public_copy_is_what_the_feed_and_the_store_serve(api: Api, app: Any) -> None:
    """Held back while the text holds a private person's ID number (条例第十五条), then the released text of the
    confirmed public copy, never the original. Attack: the masked number is nowhere in the feed or the store."""
    item = published(api)
    office, reviewer = api.as_("office"), api.as_("disclosure_reviewer")
    feed = office.get("/v1/feed/proactive").json()
    assert [(e["item_id"], e["action"]) for e in feed["entries"]] == [(item["id"], "held")]
    assert "条例第十五条" in feed["entries"][0]["reason"] and "居民身份证号码" in feed["entries"][0]["reason"]
    store = office.get("/v1/stores/proactive").json()
    assert store["items"][0]["publication"]["state"] == "held" and store["items"][0]["publication"]["text"] is None
    held = office.get(f"/v1/items/{item['id']}").json()["publication"]  # the item says why too
    assert held["state"] == "held" and held["reason"] == feed["entries"][0]["reason"]
    for leak in (ID_NUMBER, MOBILE, CARD):
        assert leak not in office.get("/v1/feed/proactive").text and leak not in office.get("/v1/stores/proactive").text

    assert api.as_("clerk").post(f"/v1/items/{item['id']}/releases").status_code == 404  # not in its scope
    r = reviewer.post(f"/v1/items/{item['id']}/releases")
    assert r.status_code == 201, r.text
    release = decide_all(api, r.json(), role="disclosure_reviewer")
    assert office.post(f"/v1/releases/{release['id']}/confirm",  # an answer's copy is the office's, not this one
                       json={"lock_version": release["lock_version"]}).status_code == 403
    done = reviewer.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    assert done.status_code == 200, done.text
    copy = office.get(f"/v1/releases/{release['id']}/copy").json()

    feed = office.get("/v1/feed/proactive").json()
    assert [(e["item_id"], e["action"]) for e in feed["entries"]] == [(item["id"], "publish"), (item["id"], "publish")]
    assert all(e["body"] == copy["text"] and e["redacted"] and e["release_id"] == release["id"]
               for e in feed["entries"])
    assert office.get(f"/v1/items/{item['id']}").json()["publication"]["state"] == "redacted"
    store = office.get("/v1/stores/proactive").json()
    assert store["items"][0]["publication"] == {"state": "redacted", "reason": None, "release_id": release["id"],
                                                "text": copy["text"]}
    for leak in (ID_NUMBER, MOBILE, CARD):  # the attack: search the store and read the feed for the number
        assert office.get("/v1/stores/proactive", params={"q": leak}).json()["total"] == 0
        assert leak not in office.get("/v1/feed/proactive").text
        assert leak not in office.get("/v1/stores/proactive").text
        assert leak not in office.get("/v1/stores/proactive", params={"format": "csv"}).text
    with app.state.sessions() as session:
        row = session.get(ReleaseRow, release["id"])
        assert row is not None and row.purpose == "publication" and ID_NUMBER in row.original_text
        assert ID_NUMBER not in (row.released_text or "")


def test_an_item_without_private_data_is_published_as_reviewed(api: Api) -> None:
    item = published(api, extra="\n联系电话：010-12345678（办公室）")  # an office landline is published on purpose
    entry = api.as_("office").get("/v1/feed/proactive").json()["entries"][0]
    assert entry["action"] == "publish" and entry["item_id"] == item["id"] and not entry["redacted"]
    assert entry["body"].endswith("010-12345678（办公室）") and entry["release_id"] is None


def test_a_secret_item_is_refused_and_an_unreadable_one_is_not_found_like_a_missing_one(api: Api) -> None:
    case = registered(api)
    marked = pushed(api, secrecy_marking="秘密★1年", id="marked-1")
    office = api.as_("office")
    hidden = office.post(f"/v1/applications/{case['id']}/releases", json={"item_id": marked["id"]})
    missing = office.post(f"/v1/applications/{case['id']}/releases", json={"item_id": 999_999})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == {**missing.json(), "detail": missing.json()["detail"].replace("999999", str(marked["id"]))}
    refused = api.as_("disclosure_reviewer").post(f"/v1/items/{marked['id']}/releases")  # cleared: may read it
    assert refused.status_code == 409 and "条例第十四条" in refused.json()["detail"]
    assert "秘密" in refused.json()["detail"] and refused.json()["reason"] == "secret"


def test_a_changed_original_makes_the_unconfirmed_release_stale(api: Api) -> None:
    case = registered(api)
    item = pushed(api)
    office = api.as_("office")
    release = office.post(f"/v1/applications/{case['id']}/releases", json={"item_id": item["id"]}).json()
    doc = {**sample_documents()[0], "division": "城建科", "body": sample_documents()[0]["body"] + PRIVATE + "\n（修订）"}
    assert api.push(doc).json()["outcome"] == "new_version"
    shown = office.get(f"/v1/releases/{release['id']}").json()
    assert shown["stale"] is True and shown["current_version"] == 2 and shown["item_version"] == 1
    decisions = [{"index": s["index"], "verdict": "accept"} for s in release["spans"]]
    r = office.post(f"/v1/releases/{release['id']}/decisions",
                    json={"decisions": decisions, "lock_version": release["lock_version"]})
    assert r.status_code == 409 and "stale" in r.json()["detail"] and "version 2" in r.json()["detail"]
    r = office.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    assert r.status_code == 409 and r.json()["reason"] == "stale"


def test_decisions_spans_and_lock_version(api: Api) -> None:
    case = registered(api)
    item = pushed(api, extra=PRIVATE + "\n患者既往病史：高血压。")
    office = api.as_("office")
    release = office.post(f"/v1/applications/{case['id']}/releases", json={"item_id": item["id"]}).json()
    text = release["original_text"]
    start = text.index("高血压")
    added = office.post(f"/v1/releases/{release['id']}/spans",  # what no detector knows: added by hand
                        json={"start": start, "end": start + 3, "kind": "other", "lock_version": release["lock_version"]})
    assert added.status_code == 200, added.text
    assert added.json()["spans"][-1]["source"] == "hand" and added.json()["spans"][-1]["decision"]["verdict"] == "accepted"
    old = office.post(f"/v1/releases/{release['id']}/decisions", json={  # read before the span was added
        "decisions": [{"index": 0, "verdict": "reject"}], "lock_version": release["lock_version"]})
    assert old.status_code == 409 and "changed since you read it" in old.json()["detail"]
    release = added.json()
    name = next(s for s in release["spans"] if s["kind"] == "person_name")
    wider = {"start": name["start"] - 1, "end": name["end"], "kind": "person_name"}
    bad = office.post(f"/v1/releases/{release['id']}/decisions", json={
        "decisions": [{"index": name["index"], "verdict": "change"}], "lock_version": release["lock_version"]})
    assert bad.status_code == 422 and "span" in bad.json()["detail"]
    nowhere = office.post(f"/v1/releases/{release['id']}/decisions", json={
        "decisions": [{"index": 500, "verdict": "accept"}], "lock_version": release["lock_version"]})
    assert nowhere.status_code == 422 and "no span #500" in nowhere.json()["detail"]
    decisions = [{"index": s["index"], "verdict": "accept"} for s in release["spans"] if s is not name]
    decisions.append({"index": name["index"], "verdict": "change", "span": wider})
    release = office.post(f"/v1/releases/{release['id']}/decisions",
                          json={"decisions": decisions, "lock_version": release["lock_version"]}).json()
    assert release["undecided"] == [] and release["spans"][name["index"]]["decision"]["verdict"] == "changed"
    done = office.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]}).json()
    copy = office.get(f"/v1/releases/{done['id']}/copy").json()["text"]
    assert "高血压" not in copy and "张三丰" not in copy
    again = office.post(f"/v1/releases/{done['id']}/decisions", json={
        "decisions": [{"index": 0, "verdict": "reject"}], "lock_version": done["lock_version"]})
    assert again.status_code == 409 and "changes no more" in again.json()["detail"]


def test_clerks_redact_only_their_divisions_answers(api: Api, app: Any) -> None:
    mine, other = registered(api, handler_division="城建科"), registered(api, handler_division="财务科")
    item = pushed(api)
    with app.state.sessions() as session:
        _, token = tokens.issue(session, name="clerk-城建", role="clerk", division="城建科", by=Actor("t", "admin"))
        session.commit()
    clerk = {"Authorization": f"Bearer {token}"}
    client = api.client
    r = client.post(f"/v1/applications/{other['id']}/releases", headers=clerk, json={"item_id": item["id"]})
    assert r.status_code == 404
    r = client.post(f"/v1/applications/{mine['id']}/releases", headers=clerk, json={"item_id": item["id"]})
    assert r.status_code == 201, r.text
    release = r.json()
    assert client.get(f"/v1/releases/{release['id']}", headers=clerk).status_code == 200
    assert client.post(f"/v1/releases/{release['id']}/confirm", headers=clerk,
                       json={"lock_version": release["lock_version"]}).status_code == 403
    assert client.post(f"/v1/items/{item['id']}/releases", headers=clerk).status_code == 403  # a public copy
    moved = api.as_("office").post(f"/v1/applications/{mine['id']}/assign", json={"handler_division": "财务科"})
    assert moved.status_code == 200, moved.text
    gone = client.get(f"/v1/releases/{release['id']}", headers=clerk)
    missing = client.get("/v1/releases/999999", headers=clerk)
    assert gone.status_code == missing.status_code == 404
    assert api.as_("disclosure_reviewer").get(f"/v1/releases/{release['id']}").status_code == 404  # an answer's copy
    assert api.as_("disclosure_reviewer").post(f"/v1/applications/{mine['id']}/releases",
                                               json={"item_id": item["id"]}).status_code == 403


def test_an_item_decided_secret_after_the_proposal_is_neither_confirmed_nor_copied(api: Api) -> None:
    item = published(api)
    reviewer = api.as_("disclosure_reviewer")  # cleared: it still reads the item once it is secret
    release = decide_all(api, reviewer.post(f"/v1/items/{item['id']}/releases").json(), role="disclosure_reviewer")
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/reopen",
                                         json={"stage": "secrecy_review", "reason": "发现涉密内容"})
    assert r.status_code == 200, r.text
    r = api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review",
                                         json={"secrecy": "secret", "reason": "含有秘密级事项"})
    assert r.status_code == 200, r.text
    refused = reviewer.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    assert refused.status_code == 409 and "条例第十四条" in refused.json()["detail"]
    assert api.as_("office").get(f"/v1/releases/{release['id']}").status_code == 404  # not cleared: as if none


def test_full_width_digits_and_a_title_are_held_too(api: Api) -> None:
    """The attack: the ID number in full-width digits is the same number (条例第十五条 holds it back)."""
    wide = ID_NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    item = published(api, extra=f"\n联系人身份证号：{wide}")
    entry = api.as_("office").get("/v1/feed/proactive").json()["entries"][0]
    assert entry["action"] == "held" and "居民身份证号码" in entry["reason"] and wide not in str(entry)
    release = decide_all(api, api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/releases").json(),
                         role="disclosure_reviewer")
    assert api.as_("disclosure_reviewer").post(f"/v1/releases/{release['id']}/confirm",
                                               json={"lock_version": release["lock_version"]}).status_code == 200
    feed = api.as_("office").get("/v1/feed/proactive").text
    assert wide not in feed and ID_NUMBER not in feed and "redacted\":true" in feed.replace(" ", "")


def test_a_public_copy_confirmed_before_routing_is_what_the_first_entry_serves(api: Api) -> None:
    item = pushed(api)
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item['id']}/secrecy_review",
                                            json={"secrecy": "none"}).status_code == 200
    reviewer = api.as_("disclosure_reviewer")
    release = decide_all(api, reviewer.post(f"/v1/items/{item['id']}/releases").json(), role="disclosure_reviewer")
    done = reviewer.post(f"/v1/releases/{release['id']}/confirm", json={"lock_version": release["lock_version"]})
    assert done.status_code == 200 and api.as_("office").get("/v1/feed/proactive").json()["entries"] == []
    r = reviewer.post(f"/v1/items/{item['id']}/disclosure_review", json={
        "category": "proactive", "exemption": None, "column": "normative_documents", "reason": "区分处理后公开"})
    assert r.status_code == 200, r.text
    entries = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert [(e["action"], e["release_id"]) for e in entries] == [("publish", release["id"])]
    assert ID_NUMBER not in entries[0]["body"] and "110105××××××××002X" in entries[0]["body"]


@pytest.mark.parametrize("grouped", [f"{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}", "139-1234-5678"])
def test_numbers_written_in_groups_are_held_and_masked(api: Api, grouped: str) -> None:
    """The attack: spaces or hyphens between the groups of an ID or mobile number hide nothing."""
    item = published(api, extra=f"\n联系人：张三丰，号码：{grouped}。")
    entry = api.as_("office").get("/v1/feed/proactive").json()["entries"][0]
    assert entry["action"] == "held" and grouped not in str(entry)
    release = decide_all(api, api.as_("disclosure_reviewer").post(f"/v1/items/{item['id']}/releases").json(),
                         role="disclosure_reviewer")
    assert api.as_("disclosure_reviewer").post(f"/v1/releases/{release['id']}/confirm",
                                               json={"lock_version": release["lock_version"]}).status_code == 200
    feed = api.as_("office").get("/v1/feed/proactive").text
    assert grouped not in feed and grouped.replace(" ", "").replace("-", "") not in feed
    assert "redacted\":true" in feed.replace(" ", "")  # the copy went out, with the number masked in it
