"""Public applications through the API (issue 17; applications.md §6): registration and the receipt day,
the answer clock's dates in the answers, transitions, closure with outcome and report row, audit,
visibility and concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from api.access import tokens
from api.context import Actor
from models.tables import AuditEventRow
from tests.service.conftest import Api

APPLICANT = {"kind": "natural_person", "name": "张某某", "id_type": "居民身份证", "id_number": "110101199001011234",
             "phone": "13800000000"}


def registered(api: Api, received: str = "2025-09-26", **extra: Any) -> dict[str, Any]:
    """An application handed in at the office on `received` (09:30 China time)."""
    body = {"channel": "in_person", "submitted_at": f"{received}T09:30:00+08:00", "applicant": APPLICANT,
            "description": "2024年某区老旧小区改造项目清单", "form_requested": "paper", "delivery": "post",
            "handler_division": "城建科", **extra}
    r = api.as_("office").post("/v1/applications", json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def event(api: Api, app_id: int, kind: str, on: str, status: int = 200, role: str = "office",
          **fields: Any) -> dict[str, Any]:
    r = api.as_(role).post(f"/v1/applications/{app_id}/events", json={"kind": kind, "on": on, **fields})
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def test_t1_registration_in_person_shows_the_deadlines(api: Api) -> None:
    case = registered(api)
    assert case["status"] == "registered" and case["received_on"] == "2025-09-26"
    assert case["receipt_basis"] == "handed_in"
    assert case["reg_no"] == "〔2025〕第0001号"
    assert case["statutory_deadline"] == case["effective_deadline"] == "2025-10-30"
    clock = case["clock"]
    assert clock["correction_notice_by"] == "2025-10-13" and clock["statutory_deadline"] == "2025-10-30"
    assert clock["overdue"] is True  # never answered, and 2025 is long past
    assert [e["kind"] for e in case["timeline"]] == ["receive"]
    assert registered(api, "2025-09-29")["reg_no"] == "〔2025〕第0002号"  # gapless per agency and year
    started = event(api, case["id"], "start", "2025-09-29")
    extended = event(api, case["id"], "extend", "2025-10-20", why="申请的信息数量较多", approved_by="李主任")
    assert started["status"] == "in_progress"
    assert extended["effective_deadline"] == "2025-11-27" and extended["clock"]["extended_by"] == 20
    assert extended["statutory_deadline"] == "2025-10-30"


def test_t2_correction_restarts_the_clock(api: Api) -> None:
    case = registered(api, "2025-03-03")
    event(api, case["id"], "request_correction", "2025-03-06", applicant_received_on="2025-03-07")
    waiting = api.as_("office").get(f"/v1/applications/{case['id']}").json()
    assert waiting["status"] == "correction_requested" and waiting["effective_deadline"] is None
    after = event(api, case["id"], "correction_received", "2025-03-14", received_on="2025-03-14")
    assert after["status"] == "in_progress"
    assert after["effective_deadline"] == "2025-04-14" and after["clock"]["answer_starts_on"] == "2025-03-14"
    second = event(api, case["id"], "request_correction", "2025-03-17", status=409)
    assert "state" in second["detail"] or "条例第三十条" in second["detail"]


def test_t3_no_correction_closes_with_its_outcome_and_row(api: Api) -> None:
    case = registered(api, "2025-03-03")
    event(api, case["id"], "request_correction", "2025-03-06", applicant_received_on="2025-03-07")
    early = event(api, case["id"], "correction_lapsed", "2025-03-28", status=409)
    assert early["rule"] == "not_lapsed" and "条例第三十条" in early["detail"]
    closed = event(api, case["id"], "correction_lapsed", "2025-03-31")
    assert closed["status"] == "closed" and closed["outcome"] == "other.no_correction"
    assert closed["report_row"]["code"] == "（六）1" and closed["concluded_on"] == "2025-03-31"
    assert closed["overdue"] is False
    assert event(api, case["id"], "start", "2025-04-01", status=409)["rule"] == "concluded"


def test_t5_t6_extension_in_time_and_too_late(api: Api) -> None:
    late = registered(api, "2025-11-20")
    event(api, late["id"], "start", "2025-11-21")
    refused = event(api, late["id"], "extend", "2025-12-19", status=409, why="数量较多", approved_by="李主任")
    assert "条例第三十三条第二款" in refused["detail"] and refused["article"] == "条例第三十三条第二款"
    case = api.as_("office").get(f"/v1/applications/{late['id']}").json()
    assert case["effective_deadline"] == "2025-12-18" and case["overdue"] is True
    assert [e["kind"] for e in case["timeline"]] == ["receive", "start"]  # nothing of the refusal stored
    in_time = registered(api, "2025-11-20")
    event(api, in_time["id"], "start", "2025-11-21")
    unapproved = event(api, in_time["id"], "extend", "2025-12-15", status=409, why="数量较多")
    assert "条例第三十三条第二款" in unapproved["detail"]
    extended = event(api, in_time["id"], "extend", "2025-12-15", why="数量较多", approved_by="李主任")
    assert extended["clock"]["deadline_before_extension"] == "2025-12-18"
    assert extended["effective_deadline"] == "2026-01-16"
    again = event(api, in_time["id"], "extend", "2025-12-16", status=409, why="还要延", approved_by="李主任")
    assert "only one extension" in again["detail"] and again["article"] == "条例第三十三条第二款"


def test_t7_third_party_consultation_pauses_the_clock(api: Api) -> None:
    case = registered(api, "2026-03-02")
    event(api, case["id"], "start", "2026-03-02")
    paused = event(api, case["id"], "consult_third_party", "2026-03-06", recipient_received_on="2026-03-09")
    assert paused["status"] == "third_party_consultation"
    resumed = event(api, case["id"], "consultation_ended", "2026-03-20", replied_on="2026-03-20")
    assert resumed["status"] == "in_progress" and resumed["effective_deadline"] == "2026-04-14"
    assert resumed["statutory_deadline"] == "2026-03-30"
    [pause] = resumed["clock"]["pauses"]
    assert pause["status"] == "replied" and pause["reply_due_on"] == "2026-03-30"


def test_t9_online_application_waits_for_confirmation(api: Api) -> None:
    body = {"channel": "online", "submitted_at": "2025-09-30T22:00:00+08:00", "applicant": APPLICANT,
            "description": "某政策文件", "form_requested": "electronic", "delivery": "online"}
    r = api.as_("office").post("/v1/applications", json=body)
    assert r.status_code == 201, r.text
    waiting = r.json()
    assert waiting["status"] == "awaiting_confirmation" and waiting["received_on"] is None
    assert waiting["clock"] is None and waiting["effective_deadline"] is None
    no_receipt = api.as_("office").get(f"/v1/applications/{waiting['id']}/receipt")
    assert no_receipt.status_code == 409 and "条例第三十一条" in no_receipt.json()["detail"]
    incomplete = api.as_("office").post(f"/v1/applications/{waiting['id']}/confirm", json={
        "confirmation": {"at": "2025-10-09T09:30:00+08:00", "way": "", "staff": "王敏"}})
    assert incomplete.status_code == 422
    confirmed = api.as_("office").post(f"/v1/applications/{waiting['id']}/confirm", json={
        "confirmation": {"at": "2025-10-09T09:30:00+08:00", "way": "平台回复", "staff": "王敏"},
        "lock_version": waiting["lock_version"]})
    assert confirmed.status_code == 200, confirmed.text
    case = confirmed.json()
    assert case["status"] == "registered" and case["received_on"] == "2025-10-09"
    assert case["receipt_basis"] == "confirmed" and case["confirmation"]["way"] == "平台回复"
    assert case["effective_deadline"] == "2025-11-05"


def test_t17_unpaid_fee_lapses(api: Api) -> None:
    case = registered(api, "2025-05-06")
    event(api, case["id"], "start", "2025-05-07")
    fee = {"method": "by_pages", "basis": 120, "amount": 1100}
    missing = event(api, case["id"], "send_fee_notice", "2025-05-30", status=422)
    assert "fee" in missing["detail"]
    notice = event(api, case["id"], "send_fee_notice", "2025-05-30", fee=fee, applicant_received_on="2025-06-03")
    assert notice["status"] == "fee_notice_sent" and notice["clock"]["fee_lapses_after"] == "2025-07-01"
    assert event(api, case["id"], "fee_lapsed", "2025-07-01", status=409)["rule"] == "not_lapsed"
    closed = event(api, case["id"], "fee_lapsed", "2025-07-02")
    assert closed["outcome"] == "other.fee_unpaid" and closed["report_row"]["code"] == "（六）2"


def test_t28_on_the_spot_and_a_full_answer(api: Api, app: Any) -> None:
    from tests.service.test_application_letters import LETTER_SETTINGS, issue_answer  # it imports this module

    app.state.context.settings = app.state.context.settings.model_copy(update=LETTER_SETTINGS)
    spot = registered(api, "2025-09-26")
    answered = event(api, spot["id"], "answer_on_the_spot", "2025-09-26", outcome="disclosed.already_public")
    assert answered["status"] == "answered_on_the_spot" and answered["effective_deadline"] is None
    assert answered["clock"]["answered_on_the_spot"] is True and answered["report_row"]["code"] == "（一）"
    case = registered(api, "2025-09-26")
    for kind, on in (("start", "2025-09-29"), ("draft_answer", "2025-10-10")):
        event(api, case["id"], kind, on)
    unanswered = event(api, case["id"], "approve_answer", "2025-10-11", status=409)
    assert "条例第三十六条" in unanswered["detail"]
    event(api, case["id"], "set_outcome", "2025-10-13", outcome="partial")
    event(api, case["id"], "approve_answer", "2025-10-14")
    assert issue_answer(api, case["id"])["kind"] == "partial"  # 条例第三十六条: the answer is a letter on file
    done = event(api, case["id"], "dispatch_answer", "2025-10-15")
    assert done["status"] == "answered" and done["outcome"] == "partial" and done["overdue"] is False
    assert done["clock"]["answered_on"] == "2025-10-15" and done["clock"]["overdue"] is False
    assert event(api, case["id"], "serve", "2025-10-17")["status"] == "served"
    assert event(api, case["id"], "archive", "2025-10-20")["status"] == "archived"
    kinds = [e["kind"] for e in api.as_("supervisor").get(f"/v1/applications/{case['id']}").json()["timeline"]]
    assert kinds == ["receive", "start", "draft_answer", "set_outcome", "approve_answer", "dispatch_answer", "serve",
                     "archive"]


def test_every_transition_is_audited_without_identity_numbers(api: Api, app: Any) -> None:
    case = registered(api, "2025-09-26")
    event(api, case["id"], "start", "2025-09-29")
    event(api, case["id"], "withdraw", "2025-10-09")
    with app.state.sessions() as session:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.action.like("application:%"))
                               .order_by(AuditEventRow.seq)).all()
    assert [r.action for r in rows] == ["application:receive", "application:start", "application:withdraw"]
    assert all(r.after["application_id"] == case["id"] for r in rows)
    assert rows[-1].after["outcome"] == "other.other" and rows[-1].after["why"] == "申请人撤回"
    text = str([(r.before, r.after) for r in rows])
    assert APPLICANT["id_number"] not in text and APPLICANT["phone"] not in text
    assert api.as_("supervisor").get("/v1/audit/verify").json()["intact"] is True


def test_a_clerk_sees_their_division_only(api: Api, app: Any) -> None:
    mine = registered(api, handler_division="城建科")
    other = registered(api, handler_division="财务科")
    with app.state.sessions() as session:
        _, token = tokens.issue(session, name="clerk-城建", role="clerk", division="城建科", by=Actor("t", "admin"))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = api.client
    assert client.get(f"/v1/applications/{mine['id']}", headers=headers).status_code == 200
    assert client.get(f"/v1/applications/{other['id']}", headers=headers).status_code == 404
    r = client.post(f"/v1/applications/{other['id']}/events", headers=headers, json={"kind": "start", "on": "2025-09-29"})
    assert r.status_code == 404
    listed = client.get("/v1/applications", headers=headers).json()
    assert [a["id"] for a in listed["applications"]] == [mine["id"]]
    assert api.as_("clerk").get(f"/v1/applications/{mine['id']}").status_code == 404  # a clerk with no division
    moved = api.as_("office").post(f"/v1/applications/{other['id']}/assign",
                                   json={"handler_division": "城建科", "why": "属城建科职责"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["timeline"][-1]["kind"] == "assign"
    assert client.get(f"/v1/applications/{other['id']}", headers=headers).status_code == 200
    started = client.post(f"/v1/applications/{other['id']}/events", headers=headers,
                          json={"kind": "start", "on": "2025-09-29"})
    assert started.status_code == 200 and started.json()["timeline"][-1]["seq"] == 3
    assert client.post(f"/v1/applications/{other['id']}/assign", headers=headers,
                       json={"handler_division": "财务科"}).status_code == 403
    assert api.as_("office").get("/v1/applications").json()["total"] == 2


def test_the_list_filters_and_orders_by_deadline(api: Api) -> None:
    later = registered(api, "2025-11-20", handler_division="财务科")
    sooner = registered(api, "2025-09-26")
    spot = registered(api, "2025-09-26")
    event(api, spot["id"], "answer_on_the_spot", "2025-09-26", outcome="disclosed")
    office = api.as_("office")
    everything = office.get("/v1/applications").json()
    assert [a["id"] for a in everything["applications"]] == [sooner["id"], later["id"], spot["id"]]
    due = office.get("/v1/applications", params={"due_before": "2025-11-01"}).json()
    assert [a["id"] for a in due["applications"]] == [sooner["id"]]
    assert office.get("/v1/applications", params={"overdue": "true"}).json()["total"] == 2
    assert office.get("/v1/applications", params={"overdue": "false"}).json()["total"] == 1
    assert office.get("/v1/applications", params={"division": "财务科"}).json()["total"] == 1
    assert office.get("/v1/applications", params={"status": "answered_on_the_spot"}).json()["total"] == 1


def test_concurrent_change_is_409(api: Api) -> None:
    case = registered(api, "2025-09-26")
    version = case["lock_version"]
    event(api, case["id"], "start", "2025-09-29", lock_version=version)
    stale = event(api, case["id"], "request_reason", "2025-09-30", status=409, lock_version=version)
    assert "changed since you read it" in stale["detail"]


def test_refusals_name_the_rule(api: Api) -> None:
    case = registered(api, "2025-09-26")
    event(api, case["id"], "start", "2025-09-29")
    before = event(api, case["id"], "draft_answer", "2025-09-28", status=409)
    assert before["rule"] == "in_order"
    future = event(api, case["id"], "draft_answer", "2999-01-01", status=422)
    assert "future" in future["detail"]
    unknown = event(api, case["id"], "fly", "2025-10-01", status=422)
    assert unknown["status"] == 422


def test_the_receipt_without_settings_names_them(api: Api) -> None:
    case = registered(api, "2025-09-26")
    r = api.as_("office").get(f"/v1/applications/{case['id']}/receipt")
    assert r.status_code == 409
    assert "GONGKAI_AGENCY_NAME" in r.json()["detail"]
    assert {m["key"] for m in r.json()["missing"]} >= {"agency"}


def test_an_application_withdrawn_before_its_confirmation_closes_without_a_receipt_day(api: Api) -> None:
    r = api.as_("office").post("/v1/applications", json={
        "channel": "email", "submitted_at": "2025-09-30T22:00:00+08:00", "applicant": APPLICANT,
        "description": "某政策文件", "form_requested": "electronic", "delivery": "email"})
    assert r.status_code == 201, r.text
    closed = event(api, r.json()["id"], "withdraw", "2025-10-08")
    assert closed["status"] == "closed" and closed["received_on"] is None and closed["outcome"] == "other.other"
    assert closed["clock"] is None and closed["report_row"]["code"] == "（六）3"


def test_t8_a_consultation_without_reply_ends_with_the_third_partys_period(api: Api) -> None:
    case = registered(api, "2026-03-02")
    event(api, case["id"], "start", "2026-03-02")
    sent = event(api, case["id"], "consult_third_party", "2026-03-06")
    assert sent["effective_deadline"] is None  # the letter's receipt unknown: the pause has no end yet
    ended = event(api, case["id"], "consultation_ended", "2026-03-31", recipient_received_on="2026-03-09")
    assert ended["effective_deadline"] == "2026-04-22"
    [pause] = ended["clock"]["pauses"]
    assert pause["ends_on"] == "2026-03-30" and pause["status"] == "no_reply"
