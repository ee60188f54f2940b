"""The annual report's files (api/annual: docx_writer, xlsx_writer, csv_writer, html_writer; applications.md
§3.1–§3.3): a report built by the engine from small registers is printed in each format and read back, cell by
cell, with the library that reads that format; every value equals the report's `tables`, every label its
`layout`, and every merged cell spans what the national format of 2021 spans. The expected cells are worked
out here from the layout alone, not with the writers' grid. Text typed by people stays inert in every file.
Pure: no database, no app."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from api.annual.csv_writer import csv_bytes
from api.annual.docx_writer import docx
from api.annual.html_writer import html
from api.annual.xlsx_writer import xlsx
from engine.annual.report import Draft, Registers, build
from engine.annual.table_three import Application
from engine.annual.table_two import Instrument
from engine.applications.cases import Case

Y = 2025
SCRIPT = "<script>alert(1)</script>"
DDE = "=cmd|' /C calc'!A0"
OUTCOMES = ("disclosed", "partial", "withheld.state_secret", "withheld.third_party", "cannot_provide.not_held",
            "not_processed.repeat", "other.fee_unpaid", "other.other")
COLUMNS = ("natural_person", "commercial", "research", "natural_person", "legal_services", "other")

Spans = dict[tuple[int, int], tuple[int, int, str]]  # top-left (row, col) -> (rowspan, colspan, text)


def _registers() -> Registers:
    instruments = [Instrument(1, "regulations", dt.date(Y, 3, 1)),
                   Instrument(2, "normative_documents", dt.date(Y - 2, 5, 1), "repealed", dt.date(Y, 6, 30)),
                   Instrument(3, "normative_documents", dt.date(Y - 1, 1, 9))]
    applications = [Application(i, COLUMNS[i % len(COLUMNS)], dt.date(Y, 1 + i % 12, 3),
                                dt.date(Y, 1 + i % 12, 20), OUTCOMES[i % len(OUTCOMES)]) for i in range(1, 30)]
    applications += [Application(40, "research", dt.date(Y - 1, 12, 20), dt.date(Y, 1, 10), "disclosed"),
                     Application(41, "natural_person", dt.date(Y, 12, 28))]  # carried in; carried out
    cases = [Case(1, "reconsideration", dt.date(Y, 2, 1), "maintained", dt.date(Y, 4, 1)),
             Case(2, "litigation_direct", dt.date(Y, 5, 1)),
             Case(3, "litigation_after_reconsideration", dt.date(Y, 3, 1), "corrected", dt.date(Y, 9, 1))]
    return Registers(instruments=instruments, applications=applications, cases=cases)


def _report(status: str = "draft", narrative: str = "本年度共收到申请。\n\n第二段。", fee: str = "12.3456") -> dict[str, Any]:
    entry = {"source": "财务处", "entered_by": "office1", "at": "2026-01-10T09:00:00+08:00"}
    manual: dict[str, dict[str, Any]] = {"licensing": {"value": 0, **entry}, "fees": {"value": fee, **entry}}  # 处罚、强制 not entered yet
    draft = Draft(year=Y, agency="某市测试局", sections={"overview": narrative, "problems": "部分答复超期。",
                                                      "other": "无。"}, manual=manual)
    report = build(draft, _registers())
    published_at = "2026-01-30T10:00:00+08:00" if status == "published" else None
    return report | {"status": status, "published_at": published_at}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _report()


def _printed(value: Any) -> str:
    return "" if value is None else str(value)


# The expected cells, from the layout (applications.md §3.1–§3.3).

def _expected_two(layout: Mapping[str, Any], values: Mapping[str, Any]) -> Spans:
    cells: Spans = {}
    row = 0
    for block in layout["blocks"]:
        span = 3 if len(block["columns"]) == 1 else 1
        cells[(row, 0)] = (1, 4, block["caption"])
        cells[(row + 1, 0)] = (1, 1, layout["header"])
        for i, column in enumerate(block["columns"]):
            cells[(row + 1, 1 + i)] = (1, span, column["label"])
        for line in block["rows"]:
            row += 1
            cells[(row + 1, 0)] = (1, 1, line["label"])
            for i, column in enumerate(block["columns"]):
                cells[(row + 1, 1 + i)] = (1, span, _printed(values[line["key"]][column["key"]]))
        row += 2
    return cells


def _expected_three(layout: Mapping[str, Any], values: Mapping[str, Any]) -> Spans:
    rows = layout["rows"]
    results = [i for i, r in enumerate(rows) if r["section"]]
    cells: Spans = {(0, 0): (3, 3, layout["note"]), (0, 3): (1, 7, layout["span"]),
                    (1, 3): (2, 1, "自然人"), (1, 4): (1, 5, "法人或其他组织"), (1, 9): (2, 1, "总计")}
    for i, column in enumerate(layout["columns"][1:6]):
        cells[(2, 4 + i)] = (1, 1, column["label"])
    cells[(3 + results[0], 0)] = (len(results), 1, "三、本年度办理结果")
    for i, line in enumerate(rows):
        if line["section"] is None:
            cells[(3 + i, 0)] = (1, 3, line["label"])
        elif line["group"] is None:
            cells[(3 + i, 1)] = (1, 2, line["item"])
        else:
            members = [j for j, r in enumerate(rows) if r["group"] == line["group"]]
            cells[(3 + members[0], 1)] = (len(members), 1, line["group"])
            cells[(3 + i, 2)] = (1, 1, line["item"])
        for j, column in enumerate(layout["columns"]):
            cells[(3 + i, 3 + j)] = (1, 1, _printed(values[line["code"]][column["key"]]))
    return cells


def _expected_four(layout: Mapping[str, Any], values: Mapping[str, Any]) -> Spans:
    cells: Spans = {(0, 0): (1, 5, "行政复议"), (0, 5): (1, 10, "行政诉讼"),
                    (1, 5): (1, 5, "未经复议直接起诉"), (1, 10): (1, 5, "复议后起诉")}
    for i, column in enumerate(layout["columns"]):
        cells[(1, i)] = (2, 1, column["label"])
        cells[(2, 5 + i)] = cells[(2, 10 + i)] = (1, 1, column["label"])
    for g, group in enumerate(layout["groups"]):
        for i, column in enumerate(layout["columns"]):
            cells[(3, 5 * g + i)] = (1, 1, _printed(values[group["key"]][column["key"]]))
    return cells


def _expected(report: Mapping[str, Any]) -> list[Spans]:
    layout, tables = report["layout"], report["tables"]
    return [_expected_two(layout["two"], tables["two"]), _expected_three(layout["three"], tables["three"]),
            _expected_four(layout["four"], tables["four"])]


def test_the_expected_layout_is_the_national_one(report: dict[str, Any]) -> None:
    """The layout the files are checked against is FMT21's: 25 rows in Table 三, 三、本年度办理结果 over the 21
    result rows and （七）总计 (22), （三）不予公开 over 8, Table 四 one row of 15."""
    two, three, four = _expected(report)
    assert three[(5, 0)] == (22, 1, "三、本年度办理结果") and three[(7, 1)] == (8, 1, "（三）不予公开")
    assert max(r for r, _ in three) == 27 and max(c for _, c in four) == 14
    assert two[(9, 1)] == (1, 3, "") and two[(6, 1)] == (1, 3, "0")  # 行政处罚 not entered; 行政许可 0


# (1) DOCX

def _docx_spans(table: Any) -> tuple[Spans, dict[tuple[int, int], Any]]:
    """Each merged range once, at its top-left, with its extent; python-docx gives the same <w:tc> for
    every grid position a merged cell covers."""
    width = len(table.columns)
    where: dict[int, list[tuple[int, int]]] = {}
    tcs = {}
    for r, row in enumerate(table.rows):
        cells = row.cells
        assert len(cells) == width
        for c in range(width):
            tc = cells[c]._tc
            tcs[(r, c)] = tc
            where.setdefault(id(tc), []).append((r, c))
    spans: Spans = {}
    for places in where.values():
        (r0, c0), (r1, c1) = min(places), max(places)
        assert len(places) == (r1 - r0 + 1) * (c1 - c0 + 1), f"a merged cell that is not a rectangle at {places}"
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1, tcs[(r0, c0)].xpath("string(.)"))
    return spans, tcs


def test_docx_prints_every_cell_label_and_merge(report: dict[str, Any]) -> None:
    document = Document(io.BytesIO(docx(report)))
    assert len(document.tables) == 3
    for table, expected in zip(document.tables, _expected(report), strict=True):
        spans, _ = _docx_spans(table)
        assert spans == expected
        assert table.style is not None and table.style.name == "Table Grid"
    _, tcs = _docx_spans(document.tables[1])
    assert len({id(tcs[(0, c)]) for c in range(3, 10)}) == 1  # 申请人情况 over the 7 data columns
    assert len({id(tcs[(r, 0)]) for r in range(5, 27)}) == 1  # 三、本年度办理结果 down the 22 result rows
    assert tcs[(4, 0)] is not tcs[(5, 0)] and tcs[(26, 0)] is not tcs[(27, 0)]
    three = document.tables[1]
    assert three.cell(0, 3)._tc is three.cell(0, 9)._tc and three.cell(5, 0)._tc is three.cell(26, 0)._tc


def test_docx_title_sections_narrative_and_page(report: dict[str, Any]) -> None:
    document = Document(io.BytesIO(docx(report)))
    paragraphs = document.paragraphs
    title = paragraphs[0]
    assert title.text == report["title"] == "某市测试局2025年政府信息公开工作年度报告"
    assert title.alignment == 1 and title.runs[0].bold  # centred, bold
    assert title.runs[0]._element.xpath("string(w:rPr/w:rFonts/@w:eastAsia)") == "方正小标宋简体"
    assert paragraphs[1].text == "草稿"
    heading_fonts = document.styles["Heading 1"].element.xpath("w:rPr/w:rFonts")[0]
    assert heading_fonts.get(qn("w:eastAsia")) == "黑体" and heading_fonts.get(qn("w:eastAsiaTheme")) is None
    headings = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [s["title"] for s in report["sections"]] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    texts = [p.text for p in paragraphs]
    assert texts[texts.index("一、总体情况") + 1: texts.index("一、总体情况") + 3] == ["本年度共收到申请。", "第二段。"]
    assert "部分答复超期。" in texts and "无。" in texts
    section = document.sections[0]
    width, height = section.page_width or 0, section.page_height or 0
    assert abs(width - Mm(210)) < Mm(1) and abs(height - Mm(297)) < Mm(1)  # A4
    assert section.orientation == WD_ORIENT.PORTRAIT
    published = Document(io.BytesIO(docx(_report("published"))))
    assert "草稿" not in [p.text for p in published.paragraphs]


# (2) XLSX

def _xlsx_spans(sheet: Any, top: int = 2) -> Spans:
    """The grid from row `top`: each merged range at its top-left, every other cell on its own; the covered
    cells of a merged range hold nothing."""
    merged = {(m.min_row, m.min_col): m for m in sheet.merged_cells.ranges if m.min_row >= top}
    covered = {(r, c) for m in merged.values() for r in range(m.min_row, m.max_row + 1)
               for c in range(m.min_col, m.max_col + 1)} - set(merged)
    spans: Spans = {}
    for row in sheet.iter_rows(min_row=top):
        for cell in row:
            place = (cell.row, cell.column)
            if place in covered:
                assert cell.value is None
                continue
            m = merged.get(place)
            rowspan, colspan = (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1) if m else (1, 1)
            spans[(cell.row - top, cell.column - 1)] = (rowspan, colspan, _printed(cell.value))
    return spans


def test_xlsx_prints_every_cell_label_and_merge(report: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx(report)))
    assert book.sheetnames == ["正文", "表二", "表三", "表四"]
    for name, expected in zip(("表二", "表三", "表四"), _expected(report), strict=True):
        sheet = book[name]
        assert _xlsx_spans(sheet) == expected
        assert sheet["A1"].value == {"表二": "二、主动公开政府信息情况", "表三": "三、收到和处理政府信息公开申请情况",
                                     "表四": "四、政府信息公开行政复议、行政诉讼情况"}[name]
    three = book["表三"]
    assert "D2:J2" in {str(m) for m in three.merged_cells.ranges} and "A7:A28" in {str(m) for m in three.merged_cells.ranges}
    assert three["D5"].value == report["tables"]["three"]["一"]["natural_person"] and three["D5"].data_type == "n"
    two = book["表二"]
    assert two["B11"].value is None and two["B8"].value == 0 and two["B8"].data_type == "n"  # 处罚 blank; 许可 0
    assert two["B15"].value == "12.3456"  # 万元 as given
    text = [c.value for c in book["正文"]["A"]]
    assert text[:2] == [report["title"], "草稿"] and "本年度共收到申请。" in text and "六、其他需要报告的事项" in text


# (3) CSV

def _parsed(value: str) -> Any:
    return None if value == "" else int(value) if value.isdigit() else value


def test_csv_parses_back_to_the_tables(report: dict[str, Any]) -> None:
    data = csv_bytes(report)
    assert data.startswith(b"table,row,row_label,column,column_label,value\n")  # UTF-8, no BOM, as api/reports
    lines = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    for line in lines:
        tables.setdefault(line["table"], {}).setdefault(line["row"], {})[line["column"]] = _parsed(line["value"])
    assert tables == report["tables"]
    assert len(lines) == 6 + 1 + 2 + 1 + 25 * 7 + 15
    by_cell = {(x["table"], x["row"], x["column"]): x for x in lines}
    assert by_cell[("two", "penalties", "decisions")]["value"] == ""  # not entered: blank
    assert by_cell[("two", "licensing", "decisions")]["value"] == "0"
    three = by_cell[("three", "（三）1", "commercial")]
    assert (three["row_label"], three["column_label"]) == ("三、本年度办理结果 （三）不予公开 1.属于国家秘密", "商业企业")
    assert by_cell[("two", "fees", "amount")]["row_label"] == "第二十条第（八）项 行政事业性收费"
    assert by_cell[("four", "litigation_direct", "pending")]["row_label"] == "行政诉讼 未经复议直接起诉"


# (4) HTML

class _Page(HTMLParser):
    """The page's tables as rows of (tag, rowspan, colspan, text), its <title>, <p> texts and start tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int, str]]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {"title": [], "p": []}
        self._cell: list[Any] | None = None
        self._text: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = [tag, int(a.get("rowspan") or 1), int(a.get("colspan") or 1), ""]
        elif tag in self.texts:
            self._text = tag
            self.texts[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(tuple(self._cell))  # type: ignore[arg-type]
            self._cell = None
        elif tag == self._text:
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[3] += data
        elif self._text is not None:
            self.texts[self._text][-1] += data


def _html_spans(rows: list[list[tuple[str, int, int, str]]]) -> Spans:
    """HTML's table model: each cell takes the first grid place its row leaves free."""
    taken: set[tuple[int, int]] = set()
    spans: Spans = {}
    for r, row in enumerate(rows):
        c = 0
        for _, rowspan, colspan, text in row:
            while (r, c) in taken:
                c += 1
            spans[(r, c)] = (rowspan, colspan, text)
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
    return spans


def test_html_prints_every_cell_label_and_merge(report: dict[str, Any]) -> None:
    page = _Page()
    page.feed(html(report))
    assert len(page.tables) == 3
    for rows, expected in zip(page.tables, _expected(report), strict=True):
        assert _html_spans(rows) == expected
    values = [cell for row in page.tables[1] for cell in row if cell[0] == "td"]
    assert len(values) == 25 * 7  # the values in <td>, the labels in <th>
    assert page.texts["title"] == [report["title"] + "（草稿）"]
    assert ("html", {"lang": "zh-CN"}) in page.tags
    assert not [t for t, a in page.tags if t in ("script", "link", "img", "iframe") or "style" in a or "src" in a]
    assert "本年度共收到申请。" in page.texts["p"] and "草稿：本报告尚未公开发布" in page.texts["p"]
    document = html(report)
    assert "@page" in document and "A4" in document and "page-break-inside: avoid" in document
    assert "Noto Sans CJK SC" in document and "http" not in document
    published = _Page()
    published.feed(html(_report("published")))
    assert not [p for p in published.texts["p"] if "草稿" in p] and published.texts["title"] == [report["title"]]


# (4) text typed by people is inert everywhere; (5) blank and zero

def test_typed_text_is_inert_in_html_xlsx_and_csv() -> None:
    report = _report(narrative=f"{SCRIPT}\n{DDE}", fee=DDE)
    page = _Page()
    page.feed(html(report))
    assert "script" not in [t for t, _ in page.tags]
    assert SCRIPT in page.texts["p"] and DDE in page.texts["p"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(report)
    book = openpyxl.load_workbook(io.BytesIO(xlsx(report)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    typed = [c for c in cells if c.value == DDE]
    assert len(typed) == 2 and all(c.data_type == "s" and c.quotePrefix for c in typed)  # 正文 and 表二's fee
    assert SCRIPT in [c.value for c in book["正文"]["A"]]
    lines = list(csv.DictReader(io.StringIO(csv_bytes(report).decode())))
    fee = next(x for x in lines if x["row"] == "fees")
    assert fee["value"] == "'" + DDE
    assert not [x for x in lines if any(v.startswith(("=", "+", "-", "@")) for v in x.values())]


def test_blank_entries_print_blank_and_zeros_print_zero(report: dict[str, Any]) -> None:
    assert report["tables"]["two"]["penalties"]["decisions"] is None and report["tables"]["two"]["licensing"]["decisions"] == 0
    assert report["tables"]["three"]["（三）3"]["total"] == 0
    two_docx = Document(io.BytesIO(docx(report))).tables[0]
    assert [two_docx.cell(r, 1).text for r in (6, 9, 10)] == ["0", "", ""]  # 许可 0; 处罚、强制 not entered
    assert Document(io.BytesIO(docx(report))).tables[1].cell(9, 9).text == "0"  # （三）3 总计
    page = _Page()
    page.feed(html(report))
    assert [page.tables[0][r][1][3] for r in (6, 9, 10)] == ["0", "", ""]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx(report)))["表三"]
    assert sheet["J11"].value == 0 and sheet["J11"].data_type == "n"
