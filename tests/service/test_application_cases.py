"""The 行政复议 / 行政诉讼 case register through the API (Table 四; applications.md §3.3, §3.4 checks 4 and 10):
record, conclude, correct, each refusal naming its field, roles, lock_version, and the table endpoint against a
hand count, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from models.tables import AuditEventRow
from tests.service.conftest import Api
from tests.service.test_concurrency import _at_once
from tests.service.test_applications import event, registered


def recorded(api: Api, status: int = 201, role: str = "office", **fields: Any) -> dict[str, Any]:
    body = {"kind": "reconsideration", "case_number": f"复议〔2025〕{len(str(fields))}{id(fields) % 10_000}号",
            "body": "某区人民政府", "filed_on": "2025-04-10", **fields}
    r = api.as_(role).post("/v1/cases", json=body)
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def post(api: Api, url: str, status: int = 200, role: str = "office", **body: Any) -> dict[str, Any]:
    r = api.as_(role).post(url, json=body)
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def test_record_conclude_and_correct_each_audited(api: Api, app: Any) -> None:
    application = registered(api, "2025-03-03")
    r = api.as_("office").post("/v1/cases", json={
        "kind": "reconsideration", "case_number": "某府复〔2025〕12号", "body": "某区人民政府",
        "application_id": application["id"], "subject": "不予公开告知书", "filed_on": "2025-04-10"})
    assert r.status_code == 201 and r.headers["Location"] == f"/v1/cases/{r.json()['id']}"
    case = r.json()
    assert case["result"] is None and case["decision"] is None and case["result_label"] == "尚未审结"
    assert case["kind_label"] == "行政复议" and case["recorded_by"] and case["warnings"] == []
    url = f"/v1/cases/{case['id']}"
    done = post(api, f"{url}/conclude", decision="撤销", concluded_on="2025-06-01", lock_version=case["lock_version"])
    assert done["result"] == "corrected" and done["result_label"] == "结果纠正" and done["concluded_on"] == "2025-06-01"
    assert done["lock_version"] == case["lock_version"] + 1
    again = post(api, f"{url}/conclude", 409, decision="维持", concluded_on="2025-06-02",
                 lock_version=done["lock_version"])
    assert "not concluded again" in again["detail"] and "/correct" in again["detail"]
    fixed = post(api, f"{url}/correct", changes={"decision": "维持"}, reason="误录：复议决定书为维持",
                 lock_version=done["lock_version"])
    assert fixed["decision"] == "维持" and fixed["result"] == "maintained" and fixed["concluded_on"] == "2025-06-01"
    [correction] = fixed["corrections"]
    assert correction["reason"] == "误录：复议决定书为维持" and correction["actor"] and correction["at"]
    assert correction["changes"] == [{"field": "decision", "before": "撤销", "after": "维持"}]
    assert api.as_("supervisor").get(url).json() == fixed
    with app.state.sessions() as session:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.action.like("case:%"))
                               .order_by(AuditEventRow.seq)).all()
    assert [r.action for r in rows] == ["case:record", "case:conclude", "case:correct"]
    assert rows[1].before["result"] is None and rows[1].after["decision"] == "撤销"
    assert rows[2].after["reason"] == "误录：复议决定书为维持" and rows[2].after["changed"] == ["decision"]
    assert rows[2].before["decision"] == "撤销" and rows[2].after["result"] == "maintained"
    assert api.as_("supervisor").get("/v1/audit/verify").json()["intact"] is True


def test_a_case_recorded_after_it_ended_and_reopened_by_a_correction(api: Api) -> None:
    case = recorded(api, kind="litigation_direct", body="某区人民法院", decision="裁定驳回起诉",
                    concluded_on="2025-05-20")
    assert case["result"] == "other"
    reopened = post(api, f"/v1/cases/{case['id']}/correct", changes={"decision": None, "concluded_on": None},
                    reason="裁定已被上级法院撤销，发回重审", lock_version=case["lock_version"])
    assert reopened["result"] is None and reopened["decision"] is None and reopened["concluded_on"] is None
    assert reopened["corrections"][0]["changes"] == [
        {"field": "concluded_on", "before": "2025-05-20", "after": None},
        {"field": "decision", "before": "裁定驳回起诉", "after": None}]
    assert api.as_("office").get("/v1/cases").json()["cases"][0]["corrections"] == reopened["corrections"]


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"filed_on": "2999-01-01"}, "filed_on", "in the future"),
    ({"decision": "维持"}, "concluded_on", "both its decision"),
    ({"concluded_on": "2025-05-01"}, "decision", "both its decision"),
    ({"decision": "维持", "concluded_on": "2025-04-09"}, "concluded_on", "before the case was filed"),
    ({"decision": "维持", "concluded_on": "2999-01-01"}, "concluded_on", "in the future"),
    ({"decision": "驳回", "concluded_on": "2025-05-01"}, "decision", "known: 维持, 驳回复议请求"),
    ({"kind": "litigation_direct", "decision": "维持", "concluded_on": "2025-05-01"}, "decision", "判决驳回诉讼请求"),
    ({"application_id": 9999}, "application_id", "no application 9999"),
    ({"kind": "litigation_after_reconsideration"}, "reconsideration_id", "names the 行政复议 case"),
    ({"kind": "litigation_after_reconsideration", "reconsideration_id": 9999}, "reconsideration_id", "no 行政复议"),
    ({"kind": "litigation_direct", "reconsideration_id": 1}, "reconsideration_id", "only a litigation_after"),
], ids=["filed_in_the_future", "decision_without_day", "day_without_decision", "concluded_before_filed",
        "concluded_in_the_future", "unknown_decision", "decision_of_another_kind", "unknown_application",
        "suit_after_nothing", "suit_after_a_missing_case", "direct_suit_after_a_case"])
def test_each_refusal_names_its_field(api: Api, fields: dict[str, Any], field: str, words: str) -> None:
    refused = recorded(api, 422, **fields)
    assert refused["errors"][0]["field"] == field and words in refused["detail"], refused
    assert api.as_("office").get("/v1/cases").json()["total"] == 0


def test_refusals_about_other_records(api: Api) -> None:
    application = registered(api, "2025-03-03")
    early = recorded(api, 422, application_id=application["id"], filed_on="2025-03-02")
    assert early["errors"][0]["field"] == "filed_on" and "received" in early["detail"]
    first = recorded(api, case_number="某府复〔2025〕1号")
    twice = recorded(api, 409, case_number="某府复〔2025〕1号", kind="litigation_direct", body="某区人民法院")
    assert twice["field"] == "case_number" and "already has" in twice["detail"]
    direct = recorded(api, kind="litigation_direct", body="某区人民法院")
    after_a_suit = recorded(api, 422, kind="litigation_after_reconsideration", reconsideration_id=direct["id"])
    assert after_a_suit["errors"][0]["field"] == "reconsideration_id"
    for body in ({"kind": "reconsideration", "case_number": "x", "body": "y", "filed_on": "2025-04-10", "extra": 1},
                 {"kind": "appeal", "case_number": "x", "body": "y", "filed_on": "2025-04-10"},
                 {"kind": "reconsideration", "case_number": "x\x00", "body": "y", "filed_on": "2025-04-10"},
                 {"kind": "reconsideration", "case_number": " ", "body": "y", "filed_on": "2025-04-10"}):
        assert api.as_("office").post("/v1/cases", json=body).status_code == 422
    url = f"/v1/cases/{first['id']}/correct"
    v = first["lock_version"]
    assert post(api, url, 422, changes={}, reason="无", lock_version=v)["errors"][0]["field"] == "changes"
    assert post(api, url, 422, changes={"kind": None}, reason="清空", lock_version=v)["errors"][0]["field"] == "kind"
    assert post(api, url, 422, changes={"body": "x"}, lock_version=v)["status"] == 422  # no reason
    taken = post(api, url, 409, changes={"case_number": direct["case_number"]}, reason="改号", lock_version=v)
    assert taken["field"] == "case_number"
    assert api.as_("office").get("/v1/cases/99999").status_code == 404
    assert post(api, "/v1/cases/99999/conclude", 404, decision="维持", concluded_on="2025-05-01", lock_version=1)


def test_a_suit_after_a_reconsideration_not_yet_ended_is_recorded_with_a_warning(api: Api) -> None:
    one, other = registered(api, "2025-03-03"), registered(api, "2025-03-04")
    recon = recorded(api, application_id=one["id"])
    suit = recorded(api, kind="litigation_after_reconsideration", body="某区人民法院", reconsideration_id=recon["id"],
                    application_id=other["id"], filed_on="2025-05-10")
    assert any("is not concluded" in w for w in suit["warnings"]) and any("not " + str(other["id"]) in w
                                                                          for w in suit["warnings"])
    post(api, f"/v1/cases/{recon['id']}/conclude", decision="驳回复议请求", concluded_on="2025-05-10",
         lock_version=recon["lock_version"])
    assert any("was concluded on 2025-05-10" in w for w in api.as_("office").get(f"/v1/cases/{suit['id']}").json()["warnings"])
    clean = recorded(api, kind="litigation_after_reconsideration", body="某区人民法院", reconsideration_id=recon["id"],
                     application_id=one["id"], filed_on="2025-05-20")
    assert clean["warnings"] == []
    renamed = api.as_("office").get(f"/v1/cases/{recon['id']}").json()
    kept = post(api, f"/v1/cases/{recon['id']}/correct", 409, changes={"kind": "litigation_direct"}, reason="误录",
                lock_version=renamed["lock_version"])
    assert kept["field"] == "kind" and suit["case_number"] in kept["detail"]


@pytest.mark.parametrize("role", ["clerk", "secrecy_reviewer", "disclosure_reviewer"])
def test_clerks_and_reviewers_may_neither_record_nor_read_cases(api: Api, role: str) -> None:
    case = recorded(api)
    application = registered(api)
    client = api.as_(role)
    assert client.post("/v1/cases", json={"kind": "reconsideration", "case_number": "新", "body": "某",
                                          "filed_on": "2025-04-10"}).status_code == 403
    assert client.post(f"/v1/cases/{case['id']}/conclude", json={"decision": "维持", "concluded_on": "2025-05-01",
                                                                 "lock_version": 1}).status_code == 403
    for url in ("/v1/cases", f"/v1/cases/{case['id']}", "/v1/cases/table?year=2025",
                f"/v1/applications/{application['id']}/cases"):
        assert client.get(url).status_code == 403, url
    assert api.as_("office").get(f"/v1/cases/{case['id']}").json()["result"] is None


def test_supervision_reads_but_does_not_record(api: Api) -> None:
    case = recorded(api)
    assert api.as_("supervisor").get(f"/v1/cases/{case['id']}").status_code == 200
    assert recorded(api, 403, role="supervisor", case_number="监督")["status"] == 403
    assert post(api, f"/v1/cases/{case['id']}/correct", 403, role="admin", changes={"body": "x"}, reason="r",
                lock_version=1)["status"] == 403


def test_lock_version_conflicts(api: Api) -> None:
    case = recorded(api)
    url = f"/v1/cases/{case['id']}"
    stale = post(api, f"{url}/conclude", 409, decision="维持", concluded_on="2025-05-01", lock_version=case["lock_version"] + 1)
    assert "changed since you read it" in stale["detail"] and stale["current"]["lock_version"] == case["lock_version"]
    fixed = post(api, f"{url}/correct", changes={"subject": "补录"}, reason="补录", lock_version=case["lock_version"])
    late = post(api, f"{url}/correct", 409, changes={"subject": "又改"}, reason="r", lock_version=case["lock_version"])
    assert late["submitted"]["changes"] == {"subject": "又改"}
    late_conclusion = post(api, f"{url}/conclude", 409, decision="维持", concluded_on="2025-05-01",
                           lock_version=case["lock_version"])
    assert "changed since" in late_conclusion["detail"]
    assert post(api, f"{url}/conclude", decision="维持", concluded_on="2025-05-01",
                lock_version=fixed["lock_version"])["result"] == "maintained"


def test_the_table_against_a_hand_count(api: Api) -> None:
    answered = registered(api, "2024-09-02")
    event(api, answered["id"], "answer_on_the_spot", "2024-09-02", outcome="disclosed.already_public")
    still_open = registered(api, "2025-02-03")

    def case(kind: str, filed: str, decision: str | None = None, on: str | None = None, **more: Any) -> int:
        fields = {"decision": decision, "concluded_on": on} if decision else {}
        body = "某区人民政府" if kind == "reconsideration" else "某区人民法院"
        return int(recorded(api, kind=kind, body=body, filed_on=filed, case_number=f"{kind}-{filed}",
                            **fields, **more)["id"])

    r1 = case("reconsideration", "2025-02-10", "撤销", "2025-05-01", application_id=answered["id"])
    r2 = case("reconsideration", "2025-03-01", "维持", "2025-04-20")
    r3 = case("reconsideration", "2024-11-03", "终止", "2025-01-15")
    r4 = case("reconsideration", "2025-12-01", "驳回复议请求", "2026-01-10", application_id=still_open["id"])
    r5 = case("reconsideration", "2025-06-01")
    case("reconsideration", "2024-05-01", "维持", "2024-08-01")
    case("reconsideration", "2024-10-01")
    d8 = case("litigation_direct", "2025-01-20", "确认违法", "2025-09-30")
    d9 = case("litigation_direct", "2023-06-01", "判决驳回诉讼请求", "2025-03-03")
    case("litigation_direct", "2026-01-05")
    d11 = case("litigation_direct", "2025-07-07")
    a12 = case("litigation_after_reconsideration", "2025-05-10", "撤诉", "2025-11-11", reconsideration_id=r2)
    a13 = case("litigation_after_reconsideration", "2025-01-20", "部分撤销", "2025-12-31", reconsideration_id=r3)
    a14 = case("litigation_after_reconsideration", "2025-12-31", reconsideration_id=r1)
    table = api.as_("supervisor").get("/v1/cases/table", params={"year": 2025}).json()
    assert table["year"] == 2025 and table["scope"] == "filed_or_concluded" and table["as_of"] == "2025-12-31"
    cells = {g["group"]: {c["column"]: c["case_ids"] for c in g["cells"]} for g in table["groups"]}
    assert cells == {
        "reconsideration": {"maintained": [r2], "corrected": [r1], "other": [r3], "pending": [r4, r5],
                            "total": [r1, r2, r3, r4, r5]},
        "litigation_direct": {"maintained": [d9], "corrected": [d8], "other": [], "pending": [d11],
                              "total": [d8, d9, d11]},
        "litigation_after_reconsideration": {"maintained": [], "corrected": [a13], "other": [a12], "pending": [a14],
                                             "total": [a12, a13, a14]}}
    assert all(c["count"] == len(c["case_ids"]) for g in table["groups"] for c in g["cells"])
    assert [g["label"] for g in table["groups"]][0] == "行政复议"
    assert [(f["level"], f["check"], f["case_ids"]) for f in table["checks"]] == [("warning", 10, [r4])]
    assert "not concluded by 2025-12-31" in table["checks"][0]["message"]
    filed = api.as_("office").get("/v1/cases/table", params={"year": 2025, "scope": "filed"}).json()
    assert [c["count"] for g in filed["groups"] for c in g["cells"]] == [1, 1, 0, 2, 4, 0, 1, 0, 1, 2, 0, 1, 1, 1, 3]
    assert api.as_("office").get("/v1/cases/table", params={"year": 2025, "scope": "all"}).status_code == 422
    assert api.as_("office").get("/v1/cases/table").status_code == 422


def test_the_list_and_an_applications_cases(api: Api) -> None:
    application = registered(api, "2025-03-03")
    ids = [recorded(api, case_number=f"n{i}", filed_on=f"2025-04-1{i}", application_id=application["id"])["id"]
           for i in range(3)]
    old = recorded(api, case_number="old", kind="litigation_direct", body="某法院", filed_on="2024-05-05",
                   decision="撤诉", concluded_on="2024-06-01")["id"]
    office = api.as_("office")
    assert [c["id"] for c in office.get("/v1/cases").json()["cases"]] == [old, *ids]
    assert [c["id"] for c in office.get("/v1/cases", params={"year": 2025}).json()["cases"]] == ids
    assert [c["id"] for c in office.get("/v1/cases", params={"pending": "false"}).json()["cases"]] == [old]
    assert office.get("/v1/cases", params={"kind": "litigation_direct"}).json()["total"] == 1
    page = office.get("/v1/cases", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 4 and [c["id"] for c in page["cases"]] == ids[:2]
    mine = office.get(f"/v1/applications/{application['id']}/cases").json()
    assert mine["total"] == 3 and [c["id"] for c in mine["cases"]] == ids
    assert office.get("/v1/applications/99999/cases").status_code == 404
    assert office.get("/v1/cases", params={"kind": "appeal"}).status_code == 422


def test_two_conclusions_or_two_records_at_once_one_wins(api: Api) -> None:
    for round_ in range(3):  # several rounds, so the two really overlap at least sometimes
        case = recorded(api, case_number=f"并发{round_}")
        office = api.as_("office")
        url = f"/v1/cases/{case['id']}/conclude"
        bodies = [{"decision": "维持", "concluded_on": "2025-05-01", "lock_version": case["lock_version"]},
                  {"decision": "撤销", "concluded_on": "2025-05-02", "lock_version": case["lock_version"]}]
        results = _at_once([lambda b=b, u=url, who=office: who.post(u, json=b) for b in bodies])
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
        winner = next(r for r in results if r.status_code == 200).json()
        assert office.get(f"/v1/cases/{case['id']}").json()["decision"] == winner["decision"]
        body = {"kind": "litigation_direct", "case_number": f"同号{round_}", "body": "某法院", "filed_on": "2025-04-10"}
        twins = _at_once([lambda b=body, who=office: who.post("/v1/cases", json=b) for _ in range(2)])
        assert sorted(r.status_code for r in twins) == [201, 409], [r.text for r in twins]


def test_hostile_input_is_refused_before_it_reaches_the_register(api: Api) -> None:
    office = api.as_("office")
    base = {"kind": "reconsideration", "case_number": "攻击", "body": "某", "filed_on": "2025-04-10"}
    for bad in ({"case_number": "号" * 101}, {"body": "某" * 201}, {"subject": "x" * 2001}, {"filed_on": "1989-12-31"},
                {"filed_on": 0}, {"application_id": -1}, {"application_id": 2**31}, {"reconsideration_id": "1 OR 1=1"},
                {"decision": "维持\x00", "concluded_on": "2025-05-01"}, {"kind": None}):
        assert office.post("/v1/cases", json={**base, **bad}).status_code == 422, bad
    for params in ({"year": 1989}, {"year": "2025; DROP TABLE review_case"}, {"limit": 0}, {"limit": 501},
                   {"offset": -1}, {"pending": "maybe"}):
        assert office.get("/v1/cases", params=params).status_code == 422, params
    assert office.get("/v1/cases/table", params={"year": 3000}).status_code == 422
    assert office.get("/v1/cases/abc").status_code == 422
    assert office.post("/v1/cases/1/conclude", json={"decision": "维持", "concluded_on": "2025-05-01",
                                                     "lock_version": 0}).status_code == 422
    assert office.get("/v1/cases").json()["total"] == 0
