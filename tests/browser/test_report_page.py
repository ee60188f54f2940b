"""The statistics HTML report (GET /v1/reports/statistics?format=html) in a real Chromium, read with an office
token: its Chinese is drawn with a CJK font (not tofu), axe-core finds no serious or critical violation,
the service's policy refuses nothing on it, and printed to an A4 PDF its Chinese title is in the text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from engine.paths import PROJECT_ROOT
from tests.browser.helpers import axe_violations, pdf_text, print_pdf, screenshot
from tests.server_process import ServerProcess

pytestmark = pytest.mark.browser

REPORT = "/v1/reports/statistics?format=html"
SAMPLES = PROJECT_ROOT / "data" / "samples" / "closures.jsonl"


@pytest.fixture(scope="module")
def office(live_server: ServerProcess, token: Callable[..., str]) -> str:
    """The office's token, on a database holding six pushed sample documents, three of them reviewed."""
    docs = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()][:6]
    with live_server.client(token("document_system", "ds")) as http:
        ids = []
        for doc in docs:
            answer = http.post("/v1/closures", json=doc)
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
    with live_server.client(token("secrecy_reviewer", "sr")) as s, live_server.client(
            token("disclosure_reviewer", "dr")) as d:
        for item in ids[:3]:
            assert s.post(f"/v1/items/{item}/secrecy_review", json={"secrecy": "none", "reason": "核定"}).status_code == 200
            answer = d.post(f"/v1/items/{item}/disclosure_review", json={})
            assert answer.status_code == 200, answer.text
    return token("office", "office")


def _fonts_of(page: Any, selector: str) -> list[dict[str, Any]]:
    """The platform fonts Chromium really drew the element's text with (DevTools' CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return list(cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"])


def test_statistics_report_draws_chinese_with_a_cjk_font(open_page: Callable[..., Any], office: str) -> None:
    watched = open_page(REPORT, office)
    page = watched.page
    title = page.locator("h1").inner_text()
    assert "统计" in title, title
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '统计')")
    # fonts.check is true for any font with nothing to load, even one that is not installed: the real test is
    # which platform font Chromium drew the title with (a box glyph would come from another family).
    fonts = _fonts_of(page, "h1")
    assert fonts and all("CJK" in f["familyName"] for f in fonts), fonts  # no fallback box font anywhere
    box = page.locator("h1").bounding_box()
    assert box is not None and box["width"] > 20 * len(title) * 0.8, (box, title)  # full-width glyphs, drawn
    screenshot(page, "report-statistics")
    assert watched.csp_violations() == []
    assert watched.console_errors == [] and watched.page_errors == []


def test_statistics_report_has_no_serious_axe_violations(open_page: Callable[..., Any], office: str) -> None:
    page = open_page(REPORT, office, bypass_csp=True).page
    assert axe_violations(page) == []


def test_statistics_report_prints_to_pdf_with_its_chinese_title(open_page: Callable[..., Any], office: str,
                                                                 tmp_path: Path) -> None:
    page = open_page(REPORT, office).page
    title = page.locator("h1").inner_text().strip()
    pdf = print_pdf(page, tmp_path / "statistics.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert title in text.replace(" ", ""), text[:500]
