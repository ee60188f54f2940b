"""The clerk's main path in a real Chromium (issue 16): sign in, open 手工录入 from the menu, send the form with
mistakes and read the Chinese errors next to the fields, correct them, see the result with the suggestion,
then find the item in 文件 with its suggestion and 第二十六条 due date. A clerk of another division does not
see it (and its 办文单 is not found). Every page: no serious or critical axe-core violation, a screenshot in
tests/browser/artifacts/ to look at."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest

from tests.browser.helpers import axe_violations, screenshot
from tests.server_process import ServerProcess
from tests.service.conftest import sample_documents

pytestmark = pytest.mark.browser

TITLE = "关于2026年冬季道路除雪保障工作的动态"


def _checked(page: Any, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, name)


def test_a_clerk_enters_a_document_and_finds_it_in_the_list(
        sign_in: Callable[..., Any], live_server: ServerProcess, token: Callable[..., str]) -> None:
    with live_server.client(token("document_system", "clerk-pages-ds")) as http:  # 办公室's: not the clerk's
        pushed = http.post("/v1/closures", json={**sample_documents()[1], "division": "办公室"})
        assert pushed.status_code == 201, pushed.text
        others = pushed.json()

    watched = sign_in("clerk", "浏览器录入员", division="法规处", bypass_csp=True)
    page = watched.page
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="手工录入").click()
    page.wait_for_url("**/entry")
    assert page.locator("h1").inner_text() == "手工录入"
    assert page.evaluate("document.activeElement.id") == "f-title"  # straight to the first field
    assert page.locator("#f-division").input_value() == "法规处"
    _checked(page, "clerk-entry-form")

    # Mistakes: no title, a 发文字号 too long. The server answers (the browser's own checks are off).
    page.fill("#f-doc_number", "法" * 201)
    page.fill("#f-doc_type", "通知")
    page.fill("#f-body", "全市主要道路已完成除雪，公交线路运行正常。")
    with page.expect_navigation():
        page.get_by_role("button", name="录入").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "请更正以下 2 处" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # read out first
    assert page.locator("#e-title").inner_text() == "请填写标题。"
    assert "发文字号过长：最多 200 字" in page.locator("#e-doc_number").inner_text()
    assert page.get_by_label("标题 *").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-doc_type").input_value() == "通知"  # what was typed is still there
    assert page.locator("#f-body").input_value() == "全市主要道路已完成除雪，公交线路运行正常。"
    _checked(page, "clerk-entry-errors")
    page.keyboard.press("Tab")  # by keyboard: from the summary to its first link, which leads to the field
    assert page.evaluate("document.activeElement.textContent") == "请填写标题。"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "f-title"
    page.keyboard.type(TITLE)
    page.fill("#f-doc_number", "青交〔2026〕15号")
    with page.expect_navigation():
        page.get_by_role("button", name="录入").click()

    assert page.locator("h1").inner_text() == "已录入"
    item_id = re.search(r"/entry/(\d+)/done", page.url).group(1)  # type: ignore[union-attr]
    text = page.locator("main").inner_text()
    for needed in (TITLE, "系统建议", "公开属性", "密级", "栏目", "第二十六条公开期限", "打印办文单"):
        assert needed in text, needed
    due = page.locator("main strong").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", due)
    _checked(page, "clerk-entry-done")

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="文件").click()
    page.wait_for_url("**/items")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    assert row.count() == 1
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[1] == "青交〔2026〕15号" and cells[2] == "法规处" and cells[4] == "保密审核"
    assert "公开属性：" in cells[5] and "栏目：" in cells[5] and cells[6].startswith(due)
    assert page.get_by_role("link", name=others["title"]).count() == 0  # 办公室's item is not in scope
    _checked(page, "clerk-items")
    with page.expect_navigation():
        row.get_by_role("link", name=TITLE).click()
    assert page.url.endswith(f"/items/{item_id}") and TITLE in page.locator("main").inner_text()

    other = sign_in("clerk", "办公室录入员", division="办公室")
    other.page.goto("/items")
    assert other.page.get_by_role("link", name=TITLE).count() == 0
    assert other.page.get_by_role("link", name=others["title"]).count() == 1
    assert other.csp_violations() == [] and other.console_errors == [] and other.page_errors == []
    answer = other.page.goto(f"/items/{item_id}/slip")
    assert answer is not None and answer.status == 404
    answer = other.page.goto(f"/entry/{item_id}/done")
    assert answer is not None and answer.status == 404 and "没有这个文件" in other.page.locator("main").inner_text()


def test_the_list_for_the_office_shows_division_filter_hidden_titles_and_overdue_tags(
        sign_in: Callable[..., Any], live_server: ServerProcess, token: Callable[..., str]) -> None:
    samples = sample_documents()
    with live_server.client(token("document_system", "clerk-pages-ds2")) as http:
        for n, extra in enumerate(({"closed_on": "2026-01-05"},
                                   {"secrecy_marking": "秘密★1年", "title": "关于某专项工作的秘密请示"})):
            answer = http.post("/v1/closures", json={**samples[n + 3], "id": f"office-view-{n}", "division": "财务处",
                                                     **extra})
            assert answer.status_code == 201, answer.text
    watched = sign_in("office", "浏览器公开办", bypass_csp=True)
    page = watched.page
    page.goto("/items")
    page.fill("#q-division", "财务处")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert "division=%E8%B4%A2%E5%8A%A1%E5%A4%84" in page.url and "共 2 件" in page.locator("main").inner_text()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    secret, overdue = rows.nth(0), rows.nth(1)  # newest first
    assert "（无权查看）" in secret.inner_text() and "涉密" in secret.inner_text()
    assert "秘密请示" not in page.content()
    assert "已逾期" in overdue.inner_text() and samples[3]["title"] in overdue.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "office-items-filtered")
    # A date input takes no impossible date, but an address can carry one.
    page.goto("/items?closed_from=2026-13-45&q=%3Cscript%3E")
    assert "办结日期（起）不是有效的日期" in page.locator("#error-summary").inner_text()
    assert page.locator("#q-closed_from").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    screenshot(page, "office-items-bad-filter")
