"""The reviewers' pages (api/pages/review.py): the queues in the API's order with why each item is there, the
item page with its evidence marked, confidences, the articles' own text, the model's probabilities and the
disagreements, and the review forms calling the API's own use cases: confirm, change with a reason, the
refusals in Chinese with nothing changed, CSRF, roles, a marked item never sent to 主动公开, a secret item's
text kept from a role not cleared, and reopening."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from api.pages.item_page import disagreement_zh
from engine.vocabulary import FIELD_LABELS_ZH
from tests.service.pages import sign_in_on
from tests.service.conftest import Api, push_item, review_item

MARKED = 2  # sample 2: 关于调整机关食堂就餐时间的通知, marked 内部 in the metadata and the header
PLAIN = 0  # sample 0: the 办法's issuing notice, proactive by the rules



def _item(api: Api, item_id: int, role: str = "admin") -> dict[str, Any]:
    answer = api.as_(role).get(f"/v1/items/{item_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _push_all(api: Api) -> list[int]:
    return [push_item(api, n, "办公室", f"2025-0{1 + n % 9}-1{n}") for n in range(8)]


def test_the_queue_is_the_apis_order_with_why_each_item_is_there(api: Api, app: Any) -> None:
    _push_all(api)
    expected = [e["id"] for e in api.as_("secrecy_reviewer").get("/v1/queues/secrecy_review").json()["items"]]
    sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    page = api.client.get("/queues/secrecy_review")
    assert page.status_code == 200 and "保密审核队列" in page.text
    shown = [int(n) for n in re.findall(r'<a href="/items/(\d+)"', page.text)]
    assert shown == expected
    assert "有密级标志：内部/工作秘密" in page.text and "已逾期" in page.text  # closed in 2025: all overdue
    assert 'data-shortcut="n"' in page.text and "第二十六条" in page.text
    empty = api.client.get("/queues/disclosure_review")
    assert empty.status_code == 403  # a secrecy reviewer has no disclosure queue (the API's PERMISSIONS)
    sign_in_on(api.client, app, "王公开", "disclosure_reviewer")
    assert "队列已清空" in api.client.get("/queues/disclosure_review").text


def test_the_item_page_shows_evidence_confidence_articles_and_the_model(api: Api, app: Any) -> None:
    item_id = push_item(api, MARKED, "办公室", "2025-03-01")
    view = _item(api, item_id)
    sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    page = api.client.get(f"/items/{item_id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<mark class="marking" title="密级标志">内部</mark>' in html  # the header's marking, in the text
    assert re.search(r'<mark title="规则 [^"]+">食堂</mark>', html)  # a rule's word, in the title
    assert "95%" in html and "置信度" in html  # the confidence of each value
    assert "行政机关的内部事务信息，包括人事管理、后勤管理" in html  # 条例第十六条第一款, data/statutes' text
    assert "模型的概率" in html and view["suggestion"]["model"] is not None
    assert "/items/%d/slip" % item_id in html and 'data-shortcut="c"' in html
    assert "style=" not in html and "<script>" not in html


def test_the_item_page_flags_where_rules_and_model_disagree(api: Api, app: Any) -> None:
    disagreeing = []
    for item_id in _push_all(api):
        fields = _item(api, item_id)["suggestion"]["suggestion"]
        disagreeing += [(item_id, name) for name, field in fields.items() if field["disagreement"]]
    assert disagreeing, "the test model disagrees with the rules on some sample (sample 7's category)"
    sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    for item_id, name in disagreeing:
        html = api.client.get(f"/items/{item_id}").text
        assert f"规则与模型不一致（{FIELD_LABELS_ZH[name]}）" in html and "与规则不一致" in html


def test_a_disagreement_of_rules_and_model_is_said_in_chinese() -> None:
    field = {"value": "withheld", "disagreement": "held back from proactive: the rules say proactive, the model "
             "withheld (0.71); review decides", "model": {"value": "withheld", "probability": 0.71}}
    said = disagreement_zh("category", field)
    assert said is not None and "规则建议「主动公开」" in said and "不予公开" in said and "0.71" in said
    plain = disagreement_zh("column", {"value": "budget", "disagreement": "the rules say budget, the model other (0.80)",
                                       "model": {"value": "other", "probability": 0.8}})
    assert plain is not None and "财政预决算" in plain and "其他" in plain
    assert disagreement_zh("column", {"value": "budget", "disagreement": None}) is None


def test_confirm_goes_on_to_the_next_item_of_the_queue(api: Api, app: Any) -> None:
    ids = _push_all(api)
    order = [e["id"] for e in api.as_("secrecy_reviewer").get("/v1/queues/secrecy_review").json()["items"]]
    csrf = sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    first = order[0]
    page = api.client.get(f"/items/{first}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert version is not None and f'href="/queues/secrecy_review/next?after={first}" data-shortcut="n"' in page.text
    following = api.client.get(f"/queues/secrecy_review/next?after={first}")
    assert following.status_code == 200 and f'action="/items/{order[1]}/secrecy_review"' in following.text
    last = api.client.get(f"/queues/secrecy_review/next?after={order[-1]}")
    assert f'action="/items/{order[0]}/secrecy_review"' in last.text  # after the last, the queue's first again
    suggested = _item(api, first)["suggestion"]["suggestion"]["secrecy"]["value"]
    done = api.client.post(f"/items/{first}/secrecy_review", data={
        "csrf": csrf, "mode": "confirm", "secrecy": suggested, "expected_version": version.group(1)},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith(f"/items/{order[1]}?done=secrecy_confirm&item={first}")
    after = _item(api, first)
    assert after["status"] == "disclosure_review" and after["reviews"][-1]["actor"] == "李保密"
    landed = api.client.get(done.headers["location"])
    assert f"事项 {first} 的保密审核已完成" in landed.text and len(ids) == 8
    again = api.client.post(f"/items/{first}/secrecy_review", data={"csrf": csrf, "mode": "confirm", "secrecy": suggested})
    assert again.status_code == 409 and "此环节的审核已经完成" in again.text  # someone (here: they) reviewed first
    assert len(_item(api, first)["reviews"]) == 1


def test_a_change_without_a_reason_is_refused_in_chinese_and_nothing_changes(api: Api, app: Any) -> None:
    item_id = push_item(api, PLAIN, "办公室", "2025-03-01")
    csrf = sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    refused = api.client.post(f"/items/{item_id}/secrecy_review", data={
        "csrf": csrf, "mode": "change", "secrecy": "internal", "reason": "  "})
    assert refused.status_code == 422 and "修改建议必须填写理由" in refused.text
    assert 'aria-invalid="true"' in refused.text
    after = _item(api, item_id)
    assert after["status"] == "secrecy_review" and after["reviews"] == []
    stale = api.client.post(f"/items/{item_id}/secrecy_review", data={
        "csrf": csrf, "mode": "change", "secrecy": "internal", "reason": "含内部事项", "expected_version": "99"})
    assert stale.status_code == 409 and "已有变动" in stale.text and "含内部事项" in stale.text  # kept
    changed = api.client.post(f"/items/{item_id}/secrecy_review", data={
        "csrf": csrf, "mode": "change", "secrecy": "internal", "reason": "含内部事项",
        "leader_instruction": "同意，按内部事项管理。"}, follow_redirects=False)
    assert changed.status_code == 303
    review = _item(api, item_id)["reviews"][-1]
    assert review["decided"] == {"secrecy": "internal"} and review["changed"] and review["reason"] == "含内部事项"
    assert review["leader_instruction"] == "同意，按内部事项管理。"  # 领导批示 at the secrecy review too


def test_forms_need_the_csrf_token_and_the_reviewers_role(api: Api, app: Any) -> None:
    item_id = push_item(api, PLAIN, "办公室", "2025-03-01")
    sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    missing = api.client.post(f"/items/{item_id}/secrecy_review", data={"mode": "confirm", "secrecy": "none"})
    assert missing.status_code == 403 and "表单已过期" in missing.text
    csrf = sign_in_on(api.client, app, "张信息员", "clerk", division="办公室")
    page = api.client.get(f"/items/{item_id}")
    assert page.status_code == 200 and "/secrecy_review" not in page.text  # no form offered
    refused = api.client.post(f"/items/{item_id}/secrecy_review", data={"csrf": csrf, "mode": "confirm",
                                                                        "secrecy": "none"})
    assert refused.status_code == 403 and "无权" in refused.text
    assert _item(api, item_id)["reviews"] == []


def test_a_marked_item_is_never_offered_nor_sent_to_proactive(api: Api, app: Any) -> None:
    item_id = push_item(api, MARKED, "办公室", "2025-03-01")
    # The secrecy review (another person) decides 非密 against the marking: only the marking now keeps
    # the document off the website (条例第十七条; the use case's guard).
    review_item(api, item_id, {"secrecy": "none", "reason": "已解密"}, None)
    csrf = sign_in_on(api.client, app, "王公开", "disclosure_reviewer")
    page = api.client.get(f"/items/{item_id}")
    assert page.status_code == 200 and "/disclosure_review" in page.text
    assert 'value="proactive"' not in page.text and "不得主动公开" in page.text
    crafted = api.client.post(f"/items/{item_id}/disclosure_review", data={
        "csrf": csrf, "mode": "change", "category": "proactive", "exemption": "", "column": "other",
        "reason": "想公开"})
    assert crafted.status_code == 422 and "有密级标志的文件不得主动公开" in crafted.text
    after = _item(api, item_id)
    assert after["status"] == "disclosure_review" and after["store"] is None and len(after["reviews"]) == 1


def test_a_secret_items_text_is_not_on_the_page_of_a_role_not_cleared(api: Api, app: Any) -> None:
    item_id = push_item(api, MARKED, "办公室", "2025-03-01")
    assert _item(api, item_id, "office")["title"] is None  # the API hides it from the office
    sign_in_on(api.client, app, "赵机构", "office")
    page = api.client.get(f"/items/{item_id}")
    assert page.status_code == 200
    for secret in ("食堂", "就餐时间", "局机关各处室"):
        assert secret not in page.text
    assert "无权查看" in page.text


def test_reopen_needs_a_reason_and_sends_the_item_back(api: Api, app: Any) -> None:
    item_id = push_item(api, PLAIN, "办公室", "2025-03-01")
    review_item(api, item_id, {"secrecy": "none"}, {})
    assert _item(api, item_id)["status"] == "routed"
    csrf = sign_in_on(api.client, app, "赵机构", "office")
    page = api.client.get(f"/items/{item_id}")
    assert 'data-confirm="' in page.text and 'action="/items/%d/reopen"' % item_id in page.text
    refused = api.client.post(f"/items/{item_id}/reopen", data={"csrf": csrf, "stage": "disclosure_review",
                                                                "reason": ""})
    assert refused.status_code == 422 and "退回重审必须填写理由" in refused.text
    assert _item(api, item_id)["status"] == "routed"
    done = api.client.post(f"/items/{item_id}/reopen", data={"csrf": csrf, "stage": "disclosure_review",
                                                             "reason": "栏目有误"}, follow_redirects=False)
    assert done.status_code == 303 and "done=reopen" in done.headers["location"]
    after = _item(api, item_id)
    assert after["status"] == "disclosure_review" and after["store"] is None
    # the history says it: who sent it back from where, and why (an audit event, not a review)
    history = api.client.get(f"/items/{item_id}").text.split('id="history-heading"')[1]
    row = re.search(r"<tr>\s*<td>退回重审</td>(.*?)</tr>", history, re.S)
    assert row is not None and "赵机构" in row.group(1) and "由已分发（主动公开库）退回公开方式审核" in row.group(1)
    assert "栏目有误" in row.group(1)


def test_the_pages_ask_the_database_a_fixed_number_of_questions(api: Api, app: Any) -> None:
    """No query per row: the queue page and the item page cost the same with 2 items as with 8."""
    sign_in_on(api.client, app, "李保密", "secrecy_reviewer")
    counts = []
    for batch in (2, 6):
        for n in range(batch):
            push_item(api, n % 8, "办公室", f"2025-04-{10 + n:02d}", id=f"batch-{batch}-{n}")
        statements: list[str] = []

        def listener(*args: Any, seen: list[str] = statements) -> None:
            seen.append(args[2])  # before_cursor_execute's statement

        event.listen(app.state.reader_engine, "before_cursor_execute", listener)
        try:
            assert api.client.get("/queues/secrecy_review").status_code == 200
        finally:
            event.remove(app.state.reader_engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
