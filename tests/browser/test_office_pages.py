"""The office's main path in a real Chromium (issue 16): sign in, 四库, 主动公开, search, filter, download the
CSV through the page's own link and read its rows, 网站发布预览 with the published text, 逾期督办 with the
overdue item, 统计报表; axe-core finds no serious or critical violation on any of them, and each is kept as a
screenshot in tests/browser/artifacts/ to look at."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from engine.paths import PROJECT_ROOT
from engine.workflow.working_days import WorkingCalendar, publication_due, today_in_china
from tests.browser.helpers import axe_violations, screenshot
from tests.server_process import ServerProcess

pytestmark = pytest.mark.browser

SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"
PROACTIVE = {"category": "proactive", "exemption": None, "column": "normative_documents", "reason": "主动公开"}


def _samples() -> list[dict[str, Any]]:
    docs = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for doc in docs:
        doc.pop("source", None)
    return docs


@pytest.fixture(scope="module")
def items(live_server: ServerProcess, token: Callable[..., str]) -> dict[str, Any]:
    """Two items published (法规处, 综合统计科), one on request, one never reviewed and long overdue, one due
    in two working days."""
    docs = _samples()
    today, calendar = today_in_china(), WorkingCalendar()
    soon = today  # closed so that its Art. 26 due date is two working days away: at risk
    while publication_due(soon, calendar).due_on > calendar.add_working_days(today, 2).due_on:
        soon -= dt.timedelta(days=1)
    pushed = {"published": (0, "法规处", "2026-11-02"), "statistics": (5, "综合统计科", "2026-11-20"),
              "requested": (3, "执法稽查处", "2026-10-09"), "waiting": (1, "规划财务处", "2025-06-02"),
              "soon": (7, "投资处", soon.isoformat()), "marked": (2, "办公室", "2026-11-02")}
    ids = {}
    with live_server.client(token("document_system", "office-ds")) as http:
        for name, (n, division, closed_on) in pushed.items():
            answer = http.post("/v1/closures", json={**docs[n], "id": f"office-{name}", "division": division,
                                                     "closed_on": closed_on})
            assert answer.status_code == 201, answer.text
            ids[name] = answer.json()["id"]
    with live_server.client(token("secrecy_reviewer", "office-sr")) as s, live_server.client(
            token("disclosure_reviewer", "office-dr")) as d:
        for name, decision in (("published", PROACTIVE), ("statistics", {**PROACTIVE, "column": "statistics"}),
                               ("requested", {"category": "on_request", "exemption": None, "reason": "依申请公开"})):
            answer = s.post(f"/v1/items/{ids[name]}/secrecy_review", json={"secrecy": "none", "reason": "核定不涉密"})
            assert answer.status_code == 200, answer.text
            answer = d.post(f"/v1/items/{ids[name]}/disclosure_review", json=decision)
            assert answer.status_code == 200, answer.text
        # the sample marked 内部, reviewed as such: withheld, its title not for the office (not cleared)
        assert s.post(f"/v1/items/{ids['marked']}/secrecy_review", json={"secrecy": "internal"}).status_code == 200
        answer = d.post(f"/v1/items/{ids['marked']}/disclosure_review", json={
            "category": "withheld", "exemption": "internal_affairs", "column": "other", "reason": "内部事务"})
        assert answer.status_code == 200, answer.text
    return {"ids": ids, "docs": docs}


def _check(watched: Any, name: str) -> None:
    """No serious accessibility violation, no script error; the screenshot kept."""
    assert axe_violations(watched.page) == [], name
    assert watched.console_errors == [] and watched.page_errors == [], name
    screenshot(watched.page, name)


def test_the_office_keeps_the_stores_previews_the_website_and_chases_the_overdue(
        sign_in: Callable[..., Any], items: dict[str, Any]) -> None:
    ids, docs = items["ids"], items["docs"]
    watched = sign_in("office", "office-browser", bypass_csp=True)
    page = watched.page
    # Only these pages' own errors: the sign-in leaves one 404 of its own (no resource of these pages; by all
    # signs the browser's /favicon.ico request, which the frame does not serve).
    watched.console_errors.clear()
    page.click("nav.menu >> text=四库")
    assert page.url.endswith("/stores") and page.locator("h1").inner_text() == "四库"
    counts = dict(zip(page.locator("tbody th").all_inner_texts(), page.locator("tbody td.number").all_inner_texts(),
                      strict=True))
    assert counts == {"主动公开": "2", "依申请公开": "1", "不予公开": "1", "非《条例》所指政府信息": "0"}
    _check(watched, "office-stores")

    page.click("tbody >> text=主动公开")
    assert page.url.endswith("/stores/proactive")
    assert page.locator("tbody tr").count() == 2
    _check(watched, "office-store-proactive")

    page.focus("#q")  # by keyboard: type, Enter
    page.keyboard.type(docs[0]["title"][3:10])
    page.keyboard.press("Enter")
    page.wait_for_url("**/stores/proactive?q=*")
    assert page.locator("tbody tr").count() == 1 and docs[0]["title"] in page.locator("tbody").inner_text()
    assert page.input_value("#q") == docs[0]["title"][3:10]
    _check(watched, "office-store-search")

    page.click("text=清除条件")
    page.fill("#division", "综合统计科")
    page.fill("#closed_from", "2026-11-01")
    page.click("form.filters button")
    assert page.locator("tbody tr").count() == 1 and docs[5]["title"] in page.locator("tbody").inner_text()
    _check(watched, "office-store-filtered")

    with page.expect_download() as download:
        page.click("text=导出 CSV")
    path = Path(download.value.path())
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 2 and rows[1][0] == str(ids["statistics"]) and docs[5]["title"] in rows[1]
    assert download.value.suggested_filename.endswith(".csv")

    page.click("nav.menu >> text=四库")
    page.click("tbody >> text=不予公开")
    row = page.locator("tbody tr")
    assert row.count() == 1 and "（无权查看）" in row.inner_text() and docs[2]["title"] not in page.content()
    _check(watched, "office-store-withheld")

    page.click("nav.menu >> text=网站发布预览")
    assert page.url.endswith("/feed")
    feed = page.locator("main")
    assert docs[0]["title"] in feed.inner_text() and docs[5]["title"] in feed.inner_text()
    page.locator("details summary").first.click()
    assert docs[0]["body"][:20] in page.locator(".document-text").first.inner_text()
    _check(watched, "office-feed")

    page.click("nav.menu >> text=逾期督办")
    assert page.url.endswith("/overdue")
    assert "第二十六条" in page.locator("main").inner_text()
    first = page.locator("tbody tr").first
    assert first.locator("a").get_attribute("href") == f"/items/{ids['waiting']}"
    assert int(first.locator("td.number").inner_text()) > 100
    soon = page.locator("table[aria-labelledby=soon] tbody tr")
    assert soon.count() == 1 and soon.locator("a").get_attribute("href") == f"/items/{ids['soon']}"
    _check(watched, "office-overdue")

    page.click("nav.menu >> text=统计报表")
    assert page.url.endswith("/reports") and page.locator("tbody tr").count() == 3
    _check(watched, "office-reports")
