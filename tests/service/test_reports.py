"""Every report figure against the hand-counted month of tests/service/scenario.py (its table says
what happened to each item), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.service.conftest import Api
from tests.service.scenario import REPORT_DAY, Scenario, at_report_day, play

R = round


@pytest.fixture
def month(api: Api, model: Any, tmp_path: Path) -> Scenario:
    return play(api, model, tmp_path)


def _get(api: Api, role: str, path: str, **params: Any) -> dict[str, Any]:
    with at_report_day():
        r = api.as_(role).get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_statistics(month: Scenario) -> None:
    stats = _get(month.api, "office", "/v1/reports/statistics")
    # 12 items; routed A1–A5, B1–B3; pending P1, P2, W (withdrawn back to secrecy review) and O.
    assert {k: stats[k] for k in ("items", "routed", "pending", "published", "published_late", "overdue",
                                  "proactive_rate")} == {
        "items": 12, "routed": 8, "pending": 4, "published": 4, "published_late": 1, "overdue": 1,
        "proactive_rate": 0.5}  # proactive A1 B1 B2 B3 of 8 routed; late B3; overdue O (W is due today: not yet)
    assert stats["by"]["division"] == {"办公室": 4, "法规处": 5, "财务处": 3}
    assert stats["by"]["category"] == {"on_request": 2, "proactive": 4, "withheld": 2}
    assert stats["by"]["column"] == {"budget": 1, "normative_documents": 6, "work_updates": 1}
    assert stats["by"]["status"] == {"disclosure_review": 1, "routed": 8, "secrecy_review": 3}
    assert stats["by"]["month"] == {"2026-10": 2, "2026-11": 10}
    assert stats["trend"] == {
        "2026-10": {"items": 2, "routed": 1, "published": 1, "proactive_rate": 1.0},
        "2026-11": {"items": 10, "routed": 7, "published": 3, "proactive_rate": R(3 / 7, 4)}}
    office = _get(month.api, "supervisor", "/v1/reports/statistics", division="办公室")
    assert (office["items"], office["routed"], office["published"], office["proactive_rate"]) == (4, 3, 2, R(2 / 3, 4))
    october = _get(month.api, "admin", "/v1/reports/statistics", closed_from="2026-10-01", closed_to="2026-10-31")
    assert (october["items"], october["overdue"], october["published_late"]) == (2, 1, 1)


def test_accuracy(month: Scenario) -> None:
    ids = month.id
    report = _get(month.api, "rule_author", "/v1/reports/accuracy")
    assert report["items"] == 8  # the routed ones
    category = report["category"]
    assert category["accuracy"] == R(5 / 8, 4)  # wrong: A2 A3 A5
    assert category["confusion"] == {"on_request": {"proactive": 1, "withheld": 1}, "proactive": {"proactive": 4},
                                     "withheld": {"proactive": 1, "withheld": 1}}
    assert category["per_class"]["proactive"] == {"precision": R(4 / 6, 4), "recall": 1.0,
                                                  "f1": R(2 * (4 / 6) / (4 / 6 + 1), 4), "support": 4}
    assert (category["per_class"]["withheld"]["precision"], category["per_class"]["withheld"]["recall"]) == (0.5, 0.5)
    assert category["per_class"]["on_request"]["recall"] == 0.0
    assert report["exemption"]["accuracy"] == 0.75  # wrong: A3 (none suggested), A5 (internal_affairs suggested)
    assert report["secrecy"]["accuracy"] == 0.75  # wrong: A3 (raised to internal), A5 (lowered to none)
    assert report["secrecy_flag"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert report["column"]["accuracy"] == 0.875  # wrong: B2
    assert sorted(int(w["id"]) for w in report["wrong"]) == sorted(ids(n) for n in ("A2", "A3", "A5", "B2"))
    assert report["override_rate"] == {
        "secrecy_review": {"reviews": 8, "changed": 2, "rate": 0.25, "item_ids": [ids("A3"), ids("A5")]},
        "disclosure_review": {"reviews": 8, "changed": 4, "rate": 0.5,
                              "item_ids": sorted(ids(n) for n in ("A2", "A3", "A5", "B2"))}}
    rules = report["rules"]
    expected = {  # rule: (fired, confirmed, overridden, precision)
        "proactive.normative.issuing_notice": (7, 4, 3, R(4 / 7, 4)),
        "proactive.general.release_note_public": (7, 4, 3, R(4 / 7, 4)),
        "columns.normative_documents.named_normative_documents": (7, 6, 1, R(6 / 7, 4)),
        "columns.other.fallback": (8, 0, 8, 0.0),
        "secrecy.markings.unmarked": (7, 6, 1, R(6 / 7, 4)),
        "secrecy.markings.internal": (1, 0, 1, 0.0),
        "columns.budget.budgets_and_funds": (1, 1, 0, 1.0),
        "columns.emergency.emergency_management": (1, 0, 1, 0.0),
        "withheld.process_info.requests_for_instructions": (1, 1, 0, 1.0),
    }
    assert {rid: (r["fired"], r["confirmed"], r["overridden"], r["precision"]) for rid, r in rules.items()} == expected
    notice = rules["proactive.normative.issuing_notice"]
    assert notice["modes"] == {"enforce": 4, "monitor": 3} and notice["mode"] == "monitor"  # B made it monitor
    assert notice["overridden_items"] == [ids("A2"), ids("A3"), ids("A5")]
    assert notice["last_fired"].startswith("2026-11-16")
    assert rules["columns.normative_documents.named_normative_documents"]["overridden_items"] == [ids("B2")]

    def group(items: int, category: float, exemption: float, secrecy: float, column: float) -> dict[str, Any]:
        return {"items": items, "category_correct": R(category * items), "category_accuracy": R(category, 4),
                "exemption_accuracy": R(exemption, 4), "secrecy_accuracy": R(secrecy, 4),
                "column_accuracy": R(column, 4)}

    assert report["by"]["division"] == {"办公室": group(3, 2 / 3, 2 / 3, 2 / 3, 2 / 3),  # A5 B1 B2
                                        "法规处": group(3, 2 / 3, 1, 1, 1),  # A1 A2 B3
                                        "财务处": group(2, 1 / 2, 1 / 2, 1 / 2, 1)}  # A3 A4
    revisions = report["by"]["ruleset_revision"]
    assert revisions == {month.revisions["A"]: group(5, 2 / 5, 3 / 5, 3 / 5, 1),
                         month.revisions["B"]: group(3, 1, 1, 1, 2 / 3)}
    assert [g["items"] for g in report["by"]["model_id"].values()] == [8]
    assert report["by"]["month"] == {"2026-10": group(1, 1, 1, 1, 1), "2026-11": group(7, 4 / 7, 5 / 7, 5 / 7, 6 / 7)}
    assert {w: g["items"] for w, g in report["by"]["week"].items()} == {"2026-W41": 1, "2026-W45": 5, "2026-W47": 2}
    only = _get(month.api, "office", "/v1/reports/accuracy", division="财务处")
    assert (only["items"], only["category"]["accuracy"], only["override_rate"]["secrecy_review"]["item_ids"]) == (
        2, 0.5, [ids("A3")])


def test_the_items_behind_each_accuracy_figure(month: Scenario) -> None:
    ids = month.id

    def behind(**figure: Any) -> list[int]:
        return sorted(_get(month.api, "rule_author", "/v1/reports/accuracy/items", **figure)["item_ids"])

    def named(*names: str) -> list[int]:
        return sorted(ids(n) for n in names)

    assert behind(field="category", gold="on_request", suggested="proactive") == named("A2")  # a confusion cell
    assert behind(field="category", gold="on_request") == named("A2", "A5")
    assert behind(field="secrecy", correct="false") == named("A3", "A5")
    assert behind(field="exemption", suggested="null", gold="internal_affairs") == named("A3")
    assert behind(rule="proactive.normative.issuing_notice", outcome="overridden") == named("A2", "A3", "A5")
    assert behind(rule="secrecy.markings.internal") == named("A5")
    assert behind(stage="disclosure_review") == named("A2", "A3", "A5", "B2")
    assert behind(group="ruleset_revision", value=month.revisions["B"]) == named("B1", "B2", "B3")
    assert behind(group="week", value="2026-W45", field="category", correct="true") == named("A1", "A4")
    assert behind(group="division", value="财务处", stage="secrecy_review") == named("A3")
    one = _get(month.api, "office", "/v1/reports/accuracy/items", field="column", correct="false")["items"]
    assert one == [{"item_id": ids("B2"), "division": "办公室", "ruleset_revision": month.revisions["B"],
                    "model_id": one[0]["model_id"], "month": "2026-11", "week": "2026-W47",
                    "suggested": {"category": "proactive", "exemption": None, "secrecy": "none",
                                  "column": "normative_documents"},
                    "decided": {"category": "proactive", "exemption": None, "secrecy": "none", "column": "work_updates"},
                    "changed": {"secrecy_review": False, "disclosure_review": True}}]
    sheet = _sheets(_download(month.api, "office", "/v1/reports/accuracy/items", format="xlsx",
                              stage="secrecy_review").content)["图表背后的信息"]
    assert sorted(row[0] for row in sheet[1:]) == named("A3", "A5") and sheet[0][0] == "信息编号"
    with at_report_day():
        bad = month.api.as_("office").get("/v1/reports/accuracy/items", params={"gold": "proactive"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "field"


def test_supervision(month: Scenario) -> None:
    ids = month.id
    report = _get(month.api, "supervisor", "/v1/reports/supervision")
    assert report["today"] == REPORT_DAY.isoformat()
    assert report["counts"] == {"never_reviewed": 2, "overdue": 2, "published_late": 1, "reopened": 1,
                                "secrecy_lowered": 1, "waiting": 5, "withdrawn": 1}
    events = {(r["kind"], r["item_id"]): r for r in report["rows"]}
    assert {(kind, item, r["on"], r["stage"], r["who"]) for (kind, item), r in events.items()} == {
        ("overdue", ids("B3"), "2026-11-06", None, None),  # pushed after its due date
        ("overdue", ids("O"), "2026-11-06", None, None),
        ("waiting", ids("A4"), "2026-11-08", "secrecy_review", "secrecy_reviewer-1"),
        ("waiting", ids("W"), "2026-11-16", "secrecy_review", None),  # since the withdrawal on 11-10
        ("waiting", ids("P1"), "2026-11-22", "secrecy_review", None),
        ("waiting", ids("O"), "2026-11-22", "secrecy_review", None),
        ("waiting", ids("P2"), "2026-11-23", "disclosure_review", None),
        ("never_reviewed", ids("P1"), "2026-11-22", "secrecy_review", None),
        ("never_reviewed", ids("O"), "2026-11-22", "secrecy_review", None),
        ("secrecy_lowered", ids("A5"), "2026-11-03", "secrecy_review", "secrecy_reviewer-1"),
        ("reopened", ids("B2"), "2026-11-20", "disclosure_review", "office-1"),
        ("published_late", ids("B3"), "2026-11-18", "disclosure_review", "disclosure_reviewer-1"),
        ("withdrawn", ids("W"), "2026-11-10", None, "document_system-1"),
    }
    assert events[("overdue", ids("B3"))]["detail"] == {"due_on": "2026-11-05", "pushed_on": "2026-11-16",
                                                         "routed_on": "2026-11-18", "status": "routed"}
    assert events[("waiting", ids("A4"))]["detail"] == {"since": "2026-11-02", "ended_on": "2026-11-10", "days": 8,
                                                         "threshold": 5}
    assert events[("published_late", ids("B3"))]["detail"] == {"due_on": "2026-11-05", "days_late": 13}
    assert events[("secrecy_lowered", ids("A5"))]["detail"] == {
        "suggested": "internal", "marking": "internal", "decided": "none", "reason": "内部标志已由定密单位撤销"}
    assert events[("reopened", ids("B2"))]["detail"] == {"reason": "栏目归类有误，重新审核", "from_status": "routed",
                                                          "from_store": "proactive"}
    assert events[("withdrawn", ids("W"))]["detail"] == {"marking": "confidential"}  # 秘密
    assert [r["on"] for r in report["rows"]] == sorted(r["on"] for r in report["rows"])
    assert len({r["event_id"] for r in report["rows"]}) == 13

    # Incremental by date: two windows that meet give every event exactly once.
    first = _get(month.api, "supervisor", "/v1/reports/supervision", until="2026-11-10")
    rest = _get(month.api, "supervisor", "/v1/reports/supervision", since="2026-11-11", until="2026-11-30")
    assert first["counts"] == {"overdue": 2, "secrecy_lowered": 1, "waiting": 1, "withdrawn": 1}
    assert sorted(r["event_id"] for r in first["rows"] + rest["rows"]) == sorted(r["event_id"] for r in report["rows"])
    day = _get(month.api, "office", "/v1/reports/supervision", since="2026-11-22", until="2026-11-22")
    assert sorted((r["kind"], r["item_id"]) for r in day["rows"]) == sorted(
        [("never_reviewed", ids("P1")), ("never_reviewed", ids("O")), ("waiting", ids("P1")), ("waiting", ids("O"))])
    office = _get(month.api, "admin", "/v1/reports/supervision", division="办公室")
    assert office["counts"] == {"reopened": 1, "secrecy_lowered": 1, "waiting": 1, "withdrawn": 1}


def test_reopened_item_left_the_website_and_came_back(month: Scenario) -> None:
    """B2 was published, reopened (a withdraw entry), and published again after its new review."""
    feed = month.api.as_("office").get("/v1/feed/proactive", params={"limit": 100}).json()["entries"]
    actions = [e["action"] for e in feed if e["item_id"] == month.id("B2")]
    assert actions == ["publish", "withdraw", "publish"]
    item = month.api.as_("office").get(f"/v1/items/{month.id('B2')}").json()
    assert (item["status"], item["store"], item["decision"]["column"]) == ("routed", "proactive", "work_updates")


def _download(api: Api, role: str, path: str, **params: Any) -> Any:
    with at_report_day():
        r = api.as_(role).get(path, params=params)
    assert r.status_code == 200, r.text
    return r


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_reports_as_spreadsheets_and_csv(month: Scenario) -> None:
    r = _download(month.api, "rule_author", "/v1/reports/accuracy", format="xlsx")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in r.headers["content-disposition"]
    sheets = _sheets(r.content)
    assert list(sheets)[:5] == ["各字段准确率", "各类精确率召回率", "混淆矩阵", "各审核环节改判率", "各规则命中与精确率"]
    assert sheets["各字段准确率"][0] == ("字段", "准确率", "宏平均F1")
    assert sheets["各字段准确率"][1][:2] == ("公开属性 category", 0.625)
    rules = {row[0]: row for row in sheets["各规则命中与精确率"][1:]}
    assert rules["proactive.normative.issuing_notice"][1:6] == ("观察 monitor", 7, 4, 3, R(4 / 7, 4))
    confusion = {row[1:3]: row[3] for row in sheets["混淆矩阵"][1:] if row[0] == "公开属性"}
    assert confusion[("依申请公开 on_request", "不予公开 withheld")] == 1  # A5
    assert len(sheets["建议有误的信息"]) == 1 + 4

    stats = _sheets(_download(month.api, "office", "/v1/reports/statistics", format="xlsx").content)
    overview = {row[0]: row[1] if len(row) > 1 else None for row in stats["概览"][1:]}  # empty cells are not stored
    assert (overview["信息总数"], overview["主动公开率"], overview["超期公开"]) == (12, 0.5, 1)
    assert stats["按处室"][0] == ("处室", "标识", "件数", "占比") and ("法规处", "法规处", 5, R(5 / 12, 4)) in stats["按处室"]

    csv_text = _download(month.api, "supervisor", "/v1/reports/supervision", format="csv").text
    lines = csv_text.splitlines()
    assert lines[0] == "event_id,kind,on,item_id,index_number,division,stage,who,at,detail"
    assert len(lines) == 1 + 13
    assert f"reopened:{month.id('B2')}:" in csv_text and "栏目归类有误" in csv_text


def test_reports_as_html_pages(month: Scenario) -> None:
    pages = {kind: _download(month.api, "supervisor", f"/v1/reports/{kind}", format="html")
             for kind in ("statistics", "accuracy", "supervision")}
    for r in pages.values():
        assert r.headers["content-type"] == "text/html; charset=utf-8" and "inline" in r.headers["content-disposition"]
    statistics, accuracy, supervision = (pages[k].text for k in ("statistics", "accuracy", "supervision"))
    assert "统计报表" in statistics and "50.0%" in statistics  # proactive rate: 4 of 8 routed
    assert "建议准确率报告" in accuracy and "62.5%" in accuracy and "proactive.normative.issuing_notice" in accuracy
    assert "监察考核报告" in supervision and "决定被重新打开" in supervision and "栏目归类有误" in supervision
    assert all("<script" not in page for page in (statistics, accuracy, supervision))


def test_export_and_search_of_lists(month: Scenario) -> None:
    import csv
    import io

    ids = month.id
    api = month.api
    found = _get(api, "office", "/v1/items", changed="true")  # some decision differs from the suggestion
    assert sorted(i["id"] for i in found["items"]) == sorted(ids(n) for n in ("A2", "A3", "A5", "B2"))
    assert [i["id"] for i in _get(api, "office", "/v1/items", category="on_request")["items"]] == [ids("A5"), ids("A2")]
    assert [i["id"] for i in _get(api, "office", "/v1/items", column="work_updates")["items"]] == [ids("B2")]
    by_reviewer = _get(api, "office", "/v1/items", reviewer="secrecy_reviewer-1", status="secrecy_review")
    assert [i["id"] for i in by_reviewer["items"]] == [ids("W")]  # reviewed once, back after its withdrawal

    history = _get(api, "supervisor", "/v1/reviews", limit=100)
    assert history["total"] == 20  # 10 secrecy reviews (A1–A5, W, B1–B3, P2) and 10 disclosure (B2 twice)
    changed = _get(api, "supervisor", "/v1/reviews", stage="secrecy_review", changed="true")
    assert sorted(r["item_id"] for r in changed["reviews"]) == [ids("A3"), ids("A5")]
    assert {r["reason"] for r in changed["reviews"]} == {"涉及内部工作秘密", "内部标志已由定密单位撤销"}

    rows = list(csv.DictReader(io.StringIO(_download(api, "office", "/v1/items", format="csv", division="办公室",
                                                     limit=1).text)))
    assert len(rows) == 4  # the whole list, not the page of one
    assert sorted(int(r["信息编号"]) for r in rows) == sorted(ids(n) for n in ("A5", "W", "B1", "B2"))
    b2 = next(r for r in rows if int(r["信息编号"]) == ids("B2"))
    assert (b2["信息库"], b2["栏目"], b2["处室"]) == ("主动公开 proactive", "工作动态 work_updates", "办公室")
    store = _sheets(_download(api, "office", "/v1/stores/proactive", format="xlsx").content)["信息列表"]
    assert store[0][:3] == ("信息编号", "索引号", "标题") and len(store) == 1 + 4
    queue = _sheets(_download(api, "secrecy_reviewer", "/v1/queues/secrecy_review", format="xlsx").content)["信息列表"]
    assert sorted(row[0] for row in queue[1:]) == sorted(ids(n) for n in ("W", "P1", "O"))
    reviews = _sheets(_download(api, "supervisor", "/v1/reviews", format="xlsx", changed="true").content)["审核记录"]
    assert reviews[0][:6] == ("审核记录编号", "信息编号", "索引号", "处室", "审核环节", "审核人") and len(reviews) == 1 + 6


def test_report_command_writes_every_format(month: Scenario, database_url: str, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGKAI_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api.cli", "report", *args], capture_output=True, text=True,
                              env=env, timeout=300)

    out = run("accuracy", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["category"]["accuracy"] == 0.625
    book = tmp_path / "accuracy.xlsx"
    out = run("accuracy", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xlsx", "--output", str(book))
    assert out.returncode == 0, out.stderr
    assert "accuracy report built in" in out.stderr and "bytes of xlsx" in out.stderr
    assert _sheets(book.read_bytes())["各字段准确率"][1][1] == R(4 / 7, 4)  # November closings only: B3 left out
    events = run("supervision", "--from", "2026-11-01", "--to", "2026-11-10", "--format", "csv")
    assert events.returncode == 0, events.stderr
    assert sorted(line.split(",")[1] for line in events.stdout.splitlines()[1:]) == [
        "overdue", "overdue", "secrecy_lowered", "waiting", "withdrawn"]
    page = tmp_path / "accuracy.html"
    out = run("accuracy", "--format", "html", "--output", str(page))
    assert out.returncode == 0, out.stderr
    html = page.read_text(encoding="utf-8")
    assert "建议准确率报告" in html and html.count("<svg") >= 5 and "62.5%" in html  # category 5 of 8
    bad = run("supervision", "--from", "2026-11-10", "--to", "2026-11-01")
    assert bad.returncode == 2 and "is after --to" in bad.stderr
