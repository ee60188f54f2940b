"""The redacted copy in the pages (条例第三十七条): items linked to a case, a copy proposed from one, each span
decided on the page, the whole confirmed, the copy printable; the same refusals as the API, in Chinese; a clerk
of another division cannot see the copy's page. SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.service.conftest import Api, push_item, review_item
from tests.service.pages import csrf_of, person
from tests.service.test_application_releases import ID_NUMBER, PRIVATE
from tests.service.test_applications import registered

ON_REQUEST = {"category": "on_request", "exemption": None, "column": "other", "reason": "依申请公开"}


def _text(answer: Any) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", answer.text))


def _post(client: Any, page: str, action: str, **fields: str) -> Any:
    return client.post(action, data={"csrf": csrf_of(client, page), **fields}, follow_redirects=False)


def test_link_propose_decide_confirm_through_the_pages(api: Api, app: Any) -> None:
    item = push_item(api, 3, "城建科", "2026-11-02", body="行政处罚决定书。" + PRIVATE)
    review_item(api, item, {"secrecy": "none"}, ON_REQUEST)
    case = registered(api, "2026-11-20")
    office = person(app, "办理员甲", "office")
    page = f"/applications/{case['id']}"
    linked = _post(office, page, f"/applications/{case['id']}/items", item_id=str(item))
    assert linked.status_code == 303 and linked.headers["location"].endswith("done=linked#h-links")
    shown = _text(office.get(page))
    assert "申请涉及的信息" in shown and "依申请公开库" in shown and "制作副本" in shown
    proposed = _post(office, page, f"/applications/{case['id']}/releases", item_id=str(item))
    assert proposed.status_code == 303
    release_page = proposed.headers["location"].split("?")[0]
    text = _text(office.get(release_page))
    assert "逐处决定" in text and ID_NUMBER in text  # the handler judges the data itself
    early = _post(office, release_page, f"{release_page}/confirm", lock_version="1")
    assert early.status_code == 409 and "处没有决定" in _text(early)
    body = office.get(release_page).text
    indexes = sorted(set(re.findall(r'name="d_(\d+)"', body)))
    version = re.search(r'name="lock_version" value="(\d+)"', body).group(1)  # type: ignore[union-attr]
    decided = _post(office, release_page, f"{release_page}/decisions", lock_version=version,
                    **{f"d_{i}": "accept" for i in indexes})
    assert decided.status_code == 303, _text(decided)
    body = office.get(release_page).text
    version = re.search(r'name="lock_version" value="(\d+)"', body).group(1)  # type: ignore[union-attr]
    assert "确认副本" in body
    confirmed = _post(office, release_page, f"{release_page}/confirm", lock_version=version)
    assert confirmed.status_code == 303
    done = _text(office.get(release_page))
    assert "已确认" in done and "打印副本" in done and "待决定 0 处" in done
    assert done.count("遮盖") >= 4 and "待决定 " not in done.replace("待决定 0 处", "")  # each span says its decision
    preview = done.split("提供的副本", 1)[1]
    assert ID_NUMBER not in preview and ID_NUMBER[6:14] not in preview
    stranger = person(app, "别处科员", "clerk", "财务科")
    assert stranger.get(release_page).status_code == 404
    assert "已确认" in _text(office.get(page))  # the case lists its copy


def test_a_page_refuses_what_the_api_refuses(api: Api, app: Any) -> None:
    case = registered(api, "2026-11-20")
    office = person(app, "办理员乙", "office")
    page = f"/applications/{case['id']}"
    assert _post(office, page, f"/applications/{case['id']}/items", item_id="999999").status_code == 404
    assert _post(office, page, f"/applications/{case['id']}/items", item_id="abc").status_code == 400
    waiting = push_item(api, 1, "城建科", "2026-11-02")  # still under review: nothing to answer with yet
    refused = _post(office, page, f"/applications/{case['id']}/items", item_id=str(waiting))
    assert refused.status_code == 409
    assert office.post(f"/applications/{case['id']}/items", data={"item_id": "1"}).status_code in (400, 403)


def test_a_held_entry_of_the_feed_page_leads_to_its_public_copy(api: Api, app: Any) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02", body="关于道路挖掘管理的通知。" + PRIVATE)
    review_item(api, item, {"secrecy": "none"}, {"category": "proactive", "exemption": None,
                                                 "column": "normative_documents", "reason": "规范性文件"})
    office = person(app, "发布员", "office")
    feed = office.get("/feed")
    assert "暂缓发布" in _text(feed) and ID_NUMBER not in feed.text
    made = _post(office, "/feed", f"/items/{item}/releases")
    assert made.status_code == 303 and "/releases/" in made.headers["location"]
    page = _text(office.get(made.headers["location"].split("?")[0]))
    assert "主动公开（网站发布）" in page and "处没有决定" in page


def test_the_disclosure_reviewer_finds_and_confirms_the_public_copy_on_the_item_page(api: Api, app: Any) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02", body="关于道路挖掘管理的通知。" + PRIVATE)
    review_item(api, item, {"secrecy": "none"}, {"category": "proactive", "exemption": None,
                                                 "column": "normative_documents", "reason": "规范性文件"})
    reviewer = person(app, "审核员丙", "disclosure_reviewer")
    made = _post(reviewer, f"/items/{item}", f"/items/{item}/releases")
    release_page = made.headers["location"].split("?")[0]
    assert f'href="{release_page}"' in reviewer.get(f"/items/{item}").text  # listed on the item
    body = reviewer.get(release_page).text
    indexes = sorted(set(re.findall(r'name="d_(\d+)"', body)))
    version = re.search(r'name="lock_version" value="(\d+)"', body).group(1)  # type: ignore[union-attr]
    _post(reviewer, release_page, f"{release_page}/decisions", lock_version=version,
          **{f"d_{i}": "accept" for i in indexes})
    version = re.search(r'name="lock_version" value="(\d+)"', reviewer.get(release_page).text).group(1)  # type: ignore[union-attr]
    assert _post(reviewer, release_page, f"{release_page}/confirm", lock_version=version).status_code == 303
    feed = api.as_("office").get("/v1/feed/proactive").json()["entries"]
    assert [e["action"] for e in feed][-1] == "publish" and ID_NUMBER not in str(feed)
    clerk = person(app, "法规处科员", "clerk", "法规处")
    assert "制作公开副本" not in clerk.get(f"/items/{item}").text  # a clerk makes no public copy
