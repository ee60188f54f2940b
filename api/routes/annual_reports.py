"""The annual report (政府信息公开工作年度报告, 条例第四十九条、第五十条; issue 18): the year's report computed from the
registers with its checks, the office's narrative, entered cells and corrections, submission, and the report
as DOCX, XLSX, CSV and HTML (api/annual)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["annual report"])
