"""The application pages (依申请公开, issue 17) without a browser: the list by effective deadline with its filters,
the 登记 form (ApplicationIn through the API's own use case; bad input refused field by field in Chinese, what was
typed kept), the case page (record, clock, timeline, receipt links) and its forms (confirm, assign, every
transition offered by the lifecycle and only those), a refusal of the law shown with its rule and article, a
clerk's scope (another division's application is 404 and not listed), CSRF required. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from api.pages.application_forms import TRANSITIONS, offered
from engine.applications.lifecycle import ARROWS
from tests.service.conftest import Api, push_item, review_item, sample_documents
from tests.service.pages import csrf_of, person
from tests.service.test_applications import event, registered

FORM = {"channel": "in_person", "submitted_at": "2025-09-26T09:30", "applicant_kind": "natural_person",
        "applicant_name": "王某某", "applicant_id_type": "居民身份证", "applicant_id_number": "110101199001011234",
        "applicant_phone": "13900000000", "description": "2025年某街道道路维修合同", "items": "1",
        "form_requested": "electronic", "delivery": "email", "handler_division": "城建科"}


@pytest.fixture
def settings(database_url: str, model_dir: Path, audit_key_file: Path) -> Settings:
    """The agency's letter settings configured: the receipt can be printed."""
    return Settings(database_url=database_url, model=model_dir, agency_code="11010000", audit_key_file=audit_key_file,
                    agency_name="北京市某某委员会", contact_person="王联络", contact_phone="010-87654321",
                    review_authority="北京市人民政府", court="北京市第四中级人民法院",
                    progress_query="https://www.example.gov.cn/ysqgk 查询码 A7K2",
                    letter_number_pattern="京某依申公{code}〔{year}〕{serial}号")


