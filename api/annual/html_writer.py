"""The annual report (engine/annual/report.build) as one self-contained HTML page, laid out as the national
format of 2021 prints it (国办公开办函〔2021〕30号) and printable on A4 (条例第五十条; the page the proactive
store and the office show; api/templates/annual/report.html.j2).

Autoescaped: the narrative is typed by people, and a `<script>` in it prints as text. No script, no external
address, no style attribute (the page's <style> can be allowed by its hash, as the letters' and reports' are).
The tables' merged cells come from api/annual/grid.py, as the DOCX and XLSX files' do.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from api.annual.grid import DRAFT, SECTION_TABLES, grids, is_draft, paragraphs

TEMPLATE = "annual/report.html.j2"


def html(report: Mapping[str, Any]) -> str:
    """The report as an HTML page."""
    sections = [{"key": s["key"], "title": s["title"], "paragraphs": paragraphs(s["text"]),
                 "table": SECTION_TABLES.get(s["key"])} for s in report["sections"]]
    return _environment().get_template(TEMPLATE).render(
        title=report["title"], draft=DRAFT if is_draft(report) else None, sections=sections, grids=grids(report),
        published_at=report.get("published_at"))


@functools.cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("api", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)
