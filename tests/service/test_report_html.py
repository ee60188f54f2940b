"""The HTML report (api/reports/html.py) of a scenario whose figures are counted by hand: well-formed,
self-contained (no script, no external address), escaped, with the charts and figures it should have."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from api.items.views import today_in_china
from api.reports import charts
from api.reports.html import TABLE_ROWS
from api.reports.registry import render_html, tables
from tests.service.conftest import Api, push_item, review_item

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script>"
AT = "2026-12-02 09:30"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}
SVG_TAGS = {"svg", "g", "path", "text", "use", "rect", "line", "polyline", "circle", "clippath", "defs", "title"}
SVG_STRUCTURE = {"xmlns", "xmlns:xlink", "version", "width", "height", "viewbox", "class", "role", "id", "d",
                 "x", "y", "transform", "xlink:href", "href", "clip-path"}


_item, _review = push_item, review_item


def _scenario(api: Api) -> None:
    """Seven items: five routed (two proactive, confirmed; one moved to on_request although the rules
    said proactive; one request for instructions decided on_request; one withheld, of a division named
    like a script), one never reviewed and long overdue, one closed today and waiting."""
    for n, division, closed_on, extra, disclosure in (
        (0, "法规处", "2026-09-01", {}, {}),
        (0, "法规处", "2026-10-12", {"id": "s-001-b"}, {}),
        (0, "法规处", "2026-11-03", {"id": "moved"}, {"category": "on_request", "exemption": None,
                                                     "reason": "涉及在办事项"}),
    ):
        _review(api, _item(api, n, division, closed_on, **extra), {"secrecy": "none"}, disclosure)
    b = _item(api, 1, "法规处", "2026-11-20")
    _review(api, b, {"secrecy": "none", "reason": "核定"},
            {"category": "on_request", "exemption": None, "column": "other", "reason": "依申请"})
    c = _item(api, 2, EVIL, "2026-10-09")
    _review(api, c, {"secrecy": "internal", "reason": "工作秘密"},
            {"category": "withheld", "exemption": "internal_affairs", "column": "other", "reason": "内部事务"})
    _item(api, 3, "财务处", "2025-01-02")
    e = _item(api, 4, "办公室", today_in_china().isoformat())
    _review(api, e, {"secrecy": "none", "reason": "核定"}, None)


class _Balance(HTMLParser):
    """Every element closed, in order (html.parser itself accepts anything)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def _check_page(page: str, title: str) -> list[ET.Element]:
    """Well-formed, self-contained and escaped; returns the page's charts, each parsed as XML."""
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.open == [], f"unclosed: {parser.open}"
    assert page.startswith("<!DOCTYPE html>") and f"<h1>{title}</h1>" in page
    # No JavaScript, nothing fetched: no script or embedding element, no handler, no address in any attribute
    # (the SVG namespace names are names, not addresses a browser loads), no url() in CSS.
    assert {"script", "link", "img", "iframe", "object", "embed"} & set(parser.seen) == set()
    assert not [name for _, name, _ in parser.attributes if name.startswith("on")]
    # No style attribute (the page is served with a policy that allows only its own <style>, by hash:
    # api/headers.py); the charts' look is in SVG presentation attributes instead.
    assert not [(t, v) for t, n, v in parser.attributes if n == "style"]
    svg_attributes = {n for t, n, _ in parser.attributes if t in SVG_TAGS}
    if svg_attributes:
        assert {"fill", "stroke", "font-size"} <= svg_attributes
        assert svg_attributes <= charts.PRESENTATION | SVG_STRUCTURE, svg_attributes - charts.PRESENTATION - SVG_STRUCTURE
    assert not [(t, n, v) for t, n, v in parser.attributes
                if re.search(r"https?://|//", v) and not n.startswith("xmlns")]
    assert "url(http" not in page and "@import" not in page and "<script" not in page.lower()
    ids = [v for _, n, v in parser.attributes if n == "id"]
    assert len(ids) == len(set(ids)), "ids are unique across the page's charts"
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]


def _chart(svgs: list[ET.Element], title: str) -> list[str]:
    """The texts of the chart titled `title`."""
    found = [s for s in svgs if s.findtext(f"{SVG}title") == title]
    assert len(found) == 1, [s.findtext(f"{SVG}title") for s in svgs]
    return [t.text or "" for t in found[0].iter(f"{SVG}text")]


def _summary(page: str) -> dict[str, str]:
    return dict(re.findall(r'<div class="label">(.*?)</div>\s*<div class="value">(.*?)</div>', page))


def test_statistics_page(api: Api) -> None:
    _scenario(api)
    report = api.as_("office").get("/v1/reports/statistics").json()
    page = render_html("statistics", report, generated_at=AT)
    svgs = _check_page(page, "统计报表")
    assert [s.findtext(f"{SVG}title") for s in svgs] == [
        "每月办结、分发与主动公开件数", "每月主动公开率", "各处室信息件数", "已分发信息的公开属性"]
    # 2 proactive of 5 routed; 7 items, 2 pending; both proactive items were routed after their due dates.
    summary = _summary(page)
    assert {k: summary[k] for k in ("信息总数", "已分发", "待办", "主动公开", "主动公开率", "超期公开")} == {
        "信息总数": "7", "已分发": "5", "待办": "2", "主动公开": "2", "主动公开率": "40.0%", "超期公开": "2"}
    assert "主动公开 2 / 已分发 5" in page
    divisions = _chart(svgs, "各处室信息件数")
    assert EVIL in divisions and "4（57.1%）" in divisions  # 法规处 4 of 7; the name is text in the SVG ...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and EVIL not in page  # ... and escaped in the page
    assert {"主动公开", "依申请公开", "不予公开", "2（40.0%）", "1（20.0%）"} <= set(_chart(svgs, "已分发信息的公开属性"))
    # The months from January 2025 to this month on one axis; the year written where it starts or changes.
    assert "2025-01" in _chart(svgs, "每月办结、分发与主动公开件数")
    for table in tables("statistics", report):
        assert f"<h3>{table.name}</h3>" in page
    assert render_html("statistics", report, generated_at=AT) == page  # deterministic, SVG ids included


