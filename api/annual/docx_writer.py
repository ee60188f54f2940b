"""The annual report (engine/annual/report.build) as DOCX, for the office that edits, prints and submits it
(条例第四十九条、第五十条; the national format of 2021, 国办公开办函〔2021〕30号).

A4 portrait; the title centred in bold 小标宋, a 草稿 line under it until the report is published; the six
section titles as headings in 黑体; the narrative in 仿宋 with a two-character first-line indent; the three
tables in the table grid style with the national format's merged cells (api/annual/grid.py), Table 三 and
Table 四 in 9 pt so that ten and fifteen columns fit the page. Word draws Chinese text with the run's East
Asian font (w:rFonts/@w:eastAsia), which python-docx's `font.name` does not set: it is set on every run, on
the Normal style and on the heading style, as the letters do (api/letters/docx_writer.py).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from api.annual.grid import DRAFT, SECTION_TABLES, Grid, grids, is_draft, paragraphs
from api.letters.docx_writer import NOT_XML

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)    # 二号
BODY_SIZE = Pt(16)     # 三号
TABLE_SIZE = {"two": Pt(10.5), "three": Pt(9), "four": Pt(9)}  # 五号; 小五 where ten or fifteen columns must fit
TEXT_WIDTH = 170       # mm: A4's 210 less margins of 20 mm each side
# Column widths in mm (each table 170 mm): Table 三's label columns carry long items, its data columns 13 mm.
WIDTHS = {"two": (50, 40, 40, 40), "three": (9, 18, 52) + (13,) * 7, "four": (170 / 15,) * 15}
BLACK = RGBColor(0, 0, 0)
DRAFT_RED = RGBColor(0xC0, 0, 0)


def docx(report: Mapping[str, Any]) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _page(document)
    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, report["title"], TITLE_FONT, TITLE_SIZE, bold=True)
    if is_draft(report):
        _run(_paragraph(document, WD_ALIGN_PARAGRAPH.CENTER), DRAFT, HEADING_FONT, BODY_SIZE, bold=True,
             color=DRAFT_RED)
    tables = grids(report)
    for section in report["sections"]:
        heading = document.add_heading(level=1)
        _run(heading, section["title"], HEADING_FONT, BODY_SIZE)
        if section["key"] in SECTION_TABLES:
            _table(document, tables[SECTION_TABLES[section["key"]]])
        for text in paragraphs(section["text"]):
            _run(_paragraph(document, indent=True), text, BODY_FONT, BODY_SIZE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: DocxDocument) -> None:
    """A4 portrait, 25 mm top and bottom, 20 mm left and right; Normal and Heading 1 with their East Asian
    fonts (the default template's heading names theme fonts, which Word would use instead), the heading in
    black (the template's is blue)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(25), Mm(25)
        section.left_margin = section.right_margin = Mm((210 - TEXT_WIDTH) / 2)
    for name, font in (("Normal", BODY_FONT), ("Heading 1", HEADING_FONT)):
        style = document.styles[name]
        style.font.name, style.font.size = LATIN_FONT, BODY_SIZE
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the font named beside it
    heading = document.styles["Heading 1"]
    heading.font.color.rgb, heading.font.bold = BLACK, False
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(6)


def _paragraph(document: DocxDocument, align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False) -> Paragraph:
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.line_spacing, layout.space_before, layout.space_after = Pt(28), Pt(0), Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        layout.first_line_indent = Pt(32)
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    return paragraph


def _run(paragraph: Paragraph, text: str, east_asian: str, size: Pt, *, bold: bool = False,
         color: RGBColor | None = None) -> None:
    run = paragraph.add_run(NOT_XML.sub("\ufffd", text))
    run.font.name, run.font.size, run.font.bold = LATIN_FONT, size, bold
    run.font.color.rgb = color or BLACK
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _table(document: DocxDocument, grid: Grid) -> Table:
    """The grid as a Word table: merged first (python-docx joins the text of the cells it merges), then
    written; header rows repeat on a new page and no row breaks across pages."""
    table = document.add_table(rows=grid.height, cols=grid.width)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    widths = [Mm(w) for w in WIDTHS.get(grid.table, (TEXT_WIDTH / grid.width,) * grid.width)]
    for index, column in enumerate(table.columns):
        column.width = widths[index]
    for row_index, row in enumerate(table.rows):
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
        _row_properties(row._tr, header=row_index < grid.header_rows)
    for cell in grid.merged():
        table.cell(cell.row, cell.col).merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
    rows = [row.cells for row in table.rows]  # once a row: table.cell() walks the whole table each call
    for cell in grid.cells:
        target = rows[cell.row][cell.col]
        align = WD_ALIGN_PARAGRAPH.LEFT if cell.kind in ("label", "caption") else WD_ALIGN_PARAGRAPH.CENTER
        _write(target, cell.printed, TABLE_SIZE.get(grid.table, Pt(9)), align, bold=cell.kind in ("header", "caption"))
    return table


def _row_properties(tr: Any, *, header: bool) -> None:
    """w:cantSplit on every row; w:tblHeader on the header rows (Word repeats them on each page)."""
    properties = tr.get_or_add_trPr()
    names = ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",)
    for name in names:
        properties.append(OxmlElement(name))


def _write(cell: _Cell, text: str, size: Pt, align: WD_ALIGN_PARAGRAPH, *, bold: bool) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    _run(paragraph, text, TABLE_FONT, size, bold=bold)
