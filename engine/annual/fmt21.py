"""The layout of the national format of 2021 (FMT21, 国办公开办函〔2021〕30号; applications.md §3), printed
exactly: the six section titles, Table 二's four blocks, Table 三's columns and rows, Table 四's groups.

Table 三's result rows come from the outcome table (data/applications/outcomes.yaml), the one mapping of
outcomes to rows that the lifecycle and the letters also read, so a row can never be counted under one name
and printed under another. Reports keep the format they were made in (`FORMAT` is stored with each).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.applications.case_results import KIND_LABELS, CaseKind
from engine.applications.cases import COLUMN_LABELS as CASE_COLUMN_LABELS
from engine.applications.cases import COLUMNS as CASE_COLUMNS
from engine.applications.outcomes import FORMAT as OUTCOME_FORMAT
from engine.applications.outcomes import OutcomeTable, default_table

FORMAT = "FMT21"
FORMAT_NAME = "国办公开办函〔2021〕30号"
FIRST_YEAR = 2021  # reports for 2019 and 2020 used the trial format 国办公开办函〔2019〕60号 (FMT19)
assert OUTCOME_FORMAT == FORMAT

# 条例第五十条: the six sections, titled exactly (applications.md §3); the narrative ones are written by the office.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("cases", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)
NARRATIVE = ("overview", "problems", "other")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str | None = None  # a header spanning several columns (法人或其他组织)


@dataclass(frozen=True)
class Block:
    """One block of Table 二: its caption (the article's item), its columns and its rows (key, label)."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, str], ...]
    manual: bool  # entered by hand from other systems (行政许可/处罚/强制, fee income), not counted here


# Table 二 主动公开政府信息情况 (applications.md §3.1)
INSTRUMENT_COLUMNS = (Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"), Column("in_force", "现行有效件数"))
DECISIONS = (Column("decisions", "本年处理决定数量"),)
FEE_AMOUNT = (Column("amount", "本年收费金额（单位：万元）"),)
TABLE_TWO: tuple[Block, ...] = (
    Block("第二十条第（一）项", INSTRUMENT_COLUMNS, (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
          manual=False),
    Block("第二十条第（五）项", DECISIONS, (("licensing", "行政许可"),), manual=True),
    Block("第二十条第（六）项", DECISIONS, (("penalties", "行政处罚"), ("coercion", "行政强制")), manual=True),
    Block("第二十条第（八）项", FEE_AMOUNT, (("fees", "行政事业性收费"),), manual=True),
)
TABLE_TWO_HEADER = "信息内容"
MANUAL_ROWS: dict[str, str] = {key: block.columns[0].key for block in TABLE_TWO if block.manual for key, _ in block.rows}
ROW_LABELS_TWO: dict[str, str] = {key: label for block in TABLE_TWO for key, label in block.rows}

# Table 三 收到和处理政府信息公开申请情况 (applications.md §3.2): 自然人, the five kinds of 法人或其他组织, 总计.
# No subtotal column for 法人或其他组织: the national table has none.
ORGANISATIONS = "法人或其他组织"
THREE_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业", ORGANISATIONS),
    Column("research", "科研机构", ORGANISATIONS),
    Column("public_welfare", "社会公益组织", ORGANISATIONS),
    Column("legal_services", "法律服务机构", ORGANISATIONS),
    Column("other", "其他", ORGANISATIONS),
    Column("total", "总计"),
)
APPLICANT_COLUMNS = tuple(c.key for c in THREE_COLUMNS[:-1])
TOTAL = "total"
THREE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
THREE_SPAN = "申请人情况"
RESULTS_LABEL = "三、本年度办理结果"
GROUP_LABELS = {"（三）": "（三）不予公开", "（四）": "（四）无法提供", "（五）": "（五）不予处理", "（六）": "（六）其他处理"}
NEW, CARRIED_IN, SUM, CARRIED_OUT = "一", "二", "（七）", "四"


@dataclass(frozen=True)
class ThreeRow:
    """A data row of Table 三. `section` is 三、本年度办理结果 for the result rows; `group` the group label
    of （三）–（六） (no subtotal row of its own); `item` what is printed in the row's last label cell."""

    code: str
    label: str
    section: str | None = None
    group: str | None = None
    item: str | None = None


def three_rows(outcomes: OutcomeTable | None = None) -> tuple[ThreeRow, ...]:
    """The 25 data rows in order: 一, 二, the 21 result rows, （七）总计, 四.

    Examples:
        >>> rows = three_rows()
        >>> len(rows), rows[4].group, rows[4].item
        (25, '（三）不予公开', '1.属于国家秘密')
    """
    table = outcomes or default_table()
    rows = [ThreeRow(NEW, "一、本年新收政府信息公开申请数量"), ThreeRow(CARRIED_IN, "二、上年结转政府信息公开申请数量")]
    for row in table.rows:
        group = GROUP_LABELS.get(row.code[:3]) if len(row.code) > 3 else None
        item = row.label[3:] if group else row.label
        rows.append(ThreeRow(row.code, row.label, RESULTS_LABEL, group, item))
    rows.append(ThreeRow(SUM, "（七）总计", RESULTS_LABEL, None, "（七）总计"))
    rows.append(ThreeRow(CARRIED_OUT, "四、结转下年度继续办理"))
    return tuple(rows)


def result_codes(outcomes: OutcomeTable | None = None) -> tuple[str, ...]:
    return tuple(row.code for row in (outcomes or default_table()).rows)


# Table 四 政府信息公开行政复议、行政诉讼情况 (applications.md §3.3): three groups of five.
FOUR_GROUPS: tuple[tuple[str, str, str], ...] = tuple(
    (k.value, KIND_LABELS[k].split()[-1], "行政复议" if k == CaseKind.RECONSIDERATION else "行政诉讼") for k in CaseKind)
FOUR_COLUMNS: tuple[Column, ...] = tuple(Column(c, CASE_COLUMN_LABELS[c]) for c in CASE_COLUMNS)


DEFAULT_DEADLINE = "01-31"  # 条例第四十九条第一款: a department's report; "03-31" for a local government's


def deadline(year: int, month_day: str = DEFAULT_DEADLINE) -> dt.date:
    """The day the report for `year` is published by: `month_day` ("MM-DD") of the next year.

    Examples:
        >>> deadline(2025), deadline(2025, "03-31")
        (datetime.date(2026, 1, 31), datetime.date(2026, 3, 31))
    """
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year + 1, month, day)


def report_title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


class FormatError(ValueError):
    """A year this service cannot report in a format it knows; the message says why and what to do."""


def check_year(year: int, today_year: int) -> None:
    """A year before FMT21 is refused with the reason; so is a year that has not begun."""
    if year < FIRST_YEAR:
        raise FormatError(f"the report for {year} uses the trial format of 2019 (国办公开办函〔2019〕60号, for the 2019 "
                          f"and 2020 reports), which this service does not render: it renders the format of 2021 "
                          f"({FORMAT_NAME}) for {FIRST_YEAR} onward")
    if year > today_year:
        raise FormatError(f"{year} has not begun: a report covers a year from 1 January to 31 December")
