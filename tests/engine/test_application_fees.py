"""信息处理费 (条例第四十二条; 《政府信息公开信息处理费管理办法》; applications.md §1.6): T14, T15, T16."""

from __future__ import annotations

import datetime

import pytest

from engine.applications.fees import (
    FeeError,
    TierCharge,
    assess,
    by_pages_fee,
    numbers_in_month,
    page_tiers,
    per_application_fee,
)
from engine.vocabulary import FeeMethod

d = datetime.date


def test_T14_applications_8_to_35_of_march_2025_and_april_restarts() -> None:
    """按件: the same applicant's 35 applications in March 2025 (7 before the 8th), then one in April."""
    dates = [d(2025, 3, 1 + i % 31) for i in range(35)] + [d(2025, 4, 1)]
    numbers = numbers_in_month([("申请人甲", day) for day in dates])
    fees = {n: per_application_fee(n) for n in numbers[7:35]}
    assert numbers[7:35] == list(range(8, 36))
    assert all(fees[n] == 0 for n in (8, 9, 10))
    assert all(fees[n] == 100 for n in range(11, 31))
    assert all(fees[n] == 200 for n in range(31, 36)) and fees[35] == 200
    assert sum(fees.values()) == 20 * 100 + 5 * 200
    assert numbers[35] == 1 and per_application_fee(numbers[35]) == 0  # April restarts at #1


def test_T14_a_natural_month_not_a_rolling_30_days() -> None:
    """31 applications from 15 March to 14 April, one a day: the last is April's 14th (100 元), not the
    31st within 30 days (200 元)."""
    days = [d(2025, 3, 15) + datetime.timedelta(days=i) for i in range(31)]
    numbers = numbers_in_month([("甲", day) for day in days])
    assert max(numbers) == 17 and numbers[-1] == 14 and per_application_fee(numbers[-1]) == 100
    assert numbers_in_month([("甲", d(2025, 3, 1)), ("乙", d(2025, 3, 1)), ("甲", d(2025, 3, 2))]) == [1, 1, 2]


def test_per_application_tiers_are_progressive_in_steps_of_ten() -> None:
    assert [per_application_fee(n) for n in (10, 11, 30, 31, 40, 41, 50, 51, 60, 61)] == \
        [0, 100, 100, 200, 200, 300, 300, 400, 400, 500]
    with pytest.raises(FeeError):
        per_application_fee(0)


def test_T15_by_pages_is_progressive_and_starts_at_page_31() -> None:
    assert by_pages_fee(250) == 4700 == 70 * 10 + 100 * 20 + 50 * 40
    assert [by_pages_fee(n) for n in (0, 1, 30, 31, 100, 101, 200, 201)] == [0, 0, 0, 10, 700, 720, 2700, 2740]
    assert page_tiers(250) == (TierCharge(1, 30, 0, 0), TierCharge(31, 100, 10, 700), TierCharge(101, 200, 20, 2000),
                               TierCharge(201, 250, 40, 2000))
    with pytest.raises(FeeError):
        by_pages_fee(-1)


def test_T16_both_methods_on_one_application_are_refused() -> None:
    with pytest.raises(FeeError, match="never both.*第三条"):
        assess(number_in_month=35, pages=250)
    with pytest.raises(FeeError, match="basis"):
        assess()


def test_an_assessment_states_its_method_basis_and_amount() -> None:
    by_count = assess(number_in_month=35)
    assert (by_count.method, by_count.basis, by_count.amount, by_count.due) == (FeeMethod.PER_APPLICATION, 35, 200, 200)
    by_pages = assess(pages=250)
    assert (by_pages.method, by_pages.amount, len(by_pages.tiers)) == (FeeMethod.BY_PAGES, 4700, 4)


def test_a_waiver_needs_its_reason_and_keeps_the_amount_it_waives() -> None:
    waived = assess(pages=250, waiver_reason="申请人为低保对象")
    assert (waived.amount, waived.due, waived.waiver_reason) == (4700, 0, "申请人为低保对象")
    with pytest.raises(FeeError, match="reason"):
        assess(pages=250, waiver_reason="  ")