def test_accuracy_page(api: Api) -> None:
    _scenario(api)
    report = api.as_("office").get("/v1/reports/accuracy").json()
    page = render_html("accuracy", report, generated_at=AT)
    svgs = _check_page(page, "建议准确率报告")
    assert len(svgs) == 7  # two trends, three confusion matrices, rule precision, override rate
    summary = _summary(page)
    # Category: the two confirmed proactive items and the withheld one right; two on_request items wrong.
    assert (summary["核对件数"], summary["公开属性准确率"], summary["密级准确率"]) == ("5", "60.0%", "100.0%")
    assert summary["公开方式审核改判率"] == "40.0%" and summary["保密审核改判率"] == "0.0%"
    category = _chart(svgs, "公开属性混淆矩阵")
    assert sorted(t for t in category if t.isdigit()) == ["1", "1", "1", "2"]
    assert {"主动公开", "依申请公开", "不予公开"} <= set(category)
    assert "一致：3 / 5 件" in page
    assert sorted(t for t in _chart(svgs, "密级混淆矩阵") if t.isdigit()) == ["1", "4"]
    assert "政策文件" in _chart(svgs, "栏目混淆矩阵")
    # The issuing-notice rule fired on the three copies of the notice: two confirmed, one moved to on_request.
    rules = _chart(svgs, "各规则精确率")
    assert "proactive.normative.issuing_notice" in rules
    assert "66.7%  2/3 · 命中 3" in rules
    assert set(report["rules"]) <= set(rules)  # every rule here has a precision: all drawn
    assert "40.0%  2/5" in _chart(svgs, "各审核环节改判率")
    assert "2026-W45" in page and "公开属性" in _chart(svgs, "各字段建议准确率（按 ISO 周）")

    unscored = {**report, "rules": {**report["rules"], "monitor.only.rule": {
        "mode": "monitor", "fired": 4, "confirmed": 0, "overridden": 0, "precision": None}}}
    page = render_html("accuracy", unscored, generated_at=AT)
    assert "monitor.only.rule（命中 4 次）" in page
    assert "monitor.only.rule" not in _chart(_check_page(page, "建议准确率报告"), "各规则精确率")


def test_supervision_page(api: Api) -> None:
    _scenario(api)
    report = api.as_("supervisor").get("/v1/reports/supervision").json()
    page = render_html("supervision", report, generated_at=AT)
    svgs = _check_page(page, "监察考核报告")
    assert [s.findtext(f"{SVG}title") for s in svgs] == ["各类监察事项件数", "每月监察事项（按类型）"]
    summary = _summary(page)
    assert summary["超期公开"] == "2"  # the two proactive items, routed today, after their due dates
    assert summary["监察事项"] == str(len(report["rows"]))
    kinds = _chart(svgs, "各类监察事项件数")
    assert "超期公开" in kinds and "2" in kinds
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and ">公开方式审核 disclosure_review</td>" in page
    assert f"<dt>统计日</dt><dd>{report['today']}</dd>" in page


def test_empty_reports_say_there_is_nothing_in_range(api: Api) -> None:
    for kind, role, title, says in (("statistics", "office", "统计报表", "没有办结的信息"),
                                    ("accuracy", "rule_author", "建议准确率报告", "无法核对建议"),
                                    ("supervision", "supervisor", "监察考核报告", "没有逾期")):
        report = api.as_(role).get(f"/v1/reports/{kind}").json()
        page = render_html(kind, report)
        assert _check_page(page, title) == [] and says in page and "生成时间" in page


def test_long_tables_are_cut_with_a_note() -> None:
    rows = [{"event_id": f"overdue:{i}", "kind": "overdue", "on": f"2026-{i % 12 + 1:02d}-01", "item_id": i,
             "division": "法规处", "stage": "secrecy_review", "detail": {"due_on": "2026-01-01"}} for i in range(250)]
    page = render_html("supervision", {"today": "2026-12-02", "counts": {"overdue": 250}, "rows": rows},
                       generated_at=AT)
    svgs = _check_page(page, "监察考核报告")
    assert len(svgs) == 2
    assert len(re.findall(r"<td[^>]*>overdue:\d+</td>", page)) == TABLE_ROWS
    assert f"本表共 250 行，此处只列出前 {TABLE_ROWS} 行；XLSX 文件中有全部 250 行" in page


def test_charts_keep_text_as_text_and_do_not_warn_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """Warnings are errors here: a server without a CJK font must draw the same charts silently."""
    for font in (charts.cjk_font(), None):
        monkeypatch.setattr(charts, "cjk_font", lambda font=font: font)
        svg = charts.hbars(["法规处", "a$b$c", EVIL], [3, 2, 1], title="处室", salt="test")
        texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
        assert {"法规处", "a$b$c", EVIL} <= set(texts)  # "$" is no mathtext; the rest escaped by the SVG writer
        assert "<path" in svg and 'id="figure_1"' not in svg and "<!DOCTYPE" not in svg


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report"):
        render_html("budget", {})
