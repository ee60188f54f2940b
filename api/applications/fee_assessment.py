"""The 信息处理费 of an application as the service charges it: the amount is computed, never typed
(《政府信息公开信息处理费管理办法》, engine/applications/fees.py).

按件计收 numbers the applicant's applications in the natural month of the receipt day from the register itself
(管理办法第五条 “同一申请人一个自然月内”): the handler cannot give a number the register does not show. 按量计收
counts the pages the handler gives. An amount the caller sends must equal the computed one. A notice for nothing due (free, or
waived) is the lifecycle's refusal (engine/applications/lifecycle.py, rule fee_due).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from api.applications.schemas import FeeIn
from api.errors import Conflict, Invalid
from engine.applications.applicant import applicant_key
from engine.applications.fees import FeeAssessment, FeeError, assess
from engine.vocabulary import FeeMethod
from models.tables import ApplicationRow


def number_in_month(session: Session, row: ApplicationRow) -> int:
    """This application's number among the same applicant's (engine/applications/applicant.py) received in the
    same natural month, in the order of receipt days, then registration."""
    if row.received_on is None:
        raise Conflict(f"application {row.reg_no} has no receipt day yet: no fee can be counted (条例第三十一条)")
    start = row.received_on.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    earlier = or_(ApplicationRow.received_on < row.received_on,
                  and_(ApplicationRow.received_on == row.received_on, ApplicationRow.id <= row.id))
    month = session.execute(select(ApplicationRow.applicant).where(
        ApplicationRow.agency == row.agency, ApplicationRow.applicant_kind == row.applicant_kind,
        ApplicationRow.received_on >= start, ApplicationRow.received_on < end, earlier))
    key = applicant_key(row.applicant_kind, row.applicant)
    return sum(1 for (applicant,) in month if applicant_key(row.applicant_kind, applicant) == key) or 1


def assessed(session: Session, row: ApplicationRow, fee: FeeIn, submitted: dict[str, Any]) -> dict[str, Any]:
    """The fee notice's facts: method, basis, the computed amount and the waiver, as the event stores them."""
    if fee.method == FeeMethod.PER_APPLICATION:
        counted = number_in_month(session, row)
        if fee.basis is not None and fee.basis != counted:
            raise Invalid(f"this is the applicant's application no. {counted} of the month in the register, not "
                          f"{fee.basis} (管理办法第五条)", submitted=submitted,
                          errors=[{"field": "fee.basis", "message": f"the register counts {counted}"}])
        basis = counted
    else:
        if fee.basis is None:
            raise Invalid("按量计收 needs the number of pages", submitted=submitted,
                          errors=[{"field": "fee.basis", "message": "the pages of the information provided"}])
        basis = fee.basis
    try:
        assessment: FeeAssessment = (assess(number_in_month=basis, waiver_reason=fee.waiver_reason)
                                     if fee.method == FeeMethod.PER_APPLICATION
                                     else assess(pages=basis, waiver_reason=fee.waiver_reason))
    except FeeError as error:
        raise Invalid(str(error), submitted=submitted, errors=[{"field": "fee", "message": str(error)}]) from None
    if fee.amount is not None and fee.amount != assessment.amount:
        raise Invalid(f"the fee for basis {basis} by {fee.method} is {assessment.amount} 元, not {fee.amount} "
                      "(管理办法第五条)", submitted=submitted,
                      errors=[{"field": "fee.amount", "message": f"computed: {assessment.amount}"}])
    return {"method": str(assessment.method), "basis": assessment.basis, "amount": assessment.amount,
            **({"waiver_reason": assessment.waiver_reason} if assessment.waiver_reason else {}),
            "due": assessment.due}
