"""The application pages (依申请公开, issue 17) in a real Chromium: the office opens the list from the menu,
registers an application on the 登记 form (first with mistakes, read next to the fields, nothing typed lost),
lands on the case page, and moves it with the keyboard only through start → extend → draft (with its outcome) →
approve → dispatch; a second extension is refused in Chinese with its rule and article, the form kept. A clerk of
another division does not find it. No serious or critical axe-core violation on the list, the form and the case
page; each kept as a screenshot in tests/browser/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from engine.workflow.working_days import today_in_china
from tests.browser.helpers import axe_violations, screenshot
from tests.server_process import ServerProcess, issue_token

pytestmark = pytest.mark.browser

APPLICANT = {"kind": "natural_person", "name": "早先申请人", "phone": "13700000000"}
# The agency's letter settings: the receipt and the letters can be made (tests/browser/conftest.py's server has none).
AGENCY = {"GONGKAI_AGENCY_NAME": "青川市交通运输局", "GONGKAI_CONTACT_PERSON": "王联络",
          "GONGKAI_CONTACT_PHONE": "0811-87654321", "GONGKAI_PROGRESS_QUERY": "https://www.example.gov.cn/ysqgk",
          "GONGKAI_REVIEW_AUTHORITY": "青川市人民政府", "GONGKAI_COURT": "青川市中级人民法院",
          "GONGKAI_LETTER_NUMBER_PATTERN": "青交依申{code}〔{year}〕{serial}号"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, audit_key_file: Path) -> Iterator[ServerProcess]:
    """conftest's live server, with the agency's letter settings."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'gongkai.db'}"
    issue_token(url, "admin", "browser-tests-setup")
    with ServerProcess(url, None, extra_env={"GONGKAI_AUDIT_KEY_FILE": str(audit_key_file), **AGENCY}) as server:
        yield server


def _checked(watched: Any, name: str) -> None:
    """No serious accessibility violation, no script error; the screenshot kept. (A page answered 422 or 409 on
    purpose has Chromium log its status; that is the only console line allowed.)"""
    assert axe_violations(watched.page) == [], name
    assert [e for e in watched.console_errors if "status of 4" not in e] == [] and watched.page_errors == [], name
    watched.console_errors.clear()
    screenshot(watched.page, name)


