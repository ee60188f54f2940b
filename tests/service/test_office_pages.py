"""The office's pages without a browser (issue 16): 四库 counts what each role may know of, as the API's
totals do; a store's search and filters narrow it exactly as the API's; its export link is the API's file;
网站发布预览 shows what the website gets and never a marked item; 逾期督办 lists what is overdue; roles that
may not see them get the 403 page; hostile and bad query values get a page in Chinese, never a 500.
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from api.access.roles import PERMISSIONS
from api.items import views
from api.pages import stores_page
from api.pages.office import READ_REPORTS
from api.reports.registry import REPORTS
from engine.workflow.working_days import publication_due
from tests.service.conftest import Api, push_item, review_item, sample_documents
from tests.service.pages import sign_in_on

STORES = ("proactive", "on_request", "withheld", "not_government_info")
PROACTIVE = {"category": "proactive", "exemption": None, "column": "normative_documents", "reason": "规范性文件，主动公开"}
ON_REQUEST = {"category": "on_request", "exemption": None, "reason": "依申请公开"}



def _page(api: Api, path: str, status: int = 200) -> str:
    answer = api.client.get(path, follow_redirects=False)
    assert answer.status_code == status, (path, answer.status_code, answer.text[:500])
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def _linked(text: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/items/(\d+)"', text)]


def _counts(text: str) -> dict[str, int]:
    found = re.findall(r'<a href="/stores/(\w+)">[^<]+</a></th>\s*<td>[^<]*</td>\s*<td class="number">(\d+)</td>', text)
    return {store: int(n) for store, n in found}


def _fill(api: Api) -> dict[str, int]:
    """Items in three stores and one waiting: published, on request, a marked one (withheld), a fresh one."""
    published = push_item(api, 0, "法规处", "2026-11-02")
    review_item(api, published, {"secrecy": "none"}, PROACTIVE)
    requested = push_item(api, 3, "执法稽查处", "2026-10-09")
    review_item(api, requested, {"secrecy": "none"}, ON_REQUEST)
    marked = push_item(api, 2, "办公室", "2026-11-02")  # the sample marked 内部
    review_item(api, marked, {"secrecy": "internal"}, {})
    waiting = push_item(api, 4, "机关党委", "2025-01-02")  # long overdue, never reviewed
    return {"published": published, "requested": requested, "marked": marked, "waiting": waiting}


def test_the_stores_count_what_each_role_may_know_of_as_the_api_does(api: Api, app: Any) -> None:
    _fill(api)
    for role in ("office", "secrecy_reviewer", "supervisor", "admin"):
        sign_in_on(api.client, app, f"stores-{role}", role)
        counts = _counts(_page(api, "/stores"))
        assert set(counts) == set(STORES), counts
        for store in STORES:
            assert counts[store] == api.as_(role).get(f"/v1/stores/{store}").json()["total"], (role, store)
    assert counts["proactive"] == 1 and counts["withheld"] == 1 and counts["on_request"] == 1


def test_search_and_filters_narrow_the_store_as_the_api_does_and_the_export_is_the_apis(api: Api, app: Any) -> None:
    ids = _fill(api)
    more = push_item(api, 5, "综合统计科", "2026-11-20")
    review_item(api, more, {"secrecy": "none"}, {**PROACTIVE, "column": "statistics"})
    sign_in_on(api.client, app, "stores-office", "office")
    title = sample_documents()[0]["title"]
    for query in ({}, {"q": title[3:9]}, {"division": "综合统计科"}, {"closed_from": "2026-11-10"},
                  {"closed_to": "2026-11-10", "division": "法规处"}, {"q": "不存在的标题"}):
        text = _page(api, "/stores/proactive?" + "&".join(f"{k}={v}" for k, v in query.items()))
        expected = [i["id"] for i in api.as_("office").get("/v1/stores/proactive", params=query).json()["items"]]
        assert _linked(text) == expected, (query, _linked(text), expected)
        for value in query.values():  # the form keeps what was asked
            assert f'value="{value}"' in text
    text = _page(api, "/stores/proactive?division=法规处")
    assert _linked(text) == [ids["published"]] and title in text and sample_documents()[0]["doc_number"] in text
    assert "disclosure_reviewer-1" in text and "已发布" in text
    link = html.unescape(re.search(r'href="(/v1/stores/proactive\?[^"]*format=csv[^"]*)"', text).group(1))
    assert "division=" in link
    from_page = api.client.get(link)  # the session cookie, no token: the person's own file
    assert from_page.status_code == 200 and from_page.headers["content-type"].startswith("text/csv")
    from_api = api.as_("office").get("/v1/stores/proactive", params={"division": "法规处", "format": "csv"})
    assert from_page.content == from_api.content
    rows = from_page.text.strip().splitlines()
    assert len(rows) == 2 and title in rows[1]
    xlsx = re.search(r'href="(/v1/stores/proactive\?[^"]*format=xlsx[^"]*)"', text)
    assert xlsx is not None and api.client.get(html.unescape(xlsx.group(1))).status_code == 200


def test_a_store_too_long_for_one_export_says_so_instead_of_offering_a_refused_file(
        api: Api, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(api)
    more = push_item(api, 5, "综合统计科", "2026-11-20")
    review_item(api, more, {"secrecy": "none"}, {**PROACTIVE, "column": "statistics"})
    monkeypatch.setattr(stores_page, "EXPORT_LIMIT", 1)
    sign_in_on(api.client, app, "stores-office", "office")
    text = _page(api, "/stores/proactive")
    assert "format=csv" not in text and "超过一次导出的上限" in text
    assert "format=csv" in _page(api, "/stores/proactive?division=法规处")  # narrowed to one: offered


def test_a_secret_title_is_shown_neither_in_the_store_nor_in_its_export_to_a_role_not_cleared(api: Api, app: Any) -> None:
    ids = _fill(api)
    marked_title = sample_documents()[2]["title"]
    sign_in_on(api.client, app, "stores-office", "office")  # the office is not cleared
    text = _page(api, "/stores/withheld")
    assert _linked(text) == [ids["marked"]] and marked_title not in text and "（无权查看）" in text
    assert _linked(_page(api, f"/stores/withheld?q={marked_title[2:6]}")) == []  # no match on what it may not read
    link = html.unescape(re.search(r'href="(/v1/stores/withheld\?[^"]*format=csv[^"]*)"', text).group(1))
    assert marked_title not in api.client.get(link).text
    sign_in_on(api.client, app, "stores-secrecy", "secrecy_reviewer")  # cleared
    assert marked_title in _page(api, "/stores/withheld")


def test_the_feed_shows_the_published_text_and_never_a_marked_item(api: Api, app: Any) -> None:
    ids = _fill(api)
    marked = sample_documents()[2]
    # The marked item reviewed as carelessly as possible: secrecy none, then forced to proactive.
    again = push_item(api, 2, "办公室", "2026-11-03", id="marked-again")
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{again}/secrecy_review",
                                            json={"secrecy": "none", "reason": "经办人说不涉密"}).status_code == 200
    forced = api.as_("disclosure_reviewer").post(f"/v1/items/{again}/disclosure_review", json=PROACTIVE)
    assert forced.status_code == 422
    api.as_("disclosure_reviewer").post(f"/v1/items/{again}/disclosure_review", json={})
    sign_in_on(api.client, app, "feed-office", "office")
    text = _page(api, "/feed")
    published = sample_documents()[0]
    assert _linked(text) == [ids["published"]]
    assert html.escape(published["title"]) in text and html.escape(published["body"][:60]) in text
    assert published["doc_number"] in text and "政策文件" in text
    for secret in (marked["title"], marked["body"][:30]):
        assert html.escape(secret) not in text
    # Reopened, the published item is withdrawn: marked as such, its text no longer shown.
    assert api.as_("office").post(f"/v1/items/{ids['published']}/reopen",
                                  json={"stage": "secrecy_review", "reason": "复核"}).status_code == 200
    text = _page(api, "/feed")
    assert "已撤回" in text and html.escape(published["body"][:60]) not in text
    assert "（无标题）" not in text and html.escape(published["title"]) not in text
    assert "不再显示" in _page(api, "/feed?after=0")
    assert "没有更多条目" in _page(api, "/feed?after=999999")


def test_overdue_lists_what_is_late_most_overdue_first_citing_article_26(api: Api, app: Any) -> None:
    ids = _fill(api)
    recent = push_item(api, 1, "规划财务处", "2026-10-20")  # overdue too, by less
    sign_in_on(api.client, app, "overdue-office", "office")
    text = _page(api, "/overdue")
    assert "第二十六条" in text and "20个工作日" in text
    linked = _linked(text)
    assert ids["waiting"] in linked and recent in linked and ids["published"] not in linked
    assert linked.index(ids["waiting"]) < linked.index(recent)  # most overdue first
    assert "从未审核" in text and "保密审核人员" in text
    days = [int(d) for d in re.findall(r'<td class="number">(\d+)</td>', text)]
    assert days == sorted(days, reverse=True) and days[0] > 300
    narrowed = _page(api, "/overdue?division=规划财务处")
    assert set(_linked(narrowed)) == {recent}
    secret = push_item(api, 2, "办公室", "2025-03-03", id="late-secret")  # marked 内部, overdue: listed, its title not shown
    text = _page(api, "/overdue")
    assert secret in _linked(text) and f"信息 {secret}（标题无权查看）" in text
    assert html.escape(sample_documents()[2]["title"]) not in text


def test_the_reports_page_is_for_every_role_that_may_read_some_report() -> None:
    readers = set().union(*(PERMISSIONS[report.action] for report in REPORTS.values()))
    assert readers == set(PERMISSIONS[READ_REPORTS.action])  # type: ignore[attr-defined]


def test_reports_are_offered_to_the_roles_that_may_read_them(api: Api, app: Any) -> None:
    sign_in_on(api.client, app, "reports-office", "office")
    text = _page(api, "/reports?start=2026-01-01&division=法规处")
    for kind in ("statistics", "accuracy", "supervision"):
        assert f"/v1/reports/{kind}?" in text
    link = html.unescape(re.search(r'href="(/v1/reports/statistics\?[^"]*format=html[^"]*)"', text).group(1))
    assert "closed_from=2026-01-01" in link and api.client.get(link).status_code == 200
    supervision = html.unescape(re.search(r'href="(/v1/reports/supervision\?[^"]*format=csv[^"]*)"', text).group(1))
    assert "since=2026-01-01" in supervision and api.client.get(supervision).status_code == 200
    sign_in_on(api.client, app, "reports-rules", "rule_author")  # the accuracy report only
    text = _page(api, "/reports")
    assert "/v1/reports/accuracy?" in text and "/v1/reports/statistics" not in text
    assert "/v1/reports/supervision" not in text


def test_overdue_lists_what_falls_due_within_five_working_days(api: Api, app: Any) -> None:
    calendar, today = app.state.context.calendar, views.today_in_china()
    closed = today  # the latest closing date whose due date is two working days from today
    while publication_due(closed, calendar).due_on > calendar.add_working_days(today, 2).due_on:
        closed -= dt.timedelta(days=1)
    soon = push_item(api, 0, "法规处", closed.isoformat())
    later = push_item(api, 3, "执法稽查处", today.isoformat())  # due in 20 working days: not at risk
    sign_in_on(api.client, app, "soon-office", "office")
    text = _page(api, "/overdue")
    risky = text.split('id="soon"')[1]
    assert _linked(risky) == [soon] and later not in _linked(text)
    assert re.search(r'<td class="number">2</td>', risky) and "5个工作日内到期" in risky
    assert _linked(_page(api, "/overdue?division=执法稽查处").split('id="soon"')[1]) == []


@pytest.mark.parametrize("role", ["clerk", "rule_author"])
def test_roles_without_the_office_work_get_the_refusal_page(api: Api, app: Any, role: str) -> None:
    sign_in_on(api.client, app, f"refused-{role}", role, division="法规处" if role == "clerk" else None)
    for path in ("/stores", "/stores/proactive", "/feed", "/overdue") + (("/reports",) if role == "clerk" else ()):
        text = _page(api, path, 403)
        assert "无权访问" in text and "您的角色无权使用此页面" in text


def test_not_signed_in_is_sent_to_sign_in(api: Api) -> None:
    for path in ("/stores", "/stores/proactive?q=x", "/feed", "/overdue", "/reports"):
        answer = api.client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next=")


def test_hostile_and_bad_values_get_a_page_in_chinese(api: Api, app: Any) -> None:
    _fill(api)
    sign_in_on(api.client, app, "hostile-office", "office")
    for q in ("%", "'", "_", "\\", "' OR 1=1 --", "<script>alert(1)</script>", "标题%'\""):
        answer = api.client.get("/stores/proactive", params={"q": q})
        assert answer.status_code == 200 and "<script>alert" not in answer.text, q
        expected = [i["id"] for i in api.as_("office").get("/v1/stores/proactive", params={"q": q}).json()["items"]]
        assert _linked(answer.text) == expected, q
    assert "&lt;script&gt;" in api.client.get("/stores/proactive", params={"q": "<script>"}).text
    bad = {"/stores/proactive?closed_from=2026-13-01": "有效日期", "/stores/proactive?closed_to=yesterday": "有效日期",
           "/stores/proactive?q=%00": "控制字符", f"/stores/proactive?q={'长' * 201}": "200",
           "/stores/proactive?page=0": "页码", "/stores/proactive?page=x": "页码", "/feed?after=-1": "翻页",
           "/overdue?page=99999999": "页码", "/reports?start=2026-02-30": "有效日期",
           f"/overdue?division={'处' * 101}": "100"}
    for path, words in bad.items():
        text = _page(api, path, 422)
        assert "填写有误" in text and words in text, path
    text = _page(api, "/stores/secret_store", 404)
    assert "没有这个信息库" in text
    assert "回到第一页" in _page(api, "/stores/proactive?page=7")  # past the end: an empty page, not an error
