"""The report as a file, in the national layout: DOCX (python-docx, the tables with their merged headers),
XLSX (openpyxl), CSV (every printed cell) and a self-contained HTML page that prints well."""

from __future__ import annotations

from typing import Any

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def render(report: dict[str, Any], fmt: str) -> bytes:
    if fmt == "docx":
        from api.annual.docx_writer import docx
        return docx(report)
    if fmt == "xlsx":
        from api.annual.xlsx_writer import xlsx
        return xlsx(report)
    if fmt == "csv":
        from api.annual.csv_writer import csv_bytes
        return csv_bytes(report)
    if fmt == "html":
        from api.annual.html_writer import html
        return html(report).encode()
    raise ValueError(f"unknown format {fmt!r}: one of json, {', '.join(MEDIA_TYPES)}")