def _by_keyboard(page: Any, kind: str, typed: dict[str, str] | None = None) -> None:
    """Open a transition's form with Enter, type its fields, send it with Enter on its button."""
    page.locator(f"#t-{kind} summary").focus()
    page.keyboard.press("Enter")
    for name, text in (typed or {}).items():
        page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.id") != f"t-{kind}-{name}":
            page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.locator(f"#t-{kind} button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _letter_by_keyboard(page: Any, kind: str, typed: dict[str, str], opened: bool = False) -> None:
    """Open a letter's form with Enter (unless open), type its elements, issue it with Enter on its button."""
    if not opened:
        page.locator(f"#l-{kind} summary").focus()
        page.keyboard.press("Enter")
    for name, text in typed.items():
        page.locator(f"#l-{kind}-{name}").focus()
        page.keyboard.type(text)
    page.locator(f"#l-{kind} button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已出具文书" in page.locator("p.notice").inner_text(), page.locator("main").inner_text()[-800:]


@pytest.fixture(scope="module")
def earlier(live_server: ServerProcess, token: Callable[..., str]) -> list[int]:
    """Two applications already there: one long overdue (法规处), one received today (城建科)."""
    ids = []
    with live_server.client(token("office", "applications-office-api")) as http:
        for received, division in (("2025-03-03T09:00:00+08:00", "法规处"),
                                   (f"{today_in_china().isoformat()}T00:01:00+08:00", "城建科")):
            answer = http.post("/v1/applications", json={
                "channel": "in_person", "submitted_at": received, "applicant": APPLICANT,
                "description": "2024年度本区老旧小区改造项目清单及资金安排", "form_requested": "paper", "delivery": "post",
                "handler_division": division})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
    return ids


def test_the_office_registers_and_moves_an_application_with_the_keyboard(
        sign_in: Callable[..., Any], earlier: list[int]) -> None:
    watched = sign_in("office", "浏览器登记员", bypass_csp=True)
    page = watched.page
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="依申请公开办理").click()
    page.wait_for_url("**/applications")
    rows = page.locator("table.applications tbody tr")
    assert rows.count() == 2 and "已逾期" in rows.nth(0).inner_text()  # the overdue one first
    _checked(watched, "applications-list")

    page.get_by_role("link", name="登记新申请").click()
    page.wait_for_url("**/applications/new")
    _checked(watched, "applications-new")
    today = today_in_china().isoformat()
    page.select_option("#f-channel", "in_person")
    page.fill("#f-submitted_at", f"{today}T00:05")
    page.fill("#f-applicant_phone", "13800000000")
    page.fill("#f-description", "本局2025年政府信息公开工作年度报告所依据的统计台账")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "请更正以下 1 处" in summary.inner_text()
    assert page.locator("#e-f-applicant_name").inner_text() == "请填写申请人姓名或名称。"
    assert page.locator("#f-applicant_phone").input_value() == "13800000000"  # kept
    _checked(watched, "applications-new-errors")
    page.fill("#f-applicant_name", "李某某")
    page.fill("#f-handler_division", "办公室")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()
    assert re.search(r"/applications/\d+\?done=registered$", page.url), page.url
    assert "已登记" in page.locator("p.notice").inner_text()
    assert "提交之日（条例第三十一条第一项）" in page.locator("main").inner_text()
    _checked(watched, "application-registered")
    suggest = page.get_by_role("button", name="检索四库并生成建议")
    suggest.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "系统建议" in page.locator("section.suggestion").inner_text()
    assert "经检索" in page.locator("section.suggestion").inner_text()  # what was searched, said
    _checked(watched, "application-suggested")

    _by_keyboard(page, "start")
    assert "已记录：开始办理" in page.locator("p.notice").inner_text()
    _by_keyboard(page, "extend", {"approved_by": "王主任", "why": "申请的信息涉及多个处室，需要汇总"})
    main = page.locator("main").inner_text()
    assert "延长 20 个工作日" in main.replace("延长\n", "延长 ") or "20 个工作日（原期限" in main
    _letter_by_keyboard(page, "extension", {})  # its reason: the extension's, already in the field
    assert "延期答复告知书" in page.locator("section.letters table").inner_text()
    _by_keyboard(page, "extend", {"approved_by": "王主任", "why": "再延长一次"})  # refused by the law
    error = page.locator("#e-extend-form")
    assert error.is_visible() and "只能延长一次" in error.inner_text() and "条例第三十三条第二款" in error.inner_text()
    assert page.locator("#t-extend-approved_by").input_value() == "王主任"  # the form kept, open
    _checked(watched, "application-refused")

    page.locator("#t-draft_answer summary").focus()
    page.keyboard.press("Enter")
    page.locator("#t-draft_answer-outcome").focus()
    page.keyboard.type("予以公开")  # a select follows what is typed
    page.select_option("#t-draft_answer-outcome", "disclosed")
    page.locator("#t-draft_answer button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "答复拟稿" in page.locator("p.status-line").inner_text()
    _by_keyboard(page, "approve_answer")
    _by_keyboard(page, "dispatch_answer")  # not before the answer letter (条例第三十六条: in writing)
    assert "请先出具与答复结果相符的答复书" in page.locator("#e-dispatch_answer-form").inner_text()
    page.locator("#l-disclosed summary").focus()
    page.keyboard.press("Enter")
    page.locator("#l-disclosed-enclosed").focus()
    page.keyboard.press("Space")
    _letter_by_keyboard(page, "disclosed", {"attachments": "2025年政府信息公开统计台账｜12｜电子文档",
                                             "access": "随本答复书以电子邮件提供"}, opened=True)
    letters = page.locator("section.letters table").inner_text()
    assert "答复书（予以公开）" in letters and "青交依申复〔" in letters
    _by_keyboard(page, "dispatch_answer")
    main = page.locator("main").inner_text()
    assert "已答复" in page.locator("p.status-line").inner_text() and "予以公开" in main and "表三" in main
    _checked(watched, "application-answered")

    clerk = sign_in("clerk", "浏览器信息员", division="法规处")
    answer = clerk.page.goto(page.url.split("?")[0])
    assert answer is not None and answer.status == 404
    assert "未找到此申请" in clerk.page.locator("main").inner_text()


def test_an_online_application_waits_for_its_confirmation(sign_in: Callable[..., Any]) -> None:
    watched = sign_in("office", "浏览器登记员", bypass_csp=True)
    page = watched.page
    page.goto("/applications/new")
    today = today_in_china().isoformat()
    page.select_option("#f-channel", "online")
    page.fill("#f-submitted_at", f"{today}T00:10")
    page.fill("#f-applicant_name", "网上申请人")
    page.fill("#f-description", "本区2026年道路养护计划")
    page.select_option("#f-delivery", "online")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").click()
    main = page.locator("main").inner_text()
    assert "待确认收件" in main and "尚未与申请人确认收到申请" in main and "打印回执" not in main
    assert "尚待与申请人确认收到申请" in page.locator("p.notice").inner_text()
    _checked(watched, "application-awaiting")
    page.fill("#c-confirmation_at", f"{today}T00:20")
    page.fill("#c-confirmation_way", "平台回复")
    page.fill("#c-confirmation_staff", "浏览器登记员")
    page.locator("form.case-form button[type=submit]").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已记录与申请人的确认" in page.locator("p.notice").inner_text()
    assert "已登记" in page.locator("p.status-line").inner_text() and "打印回执" in page.locator("main").inner_text()
