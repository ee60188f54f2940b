"""The checks of the annual report (applications.md §3.4): for each of checks 1–12 a report that fails it (the
finding's level, number and the cells it names) and one that passes; T22 and T23 (§6); the figures quoted in
the narrative (check 9); and `report.build`, which publishes only a report without errors."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from engine.annual import fmt21, report
from engine.annual.checks import Context, Correction, Finding, run
from engine.annual.fmt21 import APPLICANT_COLUMNS, CARRIED_IN, CARRIED_OUT, NEW, SUM, TOTAL, result_codes
from engine.annual.narrative import chinese_number, number, quoted
from engine.annual.table_three import Application
from engine.applications.cases import Case, check_links

NP, COM = APPLICANT_COLUMNS[0], APPLICANT_COLUMNS[1]
D = dt.date.fromisoformat
WRITTEN = {"overview": "本年度，本机关认真贯彻落实《条例》。", "problems": "政府信息公开工作仍有不足。",
           "other": "无其他需要报告的事项。"}


def tables_t22() -> dict[str, Any]:
    """A report that passes every check: T22's Table 三 (一=100, 二=5, results 98, 四=7) in the 自然人 column,
    Table 二 with its entries, Table 四 with one case."""
    three = {code: {col: 0 for col in (*APPLICANT_COLUMNS, TOTAL)} for code in
             (NEW, CARRIED_IN, *result_codes(), SUM, CARRIED_OUT)}
    for code, n in ((NEW, 100), (CARRIED_IN, 5), ("（一）", 60), ("（二）", 10), ("（四）1", 28), (SUM, 98),
                    (CARRIED_OUT, 7)):
        three[code][NP] = three[code][TOTAL] = n
    four = {g: {c.key: 0 for c in fmt21.FOUR_COLUMNS} for g, _, _ in fmt21.FOUR_GROUPS}
    four["reconsideration"].update(maintained=1, total=1)
    two = {"regulations": {"issued": 1, "repealed": 0, "in_force": 3},
           "normative_documents": {"issued": 2, "repealed": 1, "in_force": 6},
           "licensing": {"decisions": 40}, "penalties": {"decisions": 0}, "coercion": {"decisions": 2},
           "fees": {"amount": Decimal("1.25")}}
    return {"two": two, "three": three, "four": four}


def last_year_t22() -> dict[str, Any]:
    """Last year's report as stored, consistent with tables_t22: its 四 is this year's 二 and Table 二 carries
    over (规章 2 + 1 − 0 = 3, 行政规范性文件 5 + 2 − 1 = 6)."""
    last = tables_t22()
    last["three"][CARRIED_OUT][NP] = last["three"][CARRIED_OUT][TOTAL] = 5
    last["two"]["regulations"]["in_force"], last["two"]["normative_documents"]["in_force"] = 2, 5
    return last


def registered(tables: dict[str, Any]) -> dict[str, Any]:
    """What the registers give for these tables: every computed cell (Table 二 block （一）, 三, 四)."""
    two = {row: dict(tables["two"][row]) for row in ("regulations", "normative_documents")}
    return {"two": two, "three": copy.deepcopy(tables["three"]), "four": copy.deepcopy(tables["four"])}


def check(tables: dict[str, Any], context: Context | None = None, **kw: Any) -> list[Finding]:
    """Run the checks; the register gives the tables as they are unless the context says otherwise."""
    ctx = context or Context(computed=registered(tables), narrative=kw.pop("narrative", WRITTEN), **kw)
    return run(tables, ctx, result_codes())


def only(findings: list[Finding], number: int) -> list[Finding]:
    return [f for f in findings if f.check == number]


def test_t22_passes_every_check() -> None:
    assert check(tables_t22()) == []


# Check 1: 一 + 二 = （七） + 四, every column.
def test_check_1_t22_with_four_6_is_the_balance_error() -> None:
    t = tables_t22()
    t["three"][CARRIED_OUT][NP] = t["three"][CARRIED_OUT][TOTAL] = 6
    found = check(t)
    assert [(f.level, f.check) for f in found] == [("error", 1), ("error", 1)]
    for f, col in zip(found, (NP, TOTAL), strict=True):
        assert "一+二≠（七）+四" in f.message and "105" in f.message and "104" in f.message
        assert set(f.cells) == {("three", row, col) for row in (NEW, CARRIED_IN, SUM, CARRIED_OUT)}


# Check 2: （七）总计 is the sum of the 22 result rows.
def test_check_2_sum_row_is_not_the_sum_of_the_result_rows() -> None:
    t = tables_t22()
    t["three"]["（三）4"][NP] = t["three"]["（三）4"][TOTAL] = 1
    found = check(t)
    assert [(f.level, f.check, f.cells) for f in found] == [
        ("error", 2, (("three", SUM, NP),)), ("error", 2, (("three", SUM, TOTAL),))]
    assert "99" in found[0].message


# Check 3: 总计 is the sum of the six applicant columns, every row.
def test_check_3_total_column_is_not_the_sum_of_the_applicant_columns() -> None:
    t = tables_t22()
    t["three"][NEW][COM] = 1
    t["three"][SUM][COM] = t["three"]["（一）"][COM] = 1  # the 商业企业 column balances, the 总计 column is stale
    assert [(f.check, f.cells) for f in only(check(t), 3)] == [
        (3, (("three", NEW, TOTAL),)), (3, (("three", "（一）", TOTAL),)), (3, (("three", SUM, TOTAL),))]
    assert {f.level for f in check(t)} == {"error"}


# Check 4: each group of Table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结.
def test_check_4_table_four_group_total() -> None:
    t = tables_t22()
    t["four"]["litigation_direct"]["total"] = 2
    found = check(t)
    assert [(f.level, f.check, f.cells) for f in found] == [("error", 4, (("four", "litigation_direct", "total"),))]
    assert "未经复议直接起诉" in found[0].message and "2" in found[0].message


# Check 5: non-negative integers (the fee amount a non-negative decimal); hand-entered cells entered.
@pytest.mark.parametrize(("table", "row", "col", "value"), [
    ("three", "（一）", NP, -1), ("three", NEW, COM, 1.0), ("three", CARRIED_IN, NP, True), ("four", "reconsideration",
    "pending", "1"), ("two", "licensing", "decisions", 2.5), ("two", "fees", "amount", Decimal("-0.5")),
    ("two", "fees", "amount", "十万"), ("two", "regulations", "issued", -3)])
def test_check_5_bad_cells(table: str, row: str, col: str, value: Any) -> None:
    t = tables_t22()
    t[table][row][col] = value
    found = only(check(t, Context(computed=registered(tables_t22()), narrative=WRITTEN)), 5)
    assert [(f.level, f.cells) for f in found] == [("error", ((table, row, col),))]
    assert "non-negative" in found[0].message


def test_check_5_fee_amount_may_be_a_decimal_or_an_integer() -> None:
    for amount in (Decimal("0"), Decimal("12.3456"), 3):
        t = tables_t22()
        t["two"]["fees"]["amount"] = amount
        assert check(t) == []


def test_check_5_hand_entered_cells_not_entered() -> None:
    t = tables_t22()
    t["two"]["penalties"]["decisions"] = None
    t["two"]["fees"]["amount"] = None
    found = check(t)
    assert [(f.level, f.check, f.cells) for f in found] == [
        ("error", 5, (("two", "penalties", "decisions"), ("two", "fees", "amount")))]
    assert "行政处罚" in found[0].message and "行政事业性收费" in found[0].message


def test_check_5_a_blank_table_three_cell_skips_the_arithmetic_instead_of_failing_it() -> None:
    t = tables_t22()
    t["three"][NEW][NP] = None
    found = check(t, Context(computed=registered(t), narrative=WRITTEN))
    assert [(f.check, f.cells) for f in found] == [(5, (("three", NEW, NP),))]


# Check 6 (T23): this year's 二 equals last year's 四, per column.
def test_check_6_t23_cross_year() -> None:
    assert check(tables_t22(), last_year=last_year_t22()) == []
    last = last_year_t22()
    last["three"][CARRIED_OUT][NP] = last["three"][CARRIED_OUT][TOTAL] = 6
    found = check(tables_t22(), last_year=last)
    assert [(f.level, f.check, f.cells) for f in found] == [
        ("error", 6, (("three", CARRIED_IN, NP),)), ("error", 6, (("three", CARRIED_IN, TOTAL),))]
    assert "5" in found[0].message and "6" in found[0].message
    assert check(tables_t22(), last_year={"two": last["two"]}) == []  # last year without its Table 三: nothing to compare


# Check 7: every computed cell as the register gives it, unless corrected with a reason against it.
def test_check_7_a_cell_changed_without_a_correction() -> None:
    register = registered(tables_t22())
    t = tables_t22()
    t["three"][NEW][NP] = t["three"][NEW][TOTAL] = 101
    t["three"][CARRIED_IN][NP] = t["three"][CARRIED_IN][TOTAL] = 4  # still balanced
    found = check(t, Context(computed=register, narrative=WRITTEN))
    assert [(f.level, f.check) for f in found] == [("error", 7)] * 4
    assert {f.cells for f in found} == {(("three", r, c),) for r in (NEW, CARRIED_IN) for c in (NP, TOTAL)}
    assert "101" in found[0].message and "100" in found[0].message


def test_check_7_a_cell_of_table_two_changed_without_a_correction() -> None:
    register = registered(tables_t22())
    t = tables_t22()
    t["two"]["regulations"]["in_force"] = 4
    found = check(t, Context(computed=register, narrative=WRITTEN))
    assert [(f.check, f.cells) for f in found] == [(7, (("two", "regulations", "in_force"),))]


def corrected_t22(reason: str = "一件申请登记两次，已合并", computed: int = 100) -> tuple[dict[str, Any], list[Correction]]:
    t = tables_t22()
    t["three"][NEW][NP] = t["three"][NEW][TOTAL] = 99
    t["three"][CARRIED_IN][NP] = t["three"][CARRIED_IN][TOTAL] = 6
    fixes = [Correction("three", r, c, v0, v, reason) for r, v0, v in ((NEW, computed, 99), (CARRIED_IN, 5, 6))
             for c in (NP, TOTAL)]
    return t, fixes


def test_check_7_a_correction_with_a_reason_passes() -> None:
    t, fixes = corrected_t22()
    assert check(t, Context(computed=registered(tables_t22()), corrections=fixes, narrative=WRITTEN)) == []


def test_check_7_a_correction_made_against_a_register_value_that_has_since_changed() -> None:
    t, fixes = corrected_t22(computed=102)  # corrected when the register said 102; it now says 100
    found = check(t, Context(computed=registered(tables_t22()), corrections=fixes, narrative=WRITTEN))
    assert [(f.level, f.check, f.cells) for f in found] == [("error", 7, (("three", NEW, NP),)),
                                                            ("error", 7, (("three", NEW, TOTAL),))]
    assert "102" in found[0].message and "now gives 100" in found[0].message


def test_check_7_a_correction_with_a_blank_reason() -> None:
    t, fixes = corrected_t22(reason="  ")
    found = check(t, Context(computed=registered(tables_t22()), corrections=fixes, narrative=WRITTEN))
    assert [(f.level, f.check) for f in found] == [("error", 7)] * 4
    assert all("reason" in f.message for f in found)


def test_check_7_applications_concluded_without_an_outcome() -> None:
    found = check(tables_t22(), unplaced=[12, 40])
    assert [(f.level, f.check, f.ids) for f in found] == [("error", 7, (12, 40))]
    assert "12, 40" in found[0].message


# Check 8 (warning): Table 二 carries over: 现行有效 = last year's + 本年制发 − 本年废止.
def test_check_8_table_two_carry_over() -> None:
    last = last_year_t22()
    last["two"]["normative_documents"]["in_force"] = 6  # 6 + 2 − 1 = 7, not 6 (规章 still 2 + 1 − 0 = 3)
    found = check(tables_t22(), last_year=last)
    assert [(f.level, f.check, f.cells) for f in found] == [
        ("warning", 8, tuple(("two", "normative_documents", c) for c in ("issued", "repealed", "in_force")))]
    assert "行政规范性文件" in found[0].message and "= 7" in found[0].message
    last["two"]["normative_documents"]["in_force"] = 5
    assert check(tables_t22(), last_year=last) == []


# Check 9 (warning): the figures quoted in the narrative match the tables and the fee ledger.
@pytest.mark.parametrize("text", [
    "本年度共收到政府信息公开申请100件，上年结转5件，办结98件，结转下年度继续办理7件。",
    "本年度共收到政府信息公开申请１００件，上年结转５件。",  # full-width
    "全年新收申请一百件，上年度结转五件，办结九十八件，结转下一年度七件。",  # Chinese numerals
    "被申请行政复议1件，被提起行政诉讼0件。",
    "本年度共收到政府信息公开申请100件，全年收到行政复议申请1件。",  # a 复议 application is not an application
    "本机关高度重视政府信息公开工作，认真落实各项要求。",  # quotes nothing
])
def test_check_9_figures_that_match(text: str) -> None:
    assert check(tables_t22(), narrative={**WRITTEN, "overview": text}) == []


@pytest.mark.parametrize(("text", "cells"), [
    ("本年度共收到政府信息公开申请120件。", (("three", NEW, TOTAL),)),
    ("本年度共收到政府信息公开申请１，１００件。", (("three", NEW, TOTAL),)),  # full-width, thousands separator
    ("办结九十七件。", (("three", SUM, TOTAL),)),
    ("上年结转4件。", (("three", CARRIED_IN, TOTAL),)),
    ("结转下年度继续办理8件。", (("three", CARRIED_OUT, TOTAL),)),
    ("被申请行政复议两件。", (("four", "reconsideration", "total"),)),
    ("被提起行政诉讼3件。", (("four", "litigation_direct", "total"), ("four", "litigation_after_reconsideration", "total"))),
])
def test_check_9_figures_that_do_not_match(text: str, cells: tuple[Any, ...]) -> None:
    for section in ("overview", "problems", "other"):
        found = check(tables_t22(), narrative={**WRITTEN, section: text})
        assert [(f.level, f.check, f.cells) for f in found] == [("warning", 9, cells)]
        assert text.rstrip("。") in found[0].message and dict(fmt21.SECTIONS)[section] in found[0].message


def test_check_9_thousands_separators_match_the_table() -> None:
    t = tables_t22()
    for row in (NEW, SUM):
        t["three"][row][NP] = t["three"][row][TOTAL] = t["three"][row][NP] + 1900
    t["three"]["（一）"][NP] = t["three"]["（一）"][TOTAL] = 1960
    assert check(t, narrative={**WRITTEN, "overview": "共收到政府信息公开申请2,000件，办结１，９９８件。"}) == []


@pytest.mark.parametrize(("text", "ledger", "ok"), [
    ("收取信息处理费300元。", "300", True),
    ("收取信息处理费0.03万元。", "300", True),  # 万元 → 元
    ("收取信息处理费0.03万元。", "0.03", False),
    ("共收取信息处理费1,250.50元。", "1250.5", True),
    ("收取信息处理费三百元。", "300", True),
    ("收取信息处理费三百元。", "310", False),
    ("本年度未收取信息处理费。", "0", True),  # = 0
    ("本年度未收取信息处理费。", "50", False),
    ("本年度没有收取任何信息处理费。", "50", False),
])
def test_check_9_fees_against_the_ledger(text: str, ledger: str, ok: bool) -> None:
    found = check(tables_t22(), narrative={**WRITTEN, "other": text}, fees_collected=Decimal(ledger))
    if ok:
        assert found == []
    else:
        assert [(f.level, f.check, f.cells) for f in found] == [("warning", 9, ())]
        assert f"{Decimal(ledger)} 元" in found[0].message and "六、其他需要报告的事项" in found[0].message


def test_numbers_as_the_narrative_writes_them() -> None:
    assert [number(t) for t in ("1,200", "１２０", "１，２００", "12.5", "一百二十", "两千零五", "三万四千")] == [
        Decimal(1200), Decimal(120), Decimal(1200), Decimal("12.5"), Decimal(120), Decimal(2005), Decimal(34000)]
    assert chinese_number("十") == 10 and chinese_number("一万零五百") == 10500 and chinese_number("件") is None
    # a 行政复议 application is read as a 复议 case, never as an application received
    assert [q.what for q in quoted({"overview": "全年收到行政复议申请2件。"})] == ["reconsideration"]
    assert [q.what for q in quoted({"overview": "行政诉讼案件办结3件。"})] == ["litigation"]


# Check 10 (warning): Table 四's cases and their applications.
def test_check_10_a_case_about_an_application_not_yet_concluded() -> None:
    cases = [Case(3, "reconsideration", D("2025-05-01"), "maintained", D("2025-07-01"), application_id=77)]
    found = check(tables_t22(), case_findings=check_links(cases, 2025, {77: None}))
    assert [(f.level, f.check, f.ids) for f in found] == [("warning", 10, (3,))]
    assert check(tables_t22(), case_findings=check_links(cases, 2025, {77: D("2025-03-01")})) == []


# Check 11 (warning): answers given late are reported in section 五.
@pytest.mark.parametrize(("problems", "warned"), [
    ("政府信息公开工作仍有不足。", True),
    ("个别申请答复超期，今后将加强督办。", False),
    ("有2件申请逾期答复。", False),
    ("个别申请未在法定期限内答复。", False),
    ("部分申请办理不及时。", False),
    ("申请人逾期未补正的，不再处理。", True),  # the applicant's lateness is not the agency's
    ("逾期未缴费的申请较多。", True),
])
def test_check_11_late_answers(problems: str, warned: bool) -> None:
    found = check(tables_t22(), narrative={**WRITTEN, "problems": problems}, overdue=[5, 9])
    if warned:
        assert [(f.level, f.check, f.ids) for f in found] == [("warning", 11, (5, 9))]
        assert "五、存在的主要问题及改进情况" in found[0].message
    else:
        assert found == []


def test_check_11_mentioned_elsewhere_than_section_five_still_warns() -> None:
    narrative = {**WRITTEN, "other": "个别申请答复超期。"}
    assert [f.check for f in check(tables_t22(), narrative=narrative, overdue=[5])] == [11]
    assert check(tables_t22(), narrative=WRITTEN, overdue=[]) == []


# Check 12 (error): the narrative sections are written (条例第五十条).
def test_check_12_narrative_not_written() -> None:
    found = check(tables_t22(), narrative={"overview": "本年度……", "problems": "  \n"})
    assert [(f.level, f.check) for f in found] == [("error", 12)]
    assert "五、存在的主要问题及改进情况" in found[0].message and "六、其他需要报告的事项" in found[0].message
    assert "一、总体情况" not in found[0].message


def test_errors_come_before_warnings_each_in_check_order() -> None:
    t = tables_t22()
    t["three"][CARRIED_OUT][NP] = t["three"][CARRIED_OUT][TOTAL] = 6
    found = check(t, narrative={"overview": "收到政府信息公开申请1件。"}, overdue=[1])
    assert [(f.level, f.check) for f in found] == [("error", 1), ("error", 1), ("error", 12), ("warning", 9),
                                                   ("warning", 11)]


# report.build: the report as published; publishable only without errors.
def registers() -> report.Registers:
    apps = [Application(1, NP, D("2025-02-01"), D("2025-02-20"), "disclosed"), Application(2, COM, D("2025-12-30"))]
    return report.Registers(applications=apps, fees_collected=Decimal(0))


def draft(**kw: Any) -> report.Draft:
    manual = {"licensing": {"value": 3, "source": "审批系统"}, "penalties": {"value": 0, "source": "执法系统"},
              "coercion": {"value": 0, "source": "执法系统"}, "fees": {"value": "0", "source": "财务"}}
    return report.Draft(**{"year": 2025, "agency": "某市某局", "sections": WRITTEN, "manual": manual, **kw})


def test_build_manual_cells_are_null_until_entered_and_block_publication() -> None:
    built = report.build(draft(manual={"licensing": {"value": 3}}), registers())
    assert built["tables"]["two"]["licensing"] == {"decisions": 3}
    assert built["tables"]["two"]["penalties"] == {"decisions": None}
    assert built["tables"]["two"]["fees"] == {"amount": None}
    assert built["publishable"] is False and built["errors"] == 1
    assert [(f["level"], f["check"]) for f in built["findings"]] == [("error", 5)]
    assert {"table": "two", "row": "coercion", "column": "decisions"} in built["findings"][0]["cells"]


def test_build_publishable_with_only_warnings() -> None:
    built = report.build(draft(), registers(), last_year=None)
    assert built["publishable"] is True and built["findings"] == []
    assert built["tables"]["three"][NEW][TOTAL] == 2 and built["tables"]["three"][CARRIED_OUT][COM] == 1
    warned = report.build(draft(), report.Registers(applications=registers().applications, overdue=[1]))
    assert (warned["publishable"], warned["errors"], warned["warnings"]) == (True, 0, 1)
    assert warned["findings"][0]["check"] == 11


def test_build_not_publishable_on_any_error() -> None:
    last = {"three": {CARRIED_OUT: {c: 1 for c in (*APPLICANT_COLUMNS, TOTAL)}}}
    built = report.build(draft(), registers(), last_year=last)
    assert built["publishable"] is False and {f["check"] for f in built["findings"]} == {6}
    unwritten = report.build(draft(sections={}), registers())
    assert unwritten["publishable"] is False and [f["check"] for f in unwritten["findings"]] == [12]


def test_build_applies_a_correction_and_checks_it() -> None:
    fix = [Correction("three", NEW, COM, 1, 0, ""), Correction("three", CARRIED_OUT, COM, 1, 0, "")]
    built = report.build(draft(corrections=fix), registers())
    assert built["tables"]["three"][NEW][COM] == 0 and built["computed"]["three"][NEW][COM] == 1
    assert built["publishable"] is False
    assert {(f["check"], f["cells"][0]["row"]) for f in built["findings"] if f["cells"]} >= {(7, NEW), (7, CARRIED_OUT)}
