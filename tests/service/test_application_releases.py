"""Redacted copies through the API (issue 17; 条例第三十七条 区分处理, 第十五条 个人隐私): proposed from an item's
current text, decided span by span, confirmed, and only then released; the original and the copy kept side by
side; secret and unreadable items refused without telling which; the website's feed and the proactive store
serving the released text of a confirmed public copy, never the original. SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from sqlalchemy import select

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
    review_item(api, item["id"], {"secrecy": "none"}, {})
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
