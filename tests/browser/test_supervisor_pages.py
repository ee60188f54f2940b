"""The supervisor (监察考核) in a real browser: reads the queues, an item, the overdue list and the reports,
and is offered no form that would act (reviewing, reopening, entering: other roles' work). axe-core finds
nothing serious; every page is kept as a screenshot."""

from __future__ import annotations

import json
from typing import Any, Callable

from engine.paths import PROJECT_ROOT
from tests.browser.helpers import axe_violations, screenshot

SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"


def test_the_supervisor_watches_and_does_not_act(sign_in: Callable[..., Any], live_server: Any,
                                                  token: Callable[..., str]) -> None:
    doc = json.loads(SAMPLES.read_text(encoding="utf-8").splitlines()[0])
    doc.pop("source", None)
    with live_server.client(token("document_system", "oa-supervisor-pages")) as oa:
        answer = oa.post("/v1/closures", json={**doc, "id": "supervised-1", "closed_on": "2025-01-02"})
        assert answer.status_code == 201, answer.text
        item_id = int(answer.json()["id"])
    watched = sign_in("supervisor", "页面监察员", bypass_csp=True)
    page = watched.page
    menu = set(page.locator("nav.menu a").all_inner_texts())
    assert {"保密审核", "公开方式审核", "四库", "逾期督办", "统计报表"} <= menu and "手工录入" not in menu

    page.goto("/queues/secrecy_review")
    assert page.locator(f"a[href='/items/{item_id}']").count() == 1
    page.click(f"a[href='/items/{item_id}']")
    page.wait_for_load_state()
    assert page.url.endswith(f"/items/{item_id}") and page.locator("h1").count() == 1
    # reads the item, its suggestion and evidence; offered no review or reopen: those are others' work
    assert page.locator("form[action$='_review']").count() == 0 and page.locator("form[action$='/reopen']").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "supervisor-item")

    page.goto("/overdue")
    assert page.get_by_text("第二十六条").count() >= 1 and page.locator(f"a[href='/items/{item_id}']").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "supervisor-overdue")

    page.goto("/reports")
    report = page.locator("a", has_text="查看报表").first
    href = report.get_attribute("href")
    assert href is not None and href.startswith("/v1/reports/")
    assert axe_violations(page) == []
    screenshot(page, "supervisor-reports")
    # a review posted by hand is refused as the API refuses it: the page says so in Chinese
    page.goto("/entry")
    assert page.locator("h1").inner_text() == "无权访问"
    assert watched.page_errors == [] and watched.csp_violations() == []