def _text(answer: Any) -> str:
    """The page's visible text, roughly: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", answer.text))


def _office(app: Any) -> TestClient:
    return person(app, "登记员甲", "office")


def _register(client: TestClient, **fields: str) -> Any:
    return client.post("/applications/new", data={"csrf": csrf_of(client, "/applications/new"), **FORM, **fields},
                       follow_redirects=False)


def _act(client: TestClient, app_id: int, path: str, **fields: str) -> Any:
    page = client.get(f"/applications/{app_id}")
    version = re.search(r'name="lock_version" value="(\d+)"', page.text)
    data = {"csrf": csrf_of(client, f"/applications/{app_id}"), **fields}
    if version is not None:
        data.setdefault("lock_version", version.group(1))
    return client.post(f"/applications/{app_id}/{path}", data=data, follow_redirects=False)


def test_the_office_registers_on_the_page_and_lands_on_the_case(api: Api, app: Any) -> None:
    office = _office(app)
    answer = _register(office)
    assert answer.status_code == 303, answer.text
    app_id = int(re.fullmatch(r"/applications/(\d+)\?done=registered", answer.headers["location"]).group(1))
    case = api.as_("office").get(f"/v1/applications/{app_id}").json()
    assert case["received_on"] == "2025-09-26" and case["receipt_basis"] == "handed_in"
    assert case["applicant"]["name"] == "王某某" and case["handler_division"] == "城建科"
    page = office.get(answer.headers["location"])
    text = _text(page)
    assert page.status_code == 200 and "已登记" in text and case["reg_no"] in text
    assert "提交之日（条例第三十一条第一项）" in text and "2025-10-30" in text  # basis and statutory deadline
    assert f'href="/v1/applications/{app_id}/receipt?output=html"' in page.text
    assert f'href="/v1/applications/{app_id}/receipt?output=docx"' in page.text
    assert office.get(f"/v1/applications/{app_id}/receipt?output=html").status_code == 200  # the link works


def test_bad_registration_input_is_refused_field_by_field_and_kept(app: Any) -> None:
    office = _office(app)
    answer = _register(office, applicant_name="", description="", applicant_kind="legal_person",
                       submitted_at="昨天上午", applicant_phone="＜script＞电话")
    assert answer.status_code == 422
    text = _text(answer)
    assert "未能登记" in text
    for field, words in (("applicant_name", "请填写申请人姓名或名称"), ("description", "请填写申请获取的政府信息"),
                         ("submitted_at", "不是有效的时间"), ("applicant_org_subtype", "法人或其他组织须选择组织类别")):
        assert re.search(rf'id="e-f-{field}">[^<]*{words}', answer.text), field
        assert f'href="#f-{field}"' in answer.text
    assert 'value="昨天上午"' in answer.text and "＜script＞电话" in answer.text  # what was typed is kept
    assert '<option value="legal_person" selected>' in answer.text
    post = _register(office, channel="post_signed", submitted_at="")  # no signed-for day: 条例第三十一条第二项
    assert post.status_code == 422 and re.search(r'id="e-f-signed_for_on">[^<]*签收日期', post.text)


def test_the_list_is_by_effective_deadline_and_filters_as_the_api(api: Api, app: Any) -> None:
    late = registered(api, "2025-03-03", handler_division="法规处")["id"]
    soon = registered(api, "2025-09-26")["id"]
    event(api, soon, "start", "2025-09-29")
    event(api, soon, "extend", "2025-10-20", why="数量较多", approved_by="李主任")
    done = registered(api, "2025-05-06")["id"]
    event(api, done, "answer_on_the_spot", "2025-05-06", outcome="disclosed")
    office = _office(app)
    page = office.get("/applications")
    assert page.status_code == 200
    assert [int(n) for n in re.findall(r'href="/applications/(\d+)"', page.text)] == [late, soon, done]
    assert page.text.count("已逾期</span>") == 2  # the answered one is not overdue
    filtered = office.get("/applications", params={"division": "法规处"})
    assert re.findall(r'href="/applications/(\d+)"', filtered.text) == [str(late)]
    by_status = office.get("/applications", params={"status": "answered_on_the_spot"})
    assert re.findall(r'href="/applications/(\d+)"', by_status.text) == [str(done)]
    not_late = office.get("/applications", params={"overdue": "no"})
    assert re.findall(r'href="/applications/(\d+)"', not_late.text) == [str(done)]
    before = office.get("/applications", params={"due_before": "2025-11-01"})
    assert re.findall(r'href="/applications/(\d+)"', before.text) == [str(late)]
    event(api, soon, "consult_third_party", "2025-10-21")  # no receipt recorded: the clock stays stopped
    paused = office.get("/applications", params={"status": "third_party_consultation"})
    assert re.findall(r'href="/applications/(\d+)"', paused.text) == [str(soon)] and "中止计算" in paused.text
    for bad in ({"status": "nonsense"}, {"overdue": "maybe"}, {"due_before": "2025-13-40"}, {"page": "0"}):
        answer = office.get("/applications", params=bad)
        assert answer.status_code == 422 and "text/html" in answer.headers["content-type"], bad


def test_only_the_transitions_the_lifecycle_allows_are_offered(api: Api, app: Any) -> None:
    assert set(TRANSITIONS) == set(ARROWS) - {"confirm"}
    office = _office(app)
    app_id = registered(api)["id"]
    page = office.get(f"/applications/{app_id}").text
    shown = re.findall(r'name="kind" value="(\w+)"', page)
    assert shown == offered("registered") and "extend" not in shown and "start" in shown
    event(api, app_id, "start", "2025-09-29")
    shown = re.findall(r'name="kind" value="(\w+)"', office.get(f"/applications/{app_id}").text)
    assert set(shown) == {k for k, (sources, _) in ARROWS.items() if "in_progress" in sources}


def test_each_transition_form_moves_the_case_through_the_use_case(api: Api, app: Any) -> None:
    office = _office(app)
    app_id = registered(api)["id"]
    steps = [("start", {"on": "2025-09-29"}),
             ("extend", {"on": "2025-10-20", "approved_by": "李主任", "why": "申请的信息数量较多", "working_days": "20"}),
             ("consult_third_party", {"on": "2025-10-21", "recipient_received_on": "2025-10-22"}),
             ("consultation_ended", {"on": "2025-10-27", "replied_on": "2025-10-27"}),
             ("send_fee_notice", {"on": "2025-10-28", "fee_method": "by_pages", "fee_basis": "120",
                                  "applicant_received_on": "2025-10-29"}),
             ("fee_paid", {"on": "2025-10-30"}),
             ("draft_answer", {"on": "2025-11-03"}),
             ("set_outcome", {"on": "2025-11-04", "outcome": "partial"}),
             ("approve_answer", {"on": "2025-11-05"}), ("dispatch_answer", {"on": "2025-11-06"}),
             ("serve", {"on": "2025-11-10"}), ("archive", {"on": "2025-11-11"})]
    for kind, fields in steps:
        if kind == "dispatch_answer":  # 条例第三十六条: in writing; the answer letter first, through its form
            early = _act(office, app_id, "events", kind=kind, **fields)
            assert early.status_code == 409 and "请先出具与答复结果相符的答复书" in _text(early)
            assert 'id="l-partial"' in early.text and 'id="l-disclosed"' not in early.text  # fits the outcome only
            lacking = _act(office, app_id, "letters", letter_kind="partial", el_given="合同文本（电子版）")
            assert lacking.status_code == 422 and "缺少必备要素" in _text(lacking) and "不予公开的部分" in _text(lacking)
            assert 'value="合同文本（电子版）"' in lacking.text  # kept
            letter = _act(office, app_id, "letters", letter_kind="partial", el_given="合同文本（电子版）",
                          el_withheld_parts="合同中的个人联系方式｜个人隐私｜《条例》第十五条")
            assert letter.status_code == 303, re.findall(r'role="alert"[^>]*>([^<]*)', letter.text)
            shown = office.get(f"/applications/{app_id}").text
            assert "答复书（部分公开）" in shown and "京某依申公部〔" in shown
            found = re.findall(rf'href="(/v1/applications/{app_id}/letters/\d+\?output=html)"', shown)
            assert len(found) == 2 and "合同中的个人联系方式" in office.get(html.unescape(found[-1])).text
        answer = _act(office, app_id, "events", kind=kind, **fields)
        assert answer.status_code == 303, (kind, _text(answer)[-800:])
        if kind == "extend":  # its notice: the dates come from the extension on file
            form = office.get(f"/applications/{app_id}").text  # the reason recorded with the extension, offered
            assert re.search(r'id="l-extension-reason" name="el_reason" value="申请的信息数量较多"', form)
            notice = _act(office, app_id, "letters", letter_kind="extension", el_reason="申请的信息数量较多")
            assert notice.status_code == 303, re.findall(r'role="alert"[^>]*>([^<]*)', notice.text)
        assert answer.headers["location"] == f"/applications/{app_id}?done={kind}"
    case = api.as_("office").get(f"/v1/applications/{app_id}").json()
    assert case["status"] == "archived" and case["outcome"] == "partial"
    assert [e["kind"] for e in case["timeline"]][1:] == [k for k, _ in steps]
    assert case["clock"]["extended_by"] == 20 and case["clock"]["pauses"]
    text = _text(office.get(f"/applications/{app_id}"))
    for words in ("延长答复期限", "李主任", "申请的信息数量较多", "办理中 → 办理中", "部分公开", "征求第三方意见",
                  "已归档", "表三"):
        assert words in text, words
    assert 'name="kind"' not in office.get(f"/applications/{app_id}").text  # archived: nothing more to do


def test_a_refusal_of_the_law_is_shown_with_its_rule_and_article_and_the_form_kept(api: Api, app: Any) -> None:
    office = _office(app)
    app_id = registered(api)["id"]
    event(api, app_id, "start", "2025-09-29")
    answer = _act(office, app_id, "events", kind="extend", on="2025-11-20", approved_by="李主任", why="逾期才想起延长")
    assert answer.status_code == 409
    text = _text(answer)
    assert "未能办理" in text and "条例第三十三条第二款" in text and "extension" in text
    assert 'details class="transition" id="t-extend" open' in answer.text and 'value="李主任"' in answer.text
    assert "逾期才想起延长" in answer.text
    assert api.as_("office").get(f"/v1/applications/{app_id}").json()["clock"]["extended_by"] == 0
    # an arrow the lifecycle does not allow from here, posted anyway: refused by the lifecycle, in Chinese
    crafted = _act(office, app_id, "events", kind="serve", on="2025-10-01")
    assert crafted.status_code == 409 and "当前状态下不能进行此项办理" in _text(crafted)
    missing = _act(office, app_id, "events", kind="set_outcome", on="2025-10-01")
    assert missing.status_code in (409, 422)
    future = _act(office, app_id, "events", kind="draft_answer", on="2999-01-01")
    assert future.status_code == 422 and re.search(r'id="e-t-draft_answer-on">[^<]*不能晚于今天', future.text)


def test_confirm_and_assign_forms(api: Api, app: Any) -> None:
    office = _office(app)
    app_id = registered(api, channel="online", submitted_at="2025-09-26T20:00:00+08:00")["id"]
    page = office.get(f"/applications/{app_id}")
    assert "待确认收到" in _text(page) and "尚未与申请人确认收到申请" in _text(page)
    assert 'action="/applications/%d/confirm"' % app_id in page.text and "receipt?output" not in page.text
    bad = _act(office, app_id, "confirm", confirmation_at="2025-09-28T10:00", confirmation_way="", confirmation_staff="")
    assert bad.status_code == 422 and re.search(r'id="e-c-confirmation_way">[^<]*请填写确认方式', bad.text)
    ok = _act(office, app_id, "confirm", confirmation_at="2025-09-28T10:00", confirmation_way="电话",
              confirmation_staff="赵某")
    assert ok.status_code == 303
    case = api.as_("office").get(f"/v1/applications/{app_id}").json()
    assert case["received_on"] == "2025-09-28" and case["status"] == "registered"
    moved = _act(office, app_id, "assign", handler_division="法规处", why="职责所在")
    assert moved.status_code == 303
    assert api.as_("office").get(f"/v1/applications/{app_id}").json()["handler_division"] == "法规处"


def test_a_clerk_sees_and_handles_only_their_divisions_applications(api: Api, app: Any) -> None:
    ours = registered(api, handler_division="城建科")["id"]
    theirs = registered(api, handler_division="法规处")["id"]
    clerk = person(app, "信息员乙", "clerk", "城建科")
    listed = clerk.get("/applications")
    assert re.findall(r'href="/applications/(\d+)"', listed.text) == [str(ours)]
    assert "登记新申请" not in listed.text
    other = clerk.get(f"/applications/{theirs}")
    missing = clerk.get("/applications/999999")
    assert other.status_code == missing.status_code == 404
    assert _text(other) == _text(missing).replace("999999", str(theirs)) or "未找到此申请" in _text(other)
    assert clerk.get(f"/applications/{ours}").status_code == 200
    page = clerk.get(f"/applications/{ours}").text
    assert "/confirm" not in page and "/assign" not in page and 'name="kind" value="start"' in page
    posted = clerk.post(f"/applications/{theirs}/events", data={"csrf": csrf_of(clerk, "/applications"), "kind": "start"})
    assert posted.status_code == 404
    assert api.as_("office").get(f"/v1/applications/{theirs}").json()["status"] == "registered"
    started = _act(clerk, ours, "events", kind="start", on="2025-09-29")
    assert started.status_code == 303
    assert clerk.get("/applications/new").status_code == 403
    assert _act(clerk, ours, "assign", handler_division="城建科").status_code == 403


def test_readers_read_and_csrf_is_required(api: Api, app: Any) -> None:
    app_id = registered(api)["id"]
    supervisor = person(app, "监察丙", "supervisor")
    page = supervisor.get(f"/applications/{app_id}")
    assert page.status_code == 200 and 'name="kind"' not in page.text and "/confirm" not in page.text
    assert supervisor.post(f"/applications/{app_id}/events", data={"csrf": csrf_of(supervisor), "kind": "start"}
                           ).status_code == 403
    office = _office(app)
    for path, data in (("/applications/new", FORM), (f"/applications/{app_id}/events", {"kind": "start"}),
                       (f"/applications/{app_id}/assign", {"handler_division": "法规处"})):
        assert office.post(path, data=data, follow_redirects=False).status_code == 403, path
        assert office.post(path, data={**data, "csrf": "forged"}, follow_redirects=False).status_code == 403, path
    assert api.as_("office").get(f"/v1/applications/{app_id}").json()["status"] == "registered"
    assert api.as_("office").get("/v1/applications").json()["total"] == 1
    reviewer = person(app, "审核丁", "disclosure_reviewer")
    assert reviewer.get("/applications").status_code == 403


def test_the_clocks_calendar_warnings_are_said_in_chinese() -> None:
    from api.pages.application_case import warnings_zh
    from engine.applications.clock_days import unknown_year_warnings
    from engine.workflow.working_days import WorkingCalendar

    calendar = WorkingCalendar()
    due = calendar.add_working_days(dt.date(2998, 12, 1), 20)  # the calendar's own words, and the clock's
    for warnings in (list(due.warnings), list(unknown_year_warnings(calendar, [2998]))):
        said = warnings_zh(warnings)
        assert said and all(s.startswith("2998年的节假日安排尚未录入") for s in said), warnings


def test_the_case_page_shows_the_suggestion_the_copies_and_the_cases(api: Api, app: Any) -> None:
    office = _office(app)
    app_id = registered(api)["id"]
    page = office.get(f"/applications/{app_id}")
    assert "尚未生成建议" in _text(page) and "没有为本申请制作的区分处理副本" in _text(page)
    made = office.post(f"/applications/{app_id}/suggestion", data={"csrf": csrf_of(office)}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == f"/applications/{app_id}?done=suggestion"
    latest = api.as_("office").get(f"/v1/applications/{app_id}/suggestions").json()["suggestions"][0]
    text = _text(office.get(made.headers["location"]))
    assert "系统建议" in text and all(reason in text for reason in latest["reasons"])
    assert office.post(f"/applications/{app_id}/suggestion", data={"csrf": "forged"}).status_code == 403
    case = api.as_("office").post("/v1/cases", json={"kind": "reconsideration", "case_number": "京政复〔2025〕88号",
                                                     "body": "北京市人民政府", "application_id": app_id,
                                                     "filed_on": "2025-12-01"})
    assert case.status_code == 201, case.text
    for reader in (office, person(app, "监察丙", "supervisor")):
        assert "京政复〔2025〕88号" in _text(reader.get(f"/applications/{app_id}"))
    clerk = person(app, "信息员乙", "clerk", "城建科")  # handles it, but 行政复议 is not the clerk's to read
    shown = clerk.get(f"/applications/{app_id}")
    assert shown.status_code == 200 and "京政复〔2025〕88号" not in shown.text and "行政复议、行政诉讼" not in shown.text


def test_the_case_page_lists_the_redacted_copies_made_for_the_answer(api: Api, app: Any) -> None:
    app_id = registered(api)["id"]
    item = push_item(api, 0, "城建科", "2025-09-01")
    made = api.as_("office").post(f"/v1/applications/{app_id}/releases", json={"item_id": item})
    assert made.status_code == 201, made.text
    text = _text(_office(app).get(f"/applications/{app_id}"))
    assert "区分处理的副本" in text and f"信息 {item}" in text and "待逐处确认" in text


def test_a_suggestion_never_shows_a_secret_item_to_a_reader_not_cleared(api: Api, app: Any) -> None:
    word = "青松行动"
    doc = {**sample_documents()[1], "id": "pages-secret", "division": "城建科", "secrecy_marking": "机密★10年",
           "title": f"关于{word}部署的通知", "body": f"{word}的集结地点和时间如下。", "closed_on": "2025-09-02"}
    pushed = api.push(doc)
    assert pushed.status_code == 201, pushed.text
    review_item(api, int(pushed.json()["id"]), {"secrecy": "secret", "reason": "定密"},
                {"category": "withheld", "exemption": "state_secret", "column": "other", "reason": "涉密"})
    app_id = registered(api, description=f"申请公开{word}的有关文件")["id"]
    office = _office(app)
    assert office.post(f"/applications/{app_id}/suggestion", data={"csrf": csrf_of(office)},
                       follow_redirects=False).status_code == 303
    page = office.get(f"/applications/{app_id}").text
    assert "系统建议" in page and "1件涉密信息的内容不在当前角色的检索范围内" in page  # said, never shown
    for secret in ("部署的通知", "机密★10年", "集结地点"):
        assert secret not in page, secret


def test_another_divisions_clerk_cannot_issue_or_suggest_on_it(api: Api, app: Any) -> None:
    theirs = registered(api, handler_division="法规处")["id"]
    clerk = person(app, "信息员乙", "clerk", "城建科")
    csrf = csrf_of(clerk, "/applications")
    for path, data in (("letters", {"letter_kind": "extension"}), ("suggestion", {})):
        answer = clerk.post(f"/applications/{theirs}/{path}", data={"csrf": csrf, **data}, follow_redirects=False)
        assert answer.status_code == 404 and "未找到此申请" in _text(answer), path
    assert api.as_("office").get(f"/v1/applications/{theirs}/letters").json()["letters"] == []
    assert api.as_("office").get(f"/v1/applications/{theirs}/suggestions").json()["suggestions"] == []


def test_times_on_the_case_page_are_beijing_times(api: Api, app: Any) -> None:
    from api.pages.layout import when

    app_id = registered(api)["id"]
    office = _office(app)
    office.post(f"/applications/{app_id}/suggestion", data={"csrf": csrf_of(office)})
    made = api.as_("office").get(f"/v1/applications/{app_id}/suggestions").json()["suggestions"][0]["made_at"]
    case = api.as_("office").get(f"/v1/applications/{app_id}").json()
    text = _text(office.get(f"/applications/{app_id}"))
    assert f"于 {when(made)} 生成" in text and f"记录于 {when(case['timeline'][0]['at'])}" in text


def test_a_form_read_before_someone_elses_change_is_refused_and_kept(api: Api, app: Any) -> None:
    office = _office(app)
    app_id = registered(api)["id"]
    read = re.search(r'name="lock_version" value="(\d+)"', office.get(f"/applications/{app_id}").text)
    assert read is not None
    event(api, app_id, "start", "2025-09-29")  # meanwhile, someone else
    stale = _act(office, app_id, "events", kind="withdraw", on="2025-09-30", why="申请人来电撤回",
                 lock_version=read.group(1))
    assert stale.status_code == 409 and "已被他人办理" in _text(stale)
    assert api.as_("office").get(f"/v1/applications/{app_id}").json()["status"] == "in_progress"
    assert "申请人来电撤回" in stale.text  # what was typed is still there


def test_an_application_due_within_the_warning_window_is_marked(api: Api, app: Any) -> None:
    from engine.workflow.working_days import WorkingCalendar, today_in_china

    calendar, today = WorkingCalendar(), today_in_china()
    received = today
    while calendar.working_days_between(today, calendar.add_working_days(received, 20).due_on) > 3:
        received -= dt.timedelta(days=1)
    case = registered(api, received.isoformat())
    left = calendar.working_days_between(today, dt.date.fromisoformat(case["effective_deadline"]))
    assert 0 <= left <= 5, (received, case["effective_deadline"])
    office = _office(app)
    row = re.search(r"<tr>\s*<td[^>]*><a href=\"/applications/\d+\">.*?</tr>", office.get("/applications").text, re.S)
    assert row is not None and "即将到期" in row.group(0) and f"剩 {left} 个工作日" in row.group(0)
    page = _text(office.get(f"/applications/{case['id']}"))
    assert f"即将到期：剩 {left} 个工作日" in page and "已逾期" not in page


PATHS = {  # every other transition form, each path as the lifecycle allows it (dates as in test_applications)
    "2025-03-03": [("request_correction", {"on": "2025-03-06", "applicant_received_on": "2025-03-07"}),
                   ("correction_lapsed", {"on": "2025-03-31"}), ("archive", {"on": "2025-04-01"})],
    "2025-03-04": [("request_correction", {"on": "2025-03-06", "period_working_days": "10"}),
                   ("correction_received", {"on": "2025-03-14", "received_on": "2025-03-14"}),
                   ("consult_agency", {"on": "2025-03-17", "recipient_received_on": "2025-03-18"}),
                   ("consultation_ended", {"on": "2025-03-20", "replied_on": "2025-03-20"}),
                   ("withdraw", {"on": "2025-03-21"})],
    "2025-05-06": [("start", {"on": "2025-05-07"}),
                   ("send_fee_notice", {"on": "2025-05-30", "fee_method": "by_pages", "fee_basis": "120",
                                        "applicant_received_on": "2025-06-03"}),
                   ("fee_lapsed", {"on": "2025-07-02"})],
    "2025-09-26": [("request_reason", {"on": "2025-09-29", "why": "一个月内申请三百件"}),
                   ("reason_accepted", {"on": "2025-10-09", "delayed_until": "2025-12-31", "approved_by": "李主任",
                                        "why": "申请数量较大，延迟答复"})],
    "2025-09-29": [("request_reason", {"on": "2025-09-30"}), ("reason_unreasonable", {"on": "2025-10-10"})],
    "2025-10-09": [("answer_on_the_spot", {"on": "2025-10-09", "outcome": "disclosed.already_public"})],
}
LANDS = {"2025-03-03": "archived", "2025-03-04": "closed", "2025-05-06": "closed", "2025-09-26": "in_progress",
         "2025-09-29": "answer_draft", "2025-10-09": "answered_on_the_spot"}


def test_every_other_transition_form_through_the_page(api: Api, app: Any) -> None:
    office = _office(app)
    for received, steps in PATHS.items():
        app_id = registered(api, received)["id"]
        for kind, fields in steps:
            answer = _act(office, app_id, "events", kind=kind, **fields)
            assert answer.status_code == 303, (kind, re.findall(r'role="alert"[^>]*>([^<]*)', answer.text),
                                               re.findall(r'class="field-error"[^>]*>([^<]*)', answer.text))
        case = api.as_("office").get(f"/v1/applications/{app_id}").json()
        assert case["status"] == LANDS[received] and [e["kind"] for e in case["timeline"]][1:] == [k for k, _ in steps]
    covered = {kind for steps in PATHS.values() for kind, _ in steps} | {
        "start", "extend", "consult_third_party", "consultation_ended", "send_fee_notice", "fee_paid", "draft_answer",
        "set_outcome", "approve_answer", "dispatch_answer", "serve", "archive"}  # the other test's path
    assert covered == set(TRANSITIONS)
