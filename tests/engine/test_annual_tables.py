"""Tables 二 and 三 of the annual report counted from hand-made registers (applications.md §3.1, §3.2), every
expected cell counted by hand from the spec for two consecutive years; T18 and T24 (§6); the identity
一 + 二 = （七） + 四 per column over random registers; the applicant's column."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.annual.fmt21 import APPLICANT_COLUMNS, CARRIED_IN, CARRIED_OUT, NEW, SUM, TOTAL, result_codes
from engine.annual.table_three import Application, column_of, table_three
from engine.annual.table_two import Instrument, in_force_on, table_two
from engine.applications.outcomes import application_outcome, load_outcome_table
from engine.vocabulary import ApplicationOutcome

D = dt.date.fromisoformat
NP, COM, RES, PW, LEG, OTH = APPLICANT_COLUMNS
A = Application

# The register: ids 1–23 are received and concluded in 2025, one per outcome (23 outcomes, 22 rows: 已主动公开
# and 予以公开 share （一）, 非本机关负责公开 goes to （四）1 by the default setting), across all six columns.
REGISTER = [
    A(1, NP, D("2025-01-01"), D("2025-01-20"), "disclosed.already_public"),  # received on 1 January
    A(2, NP, D("2025-02-03"), D("2025-02-25"), "disclosed"),
    A(3, COM, D("2025-03-03"), D("2025-03-20"), "partial"),
    A(4, RES, D("2025-03-04"), D("2025-03-21"), "withheld.state_secret"),
    A(5, PW, D("2025-03-05"), D("2025-03-24"), "withheld.law_prohibited"),
    A(6, LEG, D("2025-04-01"), D("2025-04-20"), "withheld.security_stability"),
    A(7, OTH, D("2025-04-02"), D("2025-04-21"), "withheld.third_party"),
    A(8, NP, D("2025-04-03"), D("2025-04-22"), "withheld.internal_affairs"),
    A(9, COM, D("2025-05-06"), D("2025-05-26"), "withheld.process_info"),
    A(10, RES, D("2025-05-07"), D("2025-05-27"), "withheld.enforcement_case"),
    A(11, PW, D("2025-05-08"), D("2025-05-28"), "withheld.administrative_query"),
    A(12, LEG, D("2025-06-03"), D("2025-06-20"), "cannot_provide.not_held"),
    A(13, OTH, D("2025-06-04"), D("2025-06-23"), "cannot_provide.not_responsible"),
    A(14, NP, D("2025-06-05"), D("2025-06-24"), "cannot_provide.needs_creation"),
    A(15, COM, D("2025-07-01"), D("2025-07-21"), "cannot_provide.still_unclear"),
    A(16, RES, D("2025-07-02"), D("2025-07-22"), "not_processed.petition"),
    A(17, PW, D("2025-07-03"), D("2025-07-23"), "not_processed.repeat"),
    A(18, LEG, D("2025-08-04"), D("2025-08-22"), "not_processed.publication"),
    A(19, OTH, D("2025-08-05"), D("2025-08-25"), "not_processed.excessive"),
    A(20, NP, D("2025-08-06"), D("2025-08-26"), "not_processed.confirm_or_reissue"),
    A(21, COM, D("2025-09-01"), D("2025-10-20"), "other.no_correction"),
    A(22, RES, D("2025-09-02"), D("2025-10-21"), "other.fee_unpaid"),
    A(23, PW, D("2025-09-03"), D("2025-09-04"), "other.other"),
    A(24, NP, D("2024-11-10"), D("2025-01-06"), "disclosed"),  # received the year before, concluded in 2025
    A(25, LEG, D("2024-12-20"), None),  # received the year before, still open at the end of 2026
    A(26, OTH, D("2025-06-01"), None),  # received in 2025, open at its end (and at 2026's)
    A(27, NP, D("2025-12-29"), D("2026-01-20"), "withheld.third_party"),  # T24
    A(28, COM, D("2026-01-05"), D("2026-01-30"), "partial"),  # received after 2025
    A(29, RES, D("2024-03-01"), D("2024-04-01"), "disclosed"),  # concluded before 2025
    A(30, NP, None),  # not yet received (an online submission awaiting confirmation)
    A(31, COM, D("2025-12-31"), D("2025-12-31"), "disclosed.already_public"),  # the last day, both ways
    A(32, RES, D("2024-12-31"), D("2025-01-01"), "cannot_provide.not_held"),  # open on 1 January, concluded that day
    A(33, NP, D("2026-12-31"), None),  # received on 2026's last day, open
    A(34, OTH, D("2027-01-04"), None),  # received after both years
]

# Counted by hand. Columns: 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计.
EXPECTED_2025 = """
一      6 5 4 4 3 4 26
二      1 0 1 0 1 0 3
（一）   3 1 0 0 0 0 4
（二）   0 1 0 0 0 0 1
（三）1  0 0 1 0 0 0 1
（三）2  0 0 0 1 0 0 1
（三）3  0 0 0 0 1 0 1
（三）4  0 0 0 0 0 1 1
（三）5  1 0 0 0 0 0 1
（三）6  0 1 0 0 0 0 1
（三）7  0 0 1 0 0 0 1
（三）8  0 0 0 1 0 0 1
（四）1  0 0 1 0 1 1 3
（四）2  1 0 0 0 0 0 1
（四）3  0 1 0 0 0 0 1
（五）1  0 0 1 0 0 0 1
（五）2  0 0 0 1 0 0 1
（五）3  0 0 0 0 1 0 1
（五）4  0 0 0 0 0 1 1
（五）5  1 0 0 0 0 0 1
（六）1  0 1 0 0 0 0 1
（六）2  0 0 1 0 0 0 1
（六）3  0 0 0 1 0 0 1
（七）   6 5 5 4 3 3 26
四      1 0 0 0 1 1 3
"""

EXPECTED_2026 = """
一      1 1 0 0 0 0 2
二      1 0 0 0 1 1 3
（一）   0 0 0 0 0 0 0
（二）   0 1 0 0 0 0 1
（三）1  0 0 0 0 0 0 0
（三）2  0 0 0 0 0 0 0
（三）3  0 0 0 0 0 0 0
（三）4  1 0 0 0 0 0 1
（三）5  0 0 0 0 0 0 0
（三）6  0 0 0 0 0 0 0
（三）7  0 0 0 0 0 0 0
（三）8  0 0 0 0 0 0 0
（四）1  0 0 0 0 0 0 0
（四）2  0 0 0 0 0 0 0
（四）3  0 0 0 0 0 0 0
（五）1  0 0 0 0 0 0 0
（五）2  0 0 0 0 0 0 0
（五）3  0 0 0 0 0 0 0
（五）4  0 0 0 0 0 0 0
（五）5  0 0 0 0 0 0 0
（六）1  0 0 0 0 0 0 0
（六）2  0 0 0 0 0 0 0
（六）3  0 0 0 0 0 0 0
（七）   1 1 0 0 0 0 2
四      1 0 0 0 1 1 3
"""


def grid(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        code, *numbers = line.split()
        rows[code] = dict(zip((*APPLICANT_COLUMNS, TOTAL), map(int, numbers), strict=True))
    return rows


@pytest.mark.parametrize(("year", "expected"), [(2025, EXPECTED_2025), (2026, EXPECTED_2026)])
def test_table_three_hand_counts(year: int, expected: str) -> None:
    table = table_three(REGISTER, year)
    want = grid(expected)
    assert list(want) == [NEW, CARRIED_IN, *result_codes(), SUM, CARRIED_OUT]  # the grid covers all 25 rows
    assert table.counts() == want
    assert table.unplaced == []


def test_table_three_names_the_applications_behind_the_cells() -> None:
    t2025, t2026 = table_three(REGISTER, 2025), table_three(REGISTER, 2026)
    assert t2025.cells[NEW][TOTAL] == [*range(1, 24), 26, 27, 31]
    assert t2025.cells[CARRIED_IN][TOTAL] == [24, 25, 32]
    assert t2025.cells["（一）"][NP] == [1, 2, 24] and t2025.cells["（一）"][COM] == [31]
    assert t2025.cells["（四）1"][TOTAL] == [12, 13, 32]  # 非本机关负责公开 with 不掌握 (the default setting)
    assert t2025.cells[CARRIED_OUT][TOTAL] == [25, 26, 27]
    assert t2026.cells[CARRIED_IN][TOTAL] == t2025.cells[CARRIED_OUT][TOTAL]  # 二 of 2026 is 四 of 2025
    assert t2026.cells[CARRIED_OUT][TOTAL] == [25, 26, 33]
    for table in (t2025, t2026):  # never received, received later, concluded earlier: in no cell at all
        ids = {i for cols in table.cells.values() for i in cols[TOTAL]}
        assert not ids & {29, 30, 34}


def test_t24_received_29_december_answered_in_january_is_counted_once_in_each_year() -> None:
    app = [A(1, NP, D("2025-12-29"), D("2026-01-20"), "disclosed")]
    y2025, y2026 = table_three(app, 2025).counts(), table_three(app, 2026).counts()
    assert (y2025[NEW][NP], y2025[CARRIED_OUT][NP], y2025["（一）"][NP], y2025[CARRIED_IN][NP]) == (1, 1, 0, 0)
    assert (y2026[NEW][NP], y2026[CARRIED_IN][NP], y2026["（一）"][NP], y2026[CARRIED_OUT][NP]) == (0, 1, 1, 0)


def test_t18_items_given_and_withheld_count_once_under_partial() -> None:
    outcome = application_outcome(["disclosed", "withheld.third_party"])
    counts = table_three([A(1, COM, D("2025-03-01"), D("2025-03-15"), outcome)], 2025).counts()
    assert counts["（二）"][COM] == 1 and counts[SUM][COM] == 1
    assert counts["（三）4"][COM] == 0 and counts["（一）"][COM] == 0


def test_concluded_without_an_outcome_is_unplaced_not_counted_in_a_result_row() -> None:
    table = table_three([A(7, NP, D("2025-02-01"), D("2025-02-10")), A(8, NP, D("2025-02-01"), None)], 2025)
    assert table.unplaced == [7]
    counts = table.counts()
    assert (counts[NEW][NP], counts[SUM][NP], counts[CARRIED_OUT][NP]) == (2, 0, 1)


def test_the_not_responsible_row_follows_the_setting() -> None:
    table = load_outcome_table(not_responsible_row="（六）3")
    app = [A(1, OTH, D("2025-03-01"), D("2025-03-10"), "cannot_provide.not_responsible")]
    counts = table_three(app, 2025, table).counts()
    assert counts["（六）3"][OTH] == 1 and counts["（四）1"][OTH] == 0


OUTCOMES = [str(o) for o in ApplicationOutcome]
# Random days, and often the days at a year's edge (where counting goes wrong).
EDGES = [dt.date(y, m, d) for y in range(2023, 2028) for m, d in ((1, 1), (12, 31))]
DAYS = st.sampled_from(EDGES) | st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31))


@st.composite
def applications(draw: st.DrawFn) -> list[Application]:
    apps = []
    for i in range(draw(st.integers(0, 40))):
        received = draw(st.none() | DAYS)
        concluded = None if received is None else draw(
            st.none() | st.dates(min_value=received, max_value=dt.date(2027, 12, 31)))
        apps.append(A(i, draw(st.sampled_from(APPLICANT_COLUMNS)), received, concluded,
                      None if concluded is None else draw(st.sampled_from(OUTCOMES))))
    return apps


@settings(max_examples=150, deadline=None)
@given(applications(), st.integers(2024, 2026))
def test_identity_one_plus_two_is_seven_plus_four_in_every_column(apps: list[Application], year: int) -> None:
    counts = table_three(apps, year).counts()
    for col in (*APPLICANT_COLUMNS, TOTAL):
        assert counts[NEW][col] + counts[CARRIED_IN][col] == counts[SUM][col] + counts[CARRIED_OUT][col]
        assert counts[SUM][col] == sum(counts[code][col] for code in result_codes())
    for row in counts.values():
        assert row[TOTAL] == sum(row[c] for c in APPLICANT_COLUMNS)
    assert table_three(apps, year + 1).counts()[CARRIED_IN] == counts[CARRIED_OUT]


def test_column_of() -> None:
    assert column_of("natural_person", None) == NP
    assert column_of("natural_person", "commercial") == NP  # a person has no organisation column
    for sub in (COM, RES, PW, LEG, OTH):
        assert column_of("legal_person", sub) == sub
    assert column_of("legal_person", None) == OTH  # no kind recorded: 其他
    assert column_of("legal_person", "natural_person") == OTH


# Table 二 block 第二十条第（一）项, counted by hand for 2025 and 2024.
I = Instrument
INSTRUMENTS = [
    I(1, "regulations", D("2025-01-01")),  # issued on 1 January
    I(2, "regulations", D("2025-12-31")),  # issued on 31 December
    I(3, "regulations", D("2020-05-01"), "repealed", D("2025-12-31")),  # repealed on 31 December: not in force that day
    I(4, "regulations", D("2019-01-01"), "expired", D("2025-06-30")),  # 失效, counted as 废止 by default
    I(5, "regulations", D("2026-01-01")),  # issued after the year
    I(6, "regulations", D("2018-01-01"), "repealed", D("2024-12-31")),  # ended in an earlier year
    I(7, "normative_documents", D("2023-03-01")),
    I(8, "normative_documents", D("2025-07-01"), "repealed", D("2025-11-30")),  # issued and repealed in the year
    I(9, "normative_documents", D("2024-02-02"), "repealed", D("2026-01-01")),  # in force through 2025
    I(10, "normative_documents", D("2021-01-01"), "expired", D("2023-09-09")),
]


def test_table_two_hand_counts() -> None:
    assert table_two(INSTRUMENTS, 2025) == {
        "regulations": {"issued": [1, 2], "repealed": [3, 4], "in_force": [1, 2]},
        "normative_documents": {"issued": [8], "repealed": [8], "in_force": [7, 9]},
    }
    assert table_two(INSTRUMENTS, 2024) == {
        "regulations": {"issued": [], "repealed": [6], "in_force": [3, 4]},
        "normative_documents": {"issued": [9], "repealed": [], "in_force": [7, 9]},
    }
    assert table_two(INSTRUMENTS, 2026)["regulations"] == {"issued": [5], "repealed": [], "in_force": [1, 2, 5]}


def test_table_two_carries_over_year_to_year() -> None:
    for row in ("regulations", "normative_documents"):
        before, now = table_two(INSTRUMENTS, 2024)[row], table_two(INSTRUMENTS, 2025)[row]
        assert len(now["in_force"]) == len(before["in_force"]) + len(now["issued"]) - len(now["repealed"])


def test_expired_is_not_repealed_when_the_agency_counts_only_repeal() -> None:
    regs = table_two(INSTRUMENTS, 2025, frozenset({"repealed"}))["regulations"]
    assert regs == {"issued": [1, 2], "repealed": [3], "in_force": [1, 2]}  # 4 失效: neither 废止 nor in force


def test_in_force_on_the_day_it_ends_is_false() -> None:
    assert in_force_on(INSTRUMENTS[2], D("2025-12-30")) and not in_force_on(INSTRUMENTS[2], D("2025-12-31"))
    assert not in_force_on(INSTRUMENTS[0], D("2024-12-31")) and in_force_on(INSTRUMENTS[0], D("2025-01-01"))


@st.composite
def instruments(draw: st.DrawFn) -> list[Instrument]:
    records = []
    for i in range(draw(st.integers(0, 30))):
        issued, validity = draw(DAYS), draw(st.sampled_from(("in_force", "expired", "repealed")))
        ended = None if validity == "in_force" else draw(st.dates(min_value=issued, max_value=dt.date(2028, 1, 1)))
        records.append(I(i, draw(st.sampled_from(("regulations", "normative_documents"))), issued, validity, ended))
    return records


@settings(max_examples=150, deadline=None)
@given(instruments(), st.integers(2024, 2027))
def test_table_two_from_the_register_always_carries_over(records: list[Instrument], year: int) -> None:
    """Check 8's identity holds for counts from the register when 失效 counts as 废止 (the default)."""
    before, now = table_two(records, year - 1), table_two(records, year)
    for row in ("regulations", "normative_documents"):
        assert len(now[row]["in_force"]) == (len(before[row]["in_force"]) + len(now[row]["issued"])
                                             - len(now[row]["repealed"]))


@settings(max_examples=100, deadline=None)
@given(applications(), st.integers(2024, 2026), st.data())
def test_an_application_without_an_outcome_is_the_gap_in_the_identity(
        apps: list[Application], year: int, data: st.DataObject) -> None:
    """Concluded in the year without an outcome: in 一 or 二, in no result row and not in 四 (check 7 names it)."""
    apps = [A(a.id, a.column, a.received_on, a.concluded_on, None if data.draw(st.booleans()) else a.outcome)
            for a in apps]
    table = table_three(apps, year)
    counts, columns = table.counts(), {a.id: a.column for a in apps}
    for col in APPLICANT_COLUMNS:
        gap = sum(columns[i] == col for i in table.unplaced)
        assert counts[NEW][col] + counts[CARRIED_IN][col] == counts[SUM][col] + counts[CARRIED_OUT][col] + gap
