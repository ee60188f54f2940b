"""Table 四 counted from the case register (applications.md §3.3), its checks (§3.4 checks 4 and 10), and the
decisions-as-written table that gives each case its result group."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.applications.case_results import (
    CaseKind,
    CaseResult,
    CaseResultsError,
    UnknownDecision,
    default_results,
    parse_case_results,
)
from engine.applications.cases import COLUMNS, GROUPS, Case, Scope, check_links, check_totals, checks, table_four

R, LD, LA = "reconsideration", "litigation_direct", "litigation_after_reconsideration"
D = dt.date.fromisoformat

# A hand-counted register, read for 2025 (and 2024): filed across years, concluded across years, pending at the
# end of the year, concluded after it (pending for 2025), concluded on 31 December itself.
REGISTER = [
    Case(1, R, D("2025-02-10"), "corrected", D("2025-05-01")),
    Case(2, R, D("2025-03-01"), "maintained", D("2025-04-20")),
    Case(3, R, D("2024-11-03"), "other", D("2025-01-15")),  # earlier, concluded in 2025
    Case(4, R, D("2025-12-01"), "maintained", D("2026-01-10")),  # concluded after the year: pending for 2025
    Case(5, R, D("2025-06-01")),  # pending
    Case(6, R, D("2024-05-01"), "maintained", D("2024-08-01")),  # all in 2024
    Case(7, R, D("2024-10-01")),  # earlier, still pending: not counted again in 2025
    Case(8, LD, D("2025-01-20"), "corrected", D("2025-09-30")),
    Case(9, LD, D("2023-06-01"), "maintained", D("2025-03-03")),  # two years earlier, concluded in 2025
    Case(10, LD, D("2026-01-05")),  # filed after the year
    Case(11, LD, D("2025-07-07")),
    Case(12, LA, D("2025-05-10"), "other", D("2025-11-11"), reconsideration_id=2),
    Case(13, LA, D("2024-12-20"), "corrected", D("2025-12-31"), reconsideration_id=3),  # on the last day
    Case(14, LA, D("2025-12-31"), reconsideration_id=1),
    Case(15, LD, D("2024-03-01"), "maintained", D("2026-02-01")),  # pending all through 2025
]

EXPECTED_2025 = {
    R: {"maintained": [2], "corrected": [1], "other": [3], "pending": [4, 5], "total": [1, 2, 3, 4, 5]},
    LD: {"maintained": [9], "corrected": [8], "other": [], "pending": [11], "total": [8, 9, 11]},
    LA: {"maintained": [], "corrected": [13], "other": [12], "pending": [14], "total": [12, 13, 14]},
}
EXPECTED_2025_FILED = {
    R: {"maintained": [2], "corrected": [1], "other": [], "pending": [4, 5], "total": [1, 2, 4, 5]},
    LD: {"maintained": [], "corrected": [8], "other": [], "pending": [11], "total": [8, 11]},
    LA: {"maintained": [], "corrected": [], "other": [12], "pending": [14], "total": [12, 14]},
}
EXPECTED_2024 = {
    R: {"maintained": [6], "corrected": [], "other": [], "pending": [3, 7], "total": [3, 6, 7]},
    LD: {"maintained": [], "corrected": [], "other": [], "pending": [15], "total": [15]},
    LA: {"maintained": [], "corrected": [], "other": [], "pending": [13], "total": [13]},
}


def _cells(expected: dict[str, dict[str, list[int]]]) -> list[tuple[str, str, list[int]]]:
    return [(g, c, expected[g][c]) for g in GROUPS for c in COLUMNS]


@pytest.mark.parametrize(("group", "column", "ids"), _cells(EXPECTED_2025), ids=lambda v: str(v))
def test_every_cell_of_2025_by_default(group: str, column: str, ids: list[int]) -> None:
    table = table_four(REGISTER, 2025)
    assert table.scope == Scope.FILED_OR_CONCLUDED
    assert list(table.cells[(group, column)]) == ids and table.count(group, column) == len(ids)


@pytest.mark.parametrize(("group", "column", "ids"), _cells(EXPECTED_2025_FILED), ids=lambda v: str(v))
def test_every_cell_of_2025_filed_only(group: str, column: str, ids: list[int]) -> None:
    assert list(table_four(REGISTER, 2025, "filed").cells[(group, column)]) == ids


@pytest.mark.parametrize(("group", "column", "ids"), _cells(EXPECTED_2024), ids=lambda v: str(v))
def test_every_cell_of_2024_the_later_results_unseen(group: str, column: str, ids: list[int]) -> None:
    assert list(table_four(REGISTER, 2024).cells[(group, column)]) == ids


def test_the_order_of_the_register_does_not_matter_and_a_year_without_cases_is_all_zero() -> None:
    assert table_four(list(reversed(REGISTER)), 2025) == table_four(REGISTER, 2025)
    empty = table_four(REGISTER, 2019)
    assert all(n == 0 for row in empty.counts().values() for n in row.values())
    assert table_four(REGISTER, 2025).case_ids() == [1, 2, 3, 4, 5, 8, 9, 11, 12, 13, 14]


def test_an_unknown_scope_or_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        table_four(REGISTER, 2025, "everything")
    with pytest.raises(ValueError):
        table_four([Case(1, "complaint", D("2025-01-01"))], 2025)


# -- the checks ------------------------------------------------------------------------------------------


def test_a_computed_table_passes_check_four() -> None:
    assert check_totals(table_four(REGISTER, 2025).counts()) == []


@pytest.mark.parametrize(("edit", "check", "words"), [
    ({"total": 4}, 4, "总计 4 is not 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 5"),
    ({"pending": -1, "total": 2}, 5, "尚未审结 must be non-negative"),
    ({"other": 1.5}, 5, "其他结果 must be non-negative"),
], ids=["total_not_the_sum", "negative", "not_an_integer"])
def test_check_four_fails_on_a_table_edited_by_hand(edit: dict[str, object], check: int, words: str) -> None:
    counts: dict[str, dict[str, object]] = table_four(REGISTER, 2025).counts()  # type: ignore[assignment]
    counts[R].update(edit)
    [finding] = check_totals(counts)  # type: ignore[arg-type]
    assert finding.level == "error" and finding.check == check and words in finding.message
    assert "行政复议" in finding.message


CONCLUDED = {100: D("2025-03-01"), 101: D("2026-01-05"), 102: None}


@pytest.mark.parametrize(("cases", "warned", "words"), [
    ([Case(1, R, D("2025-04-01"), application_id=100)], [], ""),
    ([Case(1, R, D("2025-04-01"), application_id=101)], [1], "not concluded by 2025-12-31"),
    ([Case(1, R, D("2025-04-01"), application_id=102)], [1], "not concluded by 2025-12-31"),
    ([Case(1, R, D("2025-04-01"), application_id=999)], [1], "application 999"),
    ([Case(1, R, D("2025-01-01"), "maintained", D("2025-02-01")), Case(2, LA, D("2025-03-01"), reconsideration_id=1)],
     [], ""),
    ([Case(2, LA, D("2025-03-01"))], [2], "no matching 复议 case"),
    ([Case(2, LA, D("2025-03-01"), reconsideration_id=7)], [2], "no matching 复议 case"),
    ([Case(1, LD, D("2025-01-01")), Case(2, LA, D("2025-03-01"), reconsideration_id=1)], [2], "no matching 复议"),
    ([Case(1, R, D("2025-01-01"), application_id=100), Case(2, LA, D("2025-03-01"), application_id=101,
                                                             reconsideration_id=1)], [2, 2], "not 101"),
    ([Case(1, R, D("2024-01-01"), application_id=101)], [], ""),  # not counted in 2025: not checked for it
], ids=["concluded_before", "concluded_after_the_year", "still_open", "not_found", "matching_reconsideration",
        "no_reconsideration_named", "reconsideration_missing", "follows_a_lawsuit", "about_another_application",
        "not_counted"])
def test_check_ten_warns(cases: list[Case], warned: list[int], words: str) -> None:
    findings = check_links(cases, 2025, CONCLUDED)
    assert [f.case_ids[0] for f in findings] == warned
    assert all(f.level == "warning" and f.check == 10 for f in findings)
    assert words in " ".join(f.message for f in findings)


def test_checks_run_both_on_the_table_and_its_cases() -> None:
    cases = [Case(1, LA, D("2025-03-01"), application_id=101)]
    found = checks(table_four(cases, 2025), cases, CONCLUDED)
    assert [(f.level, f.check) for f in found] == [("warning", 10), ("warning", 10)]


# -- the decision table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "kind", "result"), [
    ("维持", R, CaseResult.MAINTAINED),
    ("驳回复议请求", R, CaseResult.MAINTAINED),
    ("驳回复议申请", R, CaseResult.MAINTAINED),
    ("判决驳回诉讼请求", LD, CaseResult.MAINTAINED),
    ("判决驳回诉讼请求", LA, CaseResult.MAINTAINED),
    ("撤销", R, CaseResult.CORRECTED),
    ("部分撤销", LD, CaseResult.CORRECTED),
    ("变更", LA, CaseResult.CORRECTED),
    ("确认违法", LD, CaseResult.CORRECTED),
    ("责令履行", R, CaseResult.CORRECTED),
    ("调解（机关改变原行为）", LD, CaseResult.CORRECTED),
    ("和解（机关改变原行为）", R, CaseResult.CORRECTED),
    ("终止", R, CaseResult.OTHER),
    ("撤回", R, CaseResult.OTHER),
    ("撤诉", LA, CaseResult.OTHER),
    ("裁定驳回起诉", LD, CaseResult.OTHER),
    ("不予受理", R, CaseResult.OTHER),
    ("调解（机关未改变原行为）", LD, CaseResult.OTHER),
    (" 维持 ", R, CaseResult.MAINTAINED),
])
def test_the_decision_as_written_gives_the_group(decision: str, kind: str, result: CaseResult) -> None:
    assert default_results().result_of(decision, kind) == result


@pytest.mark.parametrize(("decision", "kind"), [("维持", LD), ("判决驳回诉讼请求", R), ("驳回", R), ("", LA)])
def test_an_unknown_decision_is_refused_with_the_known_ones(decision: str, kind: str) -> None:
    with pytest.raises(UnknownDecision) as refused:
        default_results().result_of(decision, kind)
    assert refused.value.known == tuple(default_results().known(kind))
    assert "撤销" in str(refused.value) and kind in str(refused.value)


def test_every_kind_can_end_in_every_group() -> None:
    table = default_results()
    for kind in CaseKind:
        groups = {table.result_of(d, kind) for d in table.known(kind)}
        assert groups == set(CaseResult), kind


@pytest.mark.parametrize(("data", "words"), [
    ({"decisions": [{"decision": "维持", "result": "upheld", "kinds": ["reconsideration"]}]}, "result must be"),
    ({"decisions": [{"decision": "维持", "result": "maintained", "kinds": ["appeal"]}]}, "kinds must be"),
    ({"decisions": [{"result": "maintained", "kinds": ["reconsideration"]}]}, "needs its words"),
    ({"decisions": [{"decision": "维持", "result": "maintained", "kinds": ["reconsideration", "litigation"]},
                    {"decision": "维持", "result": "other", "kinds": ["litigation"]}]}, "written twice"),
    ({"decisions": [{"decision": "维持", "result": "maintained", "kinds": ["reconsideration"]}]},
     "no decision can end a litigation_direct case"),
], ids=["bad_result", "bad_kind", "no_words", "twice", "a_kind_left_out"])
def test_a_malformed_table_is_refused_naming_the_problem(data: dict[str, object], words: str) -> None:
    with pytest.raises(CaseResultsError, match=words):
        parse_case_results(data)
