"""The 申请登记回执 of a registered application through the API, as DOCX (read back with python-docx), as
printable HTML and as JSON, with the agency's letter settings configured."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from api.settings import Settings
from tests.service.conftest import Api
from tests.service.test_applications import registered


@pytest.fixture
def settings(database_url: str, model_dir: Path, audit_key_file: Path) -> Settings:
    return Settings(database_url=database_url, model=model_dir, agency_code="11010000", audit_key_file=audit_key_file,
                    agency_name="北京市某某委员会", contact_person="王联络", contact_phone="010-87654321",
                    review_authority="北京市人民政府", court="北京市第四中级人民法院",
                    progress_query="https://www.example.gov.cn/ysqgk 查询码 A7K2")


def test_the_receipt_renders_as_docx_html_and_json(api: Api) -> None:
    case = registered(api, "2025-09-26")
    office = api.as_("office")
    letter = office.get(f"/v1/applications/{case['id']}/receipt").json()
    text = "".join(letter["paragraphs"])
    assert "〔2025〕第0001号" in text and "2025年10月30日" in text and "2025年9月26日" in text
    assert letter["title"].startswith("北京市某某委员会")
    docx = office.get(f"/v1/applications/{case['id']}/receipt", params={"output": "docx"})
    assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxml")
    paragraphs = "".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "〔2025〕第0001号" in paragraphs and "申请人签收" in paragraphs  # handed in: the signature line
    html = office.get(f"/v1/applications/{case['id']}/receipt", params={"output": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "〔2025〕第0001号" in html.text and "2025年10月30日" in html.text
    assert api.as_("supervisor").get(f"/v1/applications/{case['id']}/receipt").status_code == 200
