"""信息处理费: the fee an agency may charge when an application's quantity or frequency is clearly beyond
reason (条例第四十二条), by 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号).

Free is the rule (条例第四十二条第一款); a fee is the exception, and the handler decides to charge.
Per application the agency uses one of two methods, never both (管理办法第三条); both are progressive
(超额累进), tier by tier (管理办法第五条):

- 按件计收: the same applicant's applications in one natural month (after 一事一申请 splitting, 管理办法
  第四条) are numbered 1, 2, …; the n-th costs 0 up to 10, 100 元 up to 30, then 100 元 more for every
  further 10 (31–40: 200, 41–50: 300, …). A new month starts again at 1: a calendar month, not a
  rolling 30 days.
- 按量计收: the pages of one application: 1–30 free, 31–100 10 元/页, 101–200 20 元/页, 201 up 40 元/页.

Amounts are whole 元. A waiver (减免) keeps the amount that would have been due and needs a reason:
that FEE provides for hardship waivers is recalled, not read (applications.md §1.6 [U]).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from engine.vocabulary import FeeMethod

FREE_APPLICATIONS = 10  # 按件: the first 10 of a month are free
FIRST_TIER_LAST = 30  # 按件: 11–30 at 100 元
PER_APPLICATION_STEP = 100  # 元, and the increase for every further 10 applications
APPLICATIONS_PER_STEP = 10

# 按量: (first page, last page or None, 元 a page)
PAGE_TIERS: tuple[tuple[int, int | None, int], ...] = ((1, 30, 0), (31, 100, 10), (101, 200, 20), (201, None, 40))


class FeeError(ValueError):
    """A fee that may not be charged as asked (both methods, no basis, a waiver without a reason)."""


def per_application_fee(number: int) -> int:
    """按件计收: the fee in 元 of the applicant's `number`-th application in a natural month.

    Examples:
        >>> [per_application_fee(n) for n in (1, 10, 11, 30, 31, 40, 41, 50, 51)]
        [0, 0, 100, 100, 200, 200, 300, 300, 400]
    """
    if number < 1:
        raise FeeError(f"an application's number in its month starts at 1, not {number}")
    if number <= FREE_APPLICATIONS:
        return 0
    if number <= FIRST_TIER_LAST:
        return PER_APPLICATION_STEP
    steps = -(-(number - FIRST_TIER_LAST) // APPLICATIONS_PER_STEP)  # ⌈(n − 30) / 10⌉
    return PER_APPLICATION_STEP * (1 + steps)


@dataclass(frozen=True)
class TierCharge:
    """One tier of a 按量 fee as the 收费通知书 states it: pages first–last at a price, and their sum."""

    first_page: int
    last_page: int
    price: int
    amount: int


def page_tiers(pages: int) -> tuple[TierCharge, ...]:
    """按量计收: the tiers a number of pages falls into (the free tier included when reached)."""
    if pages < 0:
        raise FeeError(f"a number of pages cannot be negative ({pages})")
    charges = []
    for first, last, price in PAGE_TIERS:
        if pages < first:
            break
        end = pages if last is None else min(pages, last)
        charges.append(TierCharge(first, end, price, (end - first + 1) * price))
    return tuple(charges)


def by_pages_fee(pages: int) -> int:
    """按量计收: the fee in 元 for `pages` pages of one application.

    Examples:
        >>> [by_pages_fee(n) for n in (0, 30, 31, 100, 200, 250)]
        [0, 0, 10, 700, 2700, 4700]
    """
    return sum(charge.amount for charge in page_tiers(pages))


def numbers_in_month(applications: Sequence[tuple[Hashable, datetime.date]]) -> list[int]:
    """按件计收's count: for (applicant, received_on) pairs in registration order, each application's
    number among the same applicant's in the same natural month (管理办法第五条 “同一申请人一个自然月内”).

    Examples:
        >>> d = datetime.date
        >>> numbers_in_month([("a", d(2025, 3, 31)), ("b", d(2025, 3, 31)), ("a", d(2025, 4, 1)), ("a", d(2025, 3, 31))])
        [1, 1, 1, 2]
    """
    counts: dict[tuple[Hashable, int, int], int] = defaultdict(int)
    numbers = []
    for applicant, received_on in applications:
        key = (applicant, received_on.year, received_on.month)
        counts[key] += 1
        numbers.append(counts[key])
    return numbers


@dataclass(frozen=True)
class FeeAssessment:
    """The fee of one application by one method: the basis (its number in the month, or its pages),
    the amount due, and, when waived, the reason (the amount that would have been due is kept)."""

    method: FeeMethod
    basis: int
    amount: int
    waiver_reason: str | None = None
    tiers: tuple[TierCharge, ...] = ()

    @property
    def due(self) -> int:
        """What the applicant pays: nothing when waived."""
        return 0 if self.waiver_reason else self.amount


def assess(*, number_in_month: int | None = None, pages: int | None = None,
           waiver_reason: str | None = None) -> FeeAssessment:
    """The fee of one application, by 按件 (`number_in_month`) or by 按量 (`pages`), never both (管理办法
    第三条; T16), with an optional waiver that must give its reason.

    Examples:
        >>> assess(pages=250).amount
        4700
        >>> assess(number_in_month=35, pages=250)
        Traceback (most recent call last):
        ...
        engine.applications.fees.FeeError: one application is charged by one method, never both 按件 and 按量 (《政府信息公开信息处理费管理办法》第三条)
    """
    if number_in_month is not None and pages is not None:
        raise FeeError("one application is charged by one method, never both 按件 and 按量 "
                       "(《政府信息公开信息处理费管理办法》第三条)")
    if waiver_reason is not None and not waiver_reason.strip():
        raise FeeError("a waiver (减免) needs its reason")
    if number_in_month is not None:
        return FeeAssessment(FeeMethod.PER_APPLICATION, number_in_month, per_application_fee(number_in_month),
                             waiver_reason)
    if pages is not None:
        return FeeAssessment(FeeMethod.BY_PAGES, pages, by_pages_fee(pages), waiver_reason, page_tiers(pages))
    raise FeeError("a fee needs its basis: the application's number in the month (按件) or its pages (按量)")
