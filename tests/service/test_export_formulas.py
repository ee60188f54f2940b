"""Formula injection (CSV injection, OWASP): a title, division or reason typed to look like a formula
stays text in every export. CSV cells get a leading apostrophe; XLSX cells are written as text, never
as formulas. Through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pytest

from api.reports.cells import looks_like_formula, text_cell
from api.reports.registry import table_csv
from api.reports.tables import Table
from api.reports.xlsx import workbook
from tests.service.conftest import Api, sample_documents

TITLE = '=HYPERLINK("http://evil","点击")'
DIVISION = "@SUM(1+1)"
REASON = "+cmd|' /C calc'!A0"
WAITING = "  ＝1+1 待审"  # leading spaces, full-width equals sign
TRIGGERS = tuple("=+-@＝＋－＠")


def _dangerous(cell: str) -> bool:
    """What a spreadsheet would run, checked independently of api/reports/cells.py."""
    return cell[:1] in ("\t", "\r") or cell.lstrip().startswith(TRIGGERS)


@pytest.mark.parametrize(("value", "formula"), [
    ("=1+1", True), ("+1", True), ("-1+2", True), ("@SUM(A1)", True), ("\t=1", True), ("\r=1", True),
    ("  =1+1", True), ("\u3000=1", True), ("＝1+1", True), ("＋1", True), ("－1", True), ("＠A1", True),
    (" ＠A1", True), ("关于=的通知", False), ("a-b", False), ("", False), ("   ", False), ("2026-11-02", False),
    (-7, False), (-0.5, False), (None, False), (True, False),
], ids=lambda v: repr(v))
def test_what_looks_like_a_formula(value: Any, formula: bool) -> None:
    assert looks_like_formula(value) is formula
    assert text_cell(value) == (f"'{value}" if formula else value)


def test_writers_keep_numbers_and_text_apart() -> None:
    table = Table("t", (("n", "数"), ("s", "文")), [{"n": -7, "s": "-7"}, {"n": -0.25, "s": TITLE}])
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows[1:] == [["-7", "'-7"], ["-0.25", f"'{TITLE}"]]  # a negative number stays a number
    cells = _xlsx_cells(workbook([table]))
    assert cells["t"][1:] == [[(-7, "n"), ("-7", "s")], [(-0.25, "n"), (TITLE, "s")]]


def _enter(api: Api, title: str, division: str) -> dict[str, Any]:
    doc = {k: v for k, v in sample_documents()[0].items() if k != "id"}
    r = api.as_("clerk").post("/v1/entries", json={**doc, "title": title, "division": division,
                                                    "closed_on": "2025-01-02"})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _download(api: Api, role: str, path: str, **params: Any) -> bytes:
    r = api.as_(role).get(path, params=params)
    assert r.status_code == 200, (path, params, r.text)
    return r.content


def _csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8"))) for cell in row]


def _xlsx_cells(content: bytes) -> dict[str, list[list[tuple[Any, str]]]]:
    """Every sheet's cells as (value, data_type), read back with openpyxl; and no <f> in the sheets' XML."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >/]", archive.read(name)), f"a formula in {name}"
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
            for sheet in book.worksheets}


def test_formula_like_text_stays_text_in_every_export(api: Api) -> None:
    entry = _enter(api, TITLE, DIVISION)
    assert entry["suggestion"]["suggestion"]["secrecy"]["value"] == "none"  # so that office may read the title
    item = entry["id"]
    assert api.as_("secrecy_reviewer").post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none"}).status_code == 200
    r = api.as_("disclosure_reviewer").post(f"/v1/items/{item}/disclosure_review", json={
        "category": "on_request", "exemption": None, "column": "other", "reason": REASON})
    assert r.status_code == 200, r.text
    _enter(api, WAITING, DIVISION)  # waits at secrecy review

    lists = [("office", "/v1/items", {}), ("supervisor", "/v1/reviews", {}), ("office", "/v1/stores/on_request", {}),
             ("secrecy_reviewer", "/v1/queues/secrecy_review", {})]
    reports = [("office", "/v1/reports/statistics", {}), ("supervisor", "/v1/reports/supervision", {}),
               ("rule_author", "/v1/reports/accuracy", {}),
               ("rule_author", "/v1/reports/accuracy/items", {"field": "category", "correct": "false"})]
    seen_csv: set[str] = set()
    seen_xlsx: set[Any] = set()
    for role, path, params in lists + reports:
        cells = _csv_cells(_download(api, role, path, format="csv", **params))
        assert not [c for c in cells if _dangerous(c)], (path, [c for c in cells if _dangerous(c)])
        seen_csv.update(cells)
        for sheet in _xlsx_cells(_download(api, role, path, format="xlsx", **params)).values():
            for row in sheet:
                assert not [c for c in row if c[1] == "f"], (path, row)
                seen_xlsx.update(value for value, _ in row)
    # The text itself is kept: with its apostrophe in CSV, as it was typed in XLSX.
    assert {f"'{TITLE}", f"'{DIVISION}", f"'{REASON}", f"'{WAITING}"} <= seen_csv
    assert {TITLE, DIVISION, REASON, WAITING} <= seen_xlsx
