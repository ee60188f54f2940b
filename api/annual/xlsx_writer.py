"""The annual report (engine/annual/report.build) as an XLSX workbook: a sheet 正文 with the title and the six
sections, and one sheet for each table (表二, 表三, 表四) in the national layout of 2021 (国办公开办函〔2021〕30号),
merged cells included (api/annual/grid.py), so that a superior office can check and total the figures.

openpyxl's normal mode, not the write-only mode the other reports stream with (api/reports/xlsx.py): merged
cells need it, and a report is a few hundred cells. Counts are numbers; the fee amount in 万元 is printed as
given (a decimal string: a float could change its digits). The narrative is typed by people: text a
spreadsheet would read as a formula (api/reports/cells.py) is stored as a text cell with Excel's quote prefix,
an error code (#N/A) as text too, and control characters Excel cannot hold are dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ERROR_CODES, Cell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.page import PageMargins  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from api.annual.grid import DRAFT, SECTION_TABLES, SHEET_NAMES, Grid, grids, is_draft, paragraphs
from api.reports.cells import looks_like_formula

TEXT_SHEET = "正文"
TOP = 2  # a table's grid starts on row 2, under its section title
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ERRORS = frozenset(ERROR_CODES)
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Column widths (characters): Table 三's label columns carry long items.
WIDTHS = {"two": (24, 18, 18, 18), "three": (6, 12, 40) + (10,) * 7, "four": (10,) * 15}


def xlsx(report: Mapping[str, Any]) -> bytes:
    """The report as the bytes of an .xlsx file."""
    book = Workbook()
    text = book.active
    assert text is not None  # a new workbook has one sheet
    text.title = TEXT_SHEET
    _text_sheet(text, report)
    titles = {section["key"]: section["title"] for section in report["sections"]}
    section_of = {table: key for key, table in SECTION_TABLES.items()}
    for key, grid in grids(report).items():
        _table_sheet(book.create_sheet(SHEET_NAMES[key]), grid, titles.get(section_of[key], SHEET_NAMES[key]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_sheet(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    """The title, 草稿 until published, then each section's title and its paragraphs, one a row."""
    sheet.column_dimensions["A"].width = 100
    lines: list[tuple[str, Font]] = [(report["title"], Font(bold=True, size=16))]
    if is_draft(report):
        lines.append((DRAFT, Font(bold=True, color="C00000")))
    for section in report["sections"]:
        lines.append((section["title"], Font(bold=True)))
        lines += [(text, Font()) for text in paragraphs(section["text"])]
    for row, (value, font) in enumerate(lines, start=1):
        cell = _put(sheet, row, 1, value)
        cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _table_sheet(sheet: Worksheet, grid: Grid, title: str) -> None:
    """The section title across the table, then the grid from row TOP with its merges, every cell bordered;
    printed on A4 portrait, fitted to the page width, header rows repeated."""
    _put(sheet, 1, 1, title).font = Font(bold=True, size=12)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
    for index, width in enumerate(WIDTHS.get(grid.table, (12,) * grid.width), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in range(TOP, TOP + grid.height):
        for col in range(1, grid.width + 1):
            sheet.cell(row, col).border = BORDER
    for cell in grid.cells:
        target = _put(sheet, TOP + cell.row, 1 + cell.col, cell.text)
        target.font = Font(bold=cell.kind in ("header", "caption"))
        horizontal = "left" if cell.kind in ("label", "caption") else "center"
        target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    for cell in grid.merged():
        sheet.merge_cells(start_row=TOP + cell.row, start_column=1 + cell.col,
                          end_row=TOP + cell.row + cell.rowspan - 1, end_column=cell.col + cell.colspan)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.6, right=0.6, top=0.8, bottom=0.8)
    if grid.header_rows:
        sheet.print_title_rows = f"{TOP}:{TOP + grid.header_rows - 1}"


def _put(sheet: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write `value`; text that looks like a formula or an error code stays text (api/reports/cells.py)."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
    cell = sheet.cell(row, col)
    cell.value = value
    if isinstance(value, str) and (looks_like_formula(value) or value in _ERRORS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
