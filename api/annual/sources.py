"""The registers read for one year's report (applications.md §3.1–§3.4), handed to the engine as records:

- the catalog's 规章 and 行政规范性文件 in the proactive store (条例第二十条第（一）项: only what is published is
  counted; an item moved out of the store stops being counted);
- the agency's applications that were open at some moment of the year (received by 31 December and not
  concluded before 1 January), with the column of their principal applicant at registration;
- its 行政复议 / 行政诉讼 cases filed by the year's end, and the conclusion day of the applications they are about;
- the 信息处理费 paid in the year (the fee ledger: each payment at the amount of the notice it paid);
- the applications answered after their effective deadline in the year (check 11).

Each is one query over indexed columns, so 100,000 items and 10,000 applications read in well under a second
(bench/annual_bench.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.annual.report import Registers
from engine.annual.table_three import Application, column_of
from engine.annual.table_two import Instrument
from engine.applications.cases import Case
from engine.vocabulary import ApplicationOutcome, Store
from models.annual_records import InstrumentRow
from models.application_records import CaseRow
from models.tables import ApplicationEventRow, ApplicationRow, ItemRow

# Concluded by lapse, not answered: the clock was not running towards an answer (条例第三十条; 收费管理办法).
_LAPSED = (ApplicationOutcome.OTHER_NO_CORRECTION.value, ApplicationOutcome.OTHER_FEE_UNPAID.value)


def instruments(session: Session, start: dt.date, end: dt.date) -> list[Instrument]:
    rows = session.execute(
        select(InstrumentRow.item_id, InstrumentRow.instrument, InstrumentRow.issued_on, InstrumentRow.validity,
               InstrumentRow.ended_on)
        .join(ItemRow, ItemRow.id == InstrumentRow.item_id)
        .where(ItemRow.store == Store.PROACTIVE.value, InstrumentRow.issued_on <= end,
               or_(InstrumentRow.ended_on.is_(None), InstrumentRow.ended_on >= start)))
    return [Instrument(*row) for row in rows]


def applications(session: Session, agency: str, start: dt.date, end: dt.date) -> list[Application]:
    rows = session.execute(
        select(ApplicationRow.id, ApplicationRow.applicant_kind, ApplicationRow.org_subtype, ApplicationRow.received_on,
               ApplicationRow.concluded_on, ApplicationRow.outcome)
        .where(ApplicationRow.agency == agency, ApplicationRow.received_on <= end,
               or_(ApplicationRow.concluded_on.is_(None), ApplicationRow.concluded_on >= start)))
    return [Application(id_, column_of(kind, subtype), received, concluded, outcome)
            for id_, kind, subtype, received, concluded, outcome in rows]


def cases(session: Session, agency: str, end: dt.date) -> tuple[list[Case], dict[int, dt.date | None]]:
    rows = session.scalars(select(CaseRow).where(CaseRow.agency == agency, CaseRow.filed_on <= end)).all()
    found = [Case(r.id, r.kind, r.filed_on, r.result, r.concluded_on, r.application_id, r.reconsideration_id)
             for r in rows]
    asked = {c.application_id for c in found if c.application_id is not None}
    concluded: dict[int, dt.date | None] = {}
    if asked:
        concluded = {id_: on for id_, on in session.execute(select(ApplicationRow.id, ApplicationRow.concluded_on)
                                                               .where(ApplicationRow.id.in_(asked)))}
    return found, concluded


def _amount(details: dict[str, Any]) -> int:
    """What a fee notice asks to be paid, as its event stores it (the lifecycle's parameters, params.fee:
    api/applications/fee_assessment.py): `due`, which is nothing when waived (a waived notice is not sent)."""
    fee = (details.get("params") or {}).get("fee") or details.get("fee") or {}
    return int(fee.get("due", fee.get("amount")) or 0)


def fees_collected(session: Session, agency: str, start: dt.date, end: dt.date) -> Decimal:
    """The 信息处理费 paid in the year, 元: each payment counts the amount of the last notice before it."""
    paid = session.execute(
        select(ApplicationEventRow.application_id, ApplicationEventRow.seq)
        .join(ApplicationRow, ApplicationRow.id == ApplicationEventRow.application_id)
        .where(ApplicationRow.agency == agency, ApplicationEventRow.kind == "fee_paid",
               ApplicationEventRow.on >= start, ApplicationEventRow.on <= end)).all()
    if not paid:
        return Decimal(0)
    notices: dict[int, list[tuple[int, int]]] = {}
    for app_id, seq, details in session.execute(
            select(ApplicationEventRow.application_id, ApplicationEventRow.seq, ApplicationEventRow.details)
            .where(ApplicationEventRow.kind == "send_fee_notice",
                   ApplicationEventRow.application_id.in_({a for a, _ in paid}))):
        notices.setdefault(app_id, []).append((seq, _amount(details or {})))
    total = 0
    for app_id, seq in paid:
        before = [amount for notice_seq, amount in sorted(notices.get(app_id, [])) if notice_seq < seq]
        total += before[-1] if before else 0
    return Decimal(total)


def answered_late(session: Session, agency: str, start: dt.date, end: dt.date) -> list[int]:
    return list(session.scalars(
        select(ApplicationRow.id)
        .where(ApplicationRow.agency == agency, ApplicationRow.concluded_on >= start, ApplicationRow.concluded_on <= end,
               ApplicationRow.effective_deadline.is_not(None),
               ApplicationRow.concluded_on > ApplicationRow.effective_deadline,
               or_(ApplicationRow.outcome.is_(None), ApplicationRow.outcome.not_in(_LAPSED)))
        .order_by(ApplicationRow.id)))


def registers(session: Session, agency: str, year: int) -> Registers:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found_cases, concluded = cases(session, agency, end)
    return Registers(instruments=instruments(session, start, end),
                     applications=applications(session, agency, start, end),
                     cases=found_cases, applications_concluded=concluded,
                     fees_collected=fees_collected(session, agency, start, end),
                     overdue=answered_late(session, agency, start, end))
