"""The annual report through the API (issue 18; applications.md §3): formats refused, who may read and write,
entries and corrections refused with the field named, check 7 when the register moves under a correction,
a frozen report, submission through the same review and publication guards as every item (a secret or a
private number in the narrative never reaches the website), reopening, and the audit of every change. The
full year with every cell hand-counted is tests/service/test_annual_year.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from models.tables import AuditEventRow
from tests.service.conftest import Api, review_item
from tests.service.test_applications import event, registered

URL = "/v1/annual-reports/2025"
SECTIONS = {"title": "某市某局2025年政府信息公开工作年度报告", "overview": "2025年，本局共收到政府信息公开申请2件。",
            "problems": "个别答复文书说理不够充分。", "other": "本年度未收取信息处理费。"}
ENTRIES = {"licensing": 12, "penalties": 3, "coercion": 0, "fees": "0"}


def _office(api: Api, method: str, url: str, status: int = 200, **body: Any) -> dict[str, Any]:
    r = getattr(api.as_("office"), method)(url, json=body) if body or method != "get" else api.as_("office").get(url)
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def _ready(api: Api) -> dict[str, Any]:
    """A 2025 with two applications (one answered, one carried over) and everything entered."""
    answered = registered(api, "2025-03-03")
    event(api, answered["id"], "answer_on_the_spot", "2025-03-03", outcome="disclosed")
    registered(api, "2025-12-29")
    _office(api, "put", f"{URL}/sections", **SECTIONS)
    for row, value in ENTRIES.items():
        report = _office(api, "put", f"{URL}/entries/{row}", value=value, source="市政务服务管理平台")
    return report


def test_years_outside_the_format_are_refused_with_the_reason(api: Api) -> None:
    old = _office(api, "get", "/v1/annual-reports/2020", 422)
    assert "国办公开办函〔2019〕60号" in old["detail"] and "2021" in old["detail"] and old["field"] == "year"
    assert "has not begun" in _office(api, "get", "/v1/annual-reports/2027", 422)["detail"]
    assert _office(api, "put", "/v1/annual-reports/2019/sections", 422, overview="x")["field"] == "year"
    this_year = _office(api, "get", "/v1/annual-reports/2026")
    assert any(f["check"] == 0 and "has not ended" in f["message"] for f in this_year["findings"])


@pytest.mark.parametrize("role", ["clerk", "secrecy_reviewer", "disclosure_reviewer", "document_system", "rule_author"])
def test_only_the_office_supervision_and_the_admin_read_it(api: Api, role: str) -> None:
    assert api.as_(role).get(URL).status_code == 403
    assert api.as_(role).put(f"{URL}/sections", json={"overview": "x"}).status_code == 403


def test_supervision_reads_but_does_not_write(api: Api) -> None:
    assert api.as_("supervisor").get(URL).status_code == 200
    assert api.as_("supervisor").put(f"{URL}/sections", json={"overview": "x"}).status_code == 403
    assert api.as_("supervisor").post(f"{URL}/submit").status_code == 403


def test_a_new_year_lists_what_is_missing(api: Api) -> None:
    report = _office(api, "get", URL)
    errors = {f["check"]: f for f in report["findings"] if f["level"] == "error"}
    assert report["status"] == "draft" and report["version"] == 0 and report["publishable"] is False
    assert report["deadline"] == "2026-01-31"  # 条例第四十九条
    assert "条例第五十条" in errors[12]["message"] or any("条例第五十条" in f["message"] for f in report["findings"])
    assert {c["row"] for c in errors[5]["cells"]} == {"licensing", "penalties", "coercion", "fees"}
    assert report["tables"]["two"]["licensing"] == {"decisions": None}


@pytest.mark.parametrize(("row", "body", "field"), [
    ("permits", {"value": 1, "source": "x"}, "row"),
    ("licensing", {"value": -1, "source": "x"}, "value"),
    ("licensing", {"value": True, "source": "x"}, "value"),
    ("licensing", {"value": "12", "source": "x"}, "value"),
    ("licensing", {"value": 1.5, "source": "x"}, "value"),
    ("fees", {"value": "1.23456", "source": "x"}, "value"),
    ("fees", {"value": "NaN", "source": "x"}, "value"),
    ("fees", {"value": "-0.5", "source": "x"}, "value"),
    ("fees", {"value": "1", "source": "   "}, "source"),
])
def test_entries_refused_name_the_field_and_keep_what_was_sent(api: Api, row: str, body: dict[str, Any],
                                                               field: str) -> None:
    refused = _office(api, "put", f"{URL}/entries/{row}", 422, **body)
    assert refused.get("field") == field or any(e.get("field", "").endswith(field) for e in refused.get("errors", [])), refused
    assert _office(api, "get", URL)["manual"] == {}  # nothing half-stored


def test_an_entry_keeps_its_source_and_who_entered_it(api: Api) -> None:
    report = _office(api, "put", f"{URL}/entries/fees", value="1e1", source="财务处 收费台账")
    entry = report["manual"]["fees"]
    assert entry["value"] == "10" and entry["source"] == "财务处 收费台账" and entry["entered_by"] and entry["at"]
    assert report["tables"]["two"]["fees"] == {"amount": "10"}


def test_corrections_need_a_reason_and_a_computed_cell(api: Api) -> None:
    _ready(api)
    cell = {"table": "three", "row": "一", "column": "natural_person"}
    assert _office(api, "post", f"{URL}/corrections", 422, **cell, value=3, reason=" ")["field"] == "reason"
    bad = _office(api, "post", f"{URL}/corrections", 422, table="two", row="licensing", column="decisions", value=1,
                  reason="x")
    assert bad["field"] == "cell" and "entered, not corrected" in bad["detail"]
    assert _office(api, "post", f"{URL}/corrections", 422, table="three", row="九", column="total", value=1,
                   reason="x")["field"] == "cell"
    fixed = _office(api, "post", f"{URL}/corrections", **cell, value=3, reason="纸质登记漏录1件")
    assert fixed["tables"]["three"]["一"]["natural_person"] == 3 and fixed["computed"]["three"]["一"]["natural_person"] == 2
    [correction] = fixed["corrections"]
    assert correction["computed"] == 2 and correction["value"] == 3 and correction["reason"] == "纸质登记漏录1件"
    checks = {f["check"] for f in fixed["findings"] if f["level"] == "error"}
    assert {1, 3} <= checks and 7 not in checks  # unbalanced, but explained
    withdrawn = _office(api, "post", f"{URL}/corrections", **cell, value=None, reason="核实无漏录")
    assert withdrawn["corrections"] == [] and withdrawn["publishable"] is True


def test_a_correction_is_looked_at_again_when_the_register_moves(api: Api) -> None:
    _ready(api)
    cell = {"table": "three", "row": "四", "column": "natural_person"}
    _office(api, "post", f"{URL}/corrections", **cell, value=1, reason="核对无误")  # the register gives 1 too
    late = registered(api, "2025-12-30")  # the register now gives 2 carried over
    report = _office(api, "get", URL)
    [stale] = [f for f in report["findings"] if f["check"] == 7]
    assert "now gives 2" in stale["message"] and stale["cells"] == [{**cell}]
    assert report["publishable"] is False
    assert late["id"] in report["sources"]["three"]["四"]["natural_person"]


def test_a_stale_version_is_refused_with_what_was_sent(api: Api) -> None:
    first = _office(api, "put", f"{URL}/sections", overview="初稿")
    _office(api, "put", f"{URL}/sections", overview="二稿", expected_version=first["version"])
    refused = _office(api, "put", f"{URL}/sections", 409, overview="三稿", expected_version=first["version"])
    assert refused["submitted"]["overview"] == "三稿" and "read it again" in refused["detail"]
    assert _office(api, "get", URL)["sections"][0]["text"] == "二稿"


def test_submission_is_refused_on_errors_then_frozen_reviewed_and_published(api: Api) -> None:
    registered(api, "2025-05-06")
    refused = _office(api, "post", f"{URL}/submit", 409)
    assert refused["findings"] and all(f["level"] == "error" for f in refused["findings"])
    assert "block publication" in refused["detail"]
    report = _ready(api)
    assert report["publishable"] is True
    submitted = _office(api, "post", f"{URL}/submit")
    assert submitted["status"] == "submitted" and submitted["item_status"] == "secrecy_review"
    assert submitted["tables"] == report["tables"]
    assert _office(api, "post", f"{URL}/submit", 409)["detail"].endswith("already submitted")
    frozen = _office(api, "put", f"{URL}/sections", 409, overview="改")
    assert "frozen" in frozen["detail"] and frozen["submitted"]["overview"] == "改"
    registered(api, "2025-06-01")  # the register moves; the submitted report does not, and says so
    moved = _office(api, "get", URL)
    assert moved["tables"] == report["tables"]
    [warning] = [f for f in moved["findings"] if f["check"] == 7]
    assert warning["level"] == "warning" and {"table": "three", "row": "一", "column": "total"} in warning["cells"]
    assert "under review" in _office(api, "post", f"{URL}/reopen", 409, reason="补充")["detail"]
    assert api.as_("office").get("/v1/feed/proactive").json()["entries"] == []  # nothing before the reviews
    review_item(api, submitted["item_id"], {"secrecy": "none"}, {"category": "proactive", "column": "other"})
    published = _office(api, "get", URL)
    assert published["status"] == "published" and published["published_at"]
    [entry] = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert entry["item_id"] == submitted["item_id"] and entry["action"] == "publish"
    item = api.as_("office").get(f"/v1/items/{submitted['item_id']}").json()
    text = item["versions"][-1]["document"]["body"]
    assert "一、本年新收政府信息公开申请数量：自然人 3" in text and "行政许可：本年处理决定数量 12" in text
    assert "published" in _office(api, "post", f"{URL}/reopen", 409, reason="补充")["detail"]
    listed = _office(api, "get", "/v1/annual-reports")["reports"]
    assert [(r["year"], r["status"]) for r in listed] == [(2025, "published")]


def test_a_report_the_review_withholds_is_reopened_and_submitted_as_a_new_item(api: Api) -> None:
    _ready(api)
    first = _office(api, "post", f"{URL}/submit")
    review_item(api, first["item_id"], {"secrecy": "none"}, {"category": "on_request", "reason": "数据待核实后再公开"})
    assert _office(api, "get", URL)["status"] == "submitted"
    assert _office(api, "post", f"{URL}/reopen", 422, reason="")  # pydantic: a reason is required
    reopened = _office(api, "post", f"{URL}/reopen", reason="按审核意见修改")
    assert reopened["status"] == "draft"
    _office(api, "put", f"{URL}/sections", other="本年度未收取信息处理费，无其他需要报告的事项。")
    second = _office(api, "post", f"{URL}/submit")
    assert second["item_id"] != first["item_id"] and second["status"] == "submitted"


def test_a_secret_in_the_narrative_never_reaches_the_website(api: Api) -> None:
    """A marked paragraph pasted into section 五 is past the header, where markings are read: it is a risk cue
    the secrecy reviewer must clear (with a reason) before the report can be published."""
    _ready(api)
    _office(api, "put", f"{URL}/sections", problems="机密★1年 某项目选址方案已报上级审定。")
    submitted = _office(api, "post", f"{URL}/submit")
    base = f"/v1/items/{submitted['item_id']}"
    item = api.as_("secrecy_reviewer").get(base).json()
    assert [s["cue"] for s in item["suggestion"]["secrecy_signals"] if s["kind"] == "risk"] == ["embedded_marking"]
    assert api.as_("secrecy_reviewer").post(f"{base}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    r = api.as_("disclosure_reviewer").post(f"{base}/disclosure_review", json={"category": "proactive", "column": "other"})
    assert r.status_code == 422 and "secrecy-risk signals not cleared" in r.json()["detail"]
    assert api.as_("office").get("/v1/feed/proactive").json()["entries"] == []
    assert _office(api, "get", URL)["status"] == "submitted"


def test_a_private_number_in_the_narrative_is_held_off_the_website(api: Api) -> None:
    _ready(api)
    _office(api, "put", f"{URL}/sections", other="申请人张某（身份证号110105 19491231 002X）的申请已办结。")
    submitted = _office(api, "post", f"{URL}/submit")
    review_item(api, submitted["item_id"], {"secrecy": "none"},
                {"category": "proactive", "column": "other", "exemption": None, "reason": "年度报告应主动公开"})
    entries = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert [(e["item_id"], e["action"]) for e in entries] == [(submitted["item_id"], "held")]
    assert "002X" not in str(entries)


def test_every_change_is_in_the_audit_chain(api: Api, app: Any) -> None:
    _ready(api)
    _office(api, "post", f"{URL}/corrections", table="three", row="一", column="total", value=9, reason="试改")
    _office(api, "post", f"{URL}/submit", 409)
    with app.state.sessions() as session:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.action.like("annual_report:%"))
                               .order_by(AuditEventRow.seq)).all()
    assert [r.action for r in rows] == ["annual_report:sections"] + ["annual_report:entry"] * 4 + ["annual_report:correction"]
    assert rows[1].before["entry"] is None and rows[1].after["entry"]["source"] == "市政务服务管理平台"
    assert rows[-1].after["correction"]["computed"] == 2 and rows[-1].after["reason"] == "试改"
    assert api.as_("supervisor").get("/v1/audit/verify").json()["intact"] is True
