"""The printable 办文单 (api/pages/slip.py; the 办文单 spec, applications.md §4.1): the routing fields and the
block 政府信息公开属性 with the leader's boxes, 不予公开 alone on a marked document, the API's authorisation
and its hiding of a secret item's content, the QR code of the item id, and the page's own policy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import segno

from api.pages.slip import QR_OPTIONS, qr_svg
from engine.vocabulary import FIELD_LABELS_ZH, LABELS_ZH, Category
from tests.service.conftest import Api, push_item, review_item, sample_documents

FOUR = [LABELS_ZH[c] for c in Category]
SECRET_TITLE = "关于某型装备部署调整的通知"


class _Page(HTMLParser):
    """The page's text, its <li> boxes (text, class), the <html> lang and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.boxes: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.lang: str | None = None
        self._li: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "li":
            self._li = ["", dict(attrs).get("class") or ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._li is not None:
            self.boxes.append((self._li[0].strip(), self._li[1]))
            self._li = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._li is not None:
            self._li[0] += data


def _slip(answer: Any) -> _Page:
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(answer.text)
    page.close()
    return page


def _category_boxes(page: _Page) -> list[tuple[str, str]]:
    return [(text, cls) for text, cls in page.boxes if text[:1] in "☐☑"]


def _marked(api: Api, marking: str, **extra: Any) -> int:
    doc = {**sample_documents()[0], "id": f"marked-{marking}", "secrecy_marking": marking, **extra}
    r = api.push(doc)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_an_unmarked_proactive_item_shows_the_four_boxes_with_its_suggestion_ticked(api: Api) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02")
    suggested = api.as_("office").get(f"/v1/items/{item}").json()["suggestion"]["suggestion"]["category"]["value"]
    assert suggested == Category.PROACTIVE
    answer = api.as_("office").get(f"/items/{item}/slip")
    page = _slip(answer)
    assert page.lang == "zh-CN" and "script" not in page.tags and "<script" not in answer.text.lower()
    assert _category_boxes(page) == [(("☑" if label == "主动公开" else "☐") + label,
                                      "ticked" if label == "主动公开" else "") for label in FOUR]
    text = "".join(page.text)
    doc = sample_documents()[0]
    for name in ("doc_number", "title", "doc_type", "division", "agency", "date", "closed_on"):
        assert FIELD_LABELS_ZH[name] in text, name
    assert doc["title"] in text and doc["doc_number"] in text and "2026-11-02" in text
    assert "政府信息公开属性" in text and "领导批示" in text and "未编号" in text
    due = api.as_("office").get(f"/v1/items/{item}").json()["due_on"]
    assert f"应于 {due} 前公开" in text  # the Art. 26 date of the item view


def test_the_page_carries_its_own_policy_and_the_security_headers(api: Api) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02")
    answer = api.as_("office").get(f"/items/{item}/slip")
    policy = dict(part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["style-src"].startswith("'sha256-") and "script-src" not in policy
    assert answer.headers["cache-control"] == "no-store" and answer.headers["x-frame-options"] == "DENY"
    assert "@page { size: A4; margin: 15mm; }" in answer.text
    assert " style=" not in answer.text and "http://" not in answer.text.replace('"http://www.w3.org/', "")
    assert "/items/{item_id}/slip" not in api.client.app.openapi()["paths"]  # type: ignore[attr-defined]


def test_the_qr_code_is_segnos_svg_of_the_item_id(api: Api) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02")
    expected = segno.make(f"gongkai:item:{item}", error="m").svg_inline(**QR_OPTIONS)
    assert expected == qr_svg(item) and expected.startswith("<svg")
    assert expected in api.as_("office").get(f"/items/{item}/slip").text


def test_a_marked_item_prints_withheld_only_and_hides_its_content_from_uncleared_roles(api: Api) -> None:
    internal = push_item(api, 2, "办公室", "2026-11-02")  # the sample marked 内部
    secret = _marked(api, "秘密★1年", title=SECRET_TITLE)
    for item in (internal, secret):
        for role in ("secrecy_reviewer", "office"):
            page = _slip(api.as_(role).get(f"/items/{item}/slip"))
            assert _category_boxes(page) == [("☑不予公开", "ticked")], (item, role)
            text = "".join(page.text)
            assert not any(label in text for label in FOUR if label != "不予公开"), (item, role)
    cleared = "".join(_slip(api.as_("secrecy_reviewer").get(f"/items/{secret}/slip")).text)
    assert SECRET_TITLE in cleared and "秘密★1年" in cleared
    for role in ("office", "supervisor"):  # not cleared: the API shows no title nor text, nor does the slip
        assert api.as_(role).get(f"/v1/items/{secret}").json()["title"] is None
        answer = api.as_(role).get(f"/items/{secret}/slip")
        text = "".join(_slip(answer).text)
        assert SECRET_TITLE not in answer.text and sample_documents()[0]["body"][:20] not in answer.text
        assert "秘密★1年" not in answer.text and "（无权查看）" in text


def test_a_reviewed_item_shows_its_reviewers_dates_and_reason(api: Api) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02")
    review_item(api, item, {"secrecy": "none"}, {"category": "on_request", "column": "normative_documents",
                                                 "reason": "涉及尚在试行的办法"})
    shown = api.as_("office").get(f"/v1/items/{item}").json()
    page = _slip(api.as_("office").get(f"/items/{item}/slip"))
    text = "".join(page.text)
    by_stage = {r["stage"]: r for r in shown["reviews"]}
    for stage in ("secrecy_review", "disclosure_review"):
        assert f"{by_stage[stage]['actor']}，{by_stage[stage]['at'][:10]}" in text, stage
    assert "涉及尚在试行的办法" in text and LABELS_ZH["normative_documents"] in text
    assert ("☑依申请公开", "ticked") in _category_boxes(page)  # the decision, once made
    assert "（《条例》第" not in text  # its exemption is empty: no ground printed from the suggestion
    if shown["index_number"]:
        assert shown["index_number"] in text


def test_a_caller_without_permission_gets_the_apis_answer(api: Api) -> None:
    item = push_item(api, 0, "法规处", "2026-11-02")
    other = push_item(api, 1, "规划财务处", "2026-11-02")
    token = api.as_("admin").post("/v1/tokens", json={"name": "法规处信息员", "role": "clerk", "division": "法规处"})
    clerk = {"Authorization": f"Bearer {token.json()['token']}"}
    cases = [(api.as_("rule_author").headers, item), (clerk, other), (clerk, item),
             (api.as_("office").headers, 999_999)]
    for headers, target in cases:
        page = api.client.get(f"/items/{target}/slip", headers=headers)
        assert page.status_code == api.client.get(f"/v1/items/{target}", headers=headers).status_code, (headers, target)
    assert api.client.get(f"/items/{other}/slip", headers=clerk).status_code == 404
    assert api.as_("rule_author").get(f"/items/{item}/slip").status_code == 403
    # a person without a session is sent to sign in, and back to the slip after
    anonymous = api.client.get(f"/items/{item}/slip", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/signin?next=%2Fitems%2F{item}%2Fslip"
    assert api.as_("office").get("/items/-1/slip").status_code == 422


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


# CI (.ci/run sets GONGKAI_REQUIRE_BROWSER) must print it; elsewhere a missing browser skips, as in tests/browser.
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1"


@pytest.mark.browser
@pytest.mark.skipif(not REQUIRED and not (CHROMIUM and shutil.which("pdftotext")),
                    reason="needs chromium and pdftotext (poppler-utils)")
def test_the_slip_prints_on_one_a4_page(api: Api, tmp_path: Path) -> None:
    """Printed by Chromium, the slip of a reviewed item and of a marked one with a long title each fit one A4
    page, and the printed text has the fields."""
    plain = push_item(api, 0, "法规处", "2026-11-02")
    review_item(api, plain, {"secrecy": "none"}, {"category": "on_request", "column": "normative_documents",
                                                  "reason": "涉及尚在试行的办法" * 40})
    marked = _marked(api, "机密★10年", title="关于" + "某项工作" * 30 + "的通知")
    for item, role in ((plain, "office"), (marked, "secrecy_reviewer")):
        page = tmp_path / f"slip-{item}.html"
        page.write_text(api.as_(role).get(f"/items/{item}/slip").text, encoding="utf-8")
        pdf = tmp_path / f"slip-{item}.pdf"
        subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info, info
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                                                 text=True).stdout)
        assert "办文单" in text and "政府信息公开属性" in text and "领导批示" in text
        assert ("☑依申请公开" if item == plain else "☑不予公开") in text
        assert FIELD_LABELS_ZH["doc_number"] in text and f"事项{item}" in text
