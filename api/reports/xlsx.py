"""Tables to an XLSX workbook, one sheet per table, Chinese headers in bold on a frozen first row.

openpyxl's write-only mode streams rows to the file instead of building a cell object per value: a
100k-row sheet takes seconds and little memory (bench/reports_bench.py).

openpyxl stores a str that starts with "=" as a formula (and "#N/A" and the like as an error value):
every cell of text that looks like a formula (api/reports/cells.py) is written as a text cell instead, with
Excel's quote prefix, so that it stays text even when someone edits it.
"""

from __future__ import annotations

import io
import re
from typing import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from api.reports.cells import looks_like_formula
from api.reports.tables import Table

# Excel refuses these in sheet names, and control characters in cells (a reason typed with a stray
# control character must not make the whole workbook unreadable).
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_WIDTH = 60


def workbook(tables: Iterable[Table]) -> bytes:
    book = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.name, used))
        sheet.freeze_panes = "A2"
        rows = [[_clean(v) for v in values] for values in table.values()]
        for index, header in enumerate(table.headers):
            width = max([_width(header)] + [_width(row[index]) for row in rows[:500]])
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, width + 2)
        sheet.append([_header(sheet, h) for h in table.headers])
        for row in rows:
            sheet.append([_text(sheet, v) if looks_like_formula(v) or v in _ERRORS else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, text: str) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(vertical="center")
    return cell


_ERRORS = frozenset(ERROR_CODES)


def _text(sheet, value: str) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    """A cell that holds `value` as text, whatever it looks like (openpyxl would store "=…" as a formula)."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("_", name)[:31] or "表"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base[:28]}({n})"
    used.add(candidate)
    return candidate


def _clean(value: object) -> object:
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _width(value: object) -> int:
    """Display width: a CJK character takes two columns."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text[:MAX_WIDTH])

