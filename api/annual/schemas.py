"""The contract of the annual report's API: what the office sends (strict: unknown fields are 422) and what
the answers hold (every key the views write is here)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from api.responses import Out
from api.schemas import MAX_ID, without_nul

Narrative = Annotated[str, AfterValidator(without_nul), Field(max_length=50_000)]
Short = Annotated[str, AfterValidator(without_nul), Field(min_length=1, max_length=500)]
Version = Annotated[int, Field(ge=0, le=MAX_ID, description="the report's version as read (0: none yet): 409 if it moved")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SectionsIn(_In):
    """The title and the narrative sections; a field left out is left as it is."""

    title: Annotated[str, AfterValidator(without_nul), Field(max_length=200)] | None = None
    overview: Narrative | None = Field(None, description="一、总体情况")
    problems: Narrative | None = Field(None, description="五、存在的主要问题及改进情况")
    other: Narrative | None = Field(None, description="六、其他需要报告的事项")
    expected_version: Version | None = None


class EntryIn(_In):
    """A hand-entered cell of Table 二: a count, or the fee income in 万元 (a decimal, as text or number)."""

    value: Any = Field(description="行政许可/处罚/强制: a whole number; 行政事业性收费: 万元, e.g. \"12.5\"")
    source: Short = Field(description="where the figure comes from: the system or office that keeps it")
    expected_version: Version | None = None


class CorrectionIn(_In):
    """A computed cell set by hand, with the reason (audited); `value` null withdraws the correction."""

    table: Literal["two", "three", "four"]
    row: Annotated[str, Field(min_length=1, max_length=40)]
    column: Annotated[str, Field(min_length=1, max_length=40)]
    value: StrictInt | None = Field(None, description="the count to print; null: back to the register's")
    reason: Short
    expected_version: Version | None = None


class ReopenIn(_In):
    reason: Short


class SectionOut(Out):
    key: str
    title: str
    text: str | None


class FindingOut(Out):
    level: Literal["error", "warning"]
    check: int = Field(description="the check of applications.md §3.4 (12: narrative written; 0: the year is open)")
    message: str
    cells: list[dict[str, str]] = Field(description="the cells involved: {table, row, column}")
    ids: list[int] = Field(description="the applications or cases behind the finding, where there are some")


class ReportState(Out):
    """Where a year's report stands: draft, submitted (its item in review), published (its item in the
    proactive store), and the day it must be published by (条例第四十九条)."""

    status: Literal["draft", "submitted", "published"]
    version: int
    item_id: int | None
    item_status: str | None
    submitted_by: str | None
    submitted_at: str | None
    published_at: str | None
    deadline: str = Field(description="条例第四十九条: the day the report must be published by")


class AnnualReportOut(ReportState):
    """The year's report: the tables as they would be published, the cells the registers give and the ids
    behind each, the office's entries and corrections, the findings of the checks, and the layout."""

    year: int
    format: str
    format_name: str
    agency: str
    title: str
    scope: str
    sections: list[SectionOut]
    tables: dict[str, dict[str, dict[str, Any]]]
    computed: dict[str, dict[str, dict[str, int]]]
    sources: dict[str, dict[str, dict[str, list[int]]]]
    manual: dict[str, dict[str, Any]]
    corrections: list[dict[str, Any]]
    fees_collected: str = Field(description="信息处理费 paid in the year, 元 (the fee ledger)")
    findings: list[FindingOut]
    errors: int
    warnings: int
    publishable: bool
    layout: dict[str, Any]


class AnnualReportSummary(ReportState):
    year: int
    format: str
    title: str


class AnnualReportList(Out):
    reports: list[AnnualReportSummary]
