"""Cells a spreadsheet must not run: formula injection ("CSV injection", OWASP).

A title, division, reason or instruction is typed by people outside the office that opens the export.
Excel, LibreOffice and WPS read a cell that begins with = + - or @ (also after spaces, also the
full-width ＝＋－＠ an IME types, and a leading tab or carriage return) as a formula, and a formula
can open a link (=HYPERLINK) or start a program (=cmd|' /C calc'!A0, DDE). Both writers ask this
module: the CSV writer (api/reports/registry.table_csv) puts an apostrophe before such a cell, as OWASP
advises, so the spreadsheet shows it as text; the XLSX writer (api/reports/xlsx.py) stores it as a text cell,
never as a formula. Only text is touched: numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

from typing import Any

# What a formula may begin with, half- and full-width; \t and \r only as the very first character
# (Excel trims leading spaces before it looks for the others).
_START = frozenset("=+-@＝＋－＠")
_CONTROL_START = ("\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Whether a spreadsheet would read `value` as a formula (text only; numbers never).

    >>> looks_like_formula('=HYPERLINK("http://x","y")'), looks_like_formula("  ＠SUM(1)"), looks_like_formula(-7)
    (True, True, False)
    >>> looks_like_formula("关于=号的说明"), looks_like_formula("\\t1")
    (False, True)
    """
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(_CONTROL_START):
        return True
    first = value.lstrip()[:1]
    return bool(first) and first in _START


def text_cell(value: Any) -> Any:
    """A CSV cell: text that looks like a formula behind an apostrophe; anything else as it is.

    >>> text_cell("@SUM(1+1)"), text_cell("法规处"), text_cell(-1)
    ("'@SUM(1+1)", '法规处', -1)
    """
    return f"'{value}" if looks_like_formula(value) else value
