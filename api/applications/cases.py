"""Recording the 行政复议 / 行政诉讼 cases brought about the agency's disclosure work (Table 四; applications.md
§1.8, §3.3): record one as filed (or as concluded), conclude it once with its decision as written (the result
group follows from data/applications/case_results.yaml), and correct it afterwards only as a recorded change
with a reason. Each change is audited (case:record, case:conclude, case:correct).

Refusals name the field: a date in the future or out of order (422), an application, or a 复议 case a 复议后起诉
follows, that does not exist (422), a case number the agency already has (409), a second conclusion (409),
someone else's change since the caller read the case (lock_version, 409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.applications.case_schemas import CaseIn, ConcludeIn, CorrectIn
from api.context import Actor, Context
from api.errors import Conflict, Invalid, NotFound
from engine.applications.case_results import CaseKind, UnknownDecision, default_results
from engine.workflow.working_days import today_in_china
from models import audit
from models.application_records import CaseRow
from models.tables import ApplicationRow

FIELDS = ("kind", "case_number", "body", "application_id", "reconsideration_id", "subject", "filed_on", "decision",
          "concluded_on")


def _invalid(field: str, message: str, submitted: dict[str, Any]) -> Invalid:
    return Invalid(f"{field}: {message}", errors=[{"field": field, "message": message}], submitted=submitted)


def case_of(session: Session, agency: str, case_id: int) -> CaseRow:
    """The agency's case `case_id`; 404 otherwise."""
    row = session.get(CaseRow, case_id)
    if row is None or row.agency != agency:
        raise NotFound(f"no case {case_id}")
    return row


def _dates(values: dict[str, Any], submitted: dict[str, Any]) -> None:
    today = today_in_china()
    filed, concluded = values["filed_on"], values["concluded_on"]
    if filed > today:
        raise _invalid("filed_on", f"{filed} is in the future", submitted)
    if (values["decision"] is None) != (concluded is None):
        missing = "concluded_on" if concluded is None else "decision"
        raise _invalid(missing, "a concluded case needs both its decision and the day it was concluded", submitted)
    if concluded is not None and concluded > today:
        raise _invalid("concluded_on", f"{concluded} is in the future", submitted)
    if concluded is not None and concluded < filed:
        raise _invalid("concluded_on", f"{concluded} is before the case was filed ({filed})", submitted)


def _application(session: Session, agency: str, values: dict[str, Any], submitted: dict[str, Any]) -> None:
    if values["application_id"] is None:
        return
    app = session.get(ApplicationRow, values["application_id"])
    if app is None or app.agency != agency:
        raise _invalid("application_id", f"no application {values['application_id']}", submitted)
    if app.received_on is not None and values["filed_on"] < app.received_on:
        raise _invalid("filed_on", f"{values['filed_on']} is before application {app.reg_no} was received "
                       f"({app.received_on}): a case about it cannot be older", submitted)


def _followed(session: Session, agency: str, values: dict[str, Any], own_id: int | None,
              submitted: dict[str, Any]) -> list[str]:
    """A 复议后起诉 names the 行政复议 case it follows (same agency); the warnings when that case had not ended
    before the suit was filed, or is about another application."""
    recon_id, kind = values["reconsideration_id"], CaseKind(values["kind"])
    if kind != CaseKind.LITIGATION_AFTER_RECONSIDERATION:
        if recon_id is not None:
            raise _invalid("reconsideration_id", f"only a litigation_after_reconsideration follows a 行政复议 case, "
                           f"not a {kind.value}", submitted)
        return []
    if recon_id is None:
        raise _invalid("reconsideration_id", "a litigation_after_reconsideration (复议后起诉) names the 行政复议 "
                       "case it follows", submitted)
    followed = session.get(CaseRow, recon_id)
    if followed is None or followed.agency != agency or followed.kind != CaseKind.RECONSIDERATION or \
            followed.id == own_id:
        raise _invalid("reconsideration_id", f"no 行政复议 case {recon_id}", submitted)
    return follow_warnings(followed, values["filed_on"], values["application_id"])


def follow_warnings(followed: CaseRow, filed_on: dt.date, application_id: int | None) -> list[str]:
    """Why a 复议后起诉 filed on `filed_on` about `application_id` may not follow `followed`."""
    warnings = []
    if followed.concluded_on is None or followed.concluded_on >= filed_on:
        ended = "is not concluded" if followed.concluded_on is None else f"was concluded on {followed.concluded_on}"
        warnings.append(f"the 行政复议 case {followed.case_number} it follows {ended}: not before this suit was "
                        f"filed on {filed_on}")
    if None not in (application_id, followed.application_id) and application_id != followed.application_id:
        warnings.append(f"the 行政复议 case {followed.case_number} it follows is about application "
                        f"{followed.application_id}, not {application_id}")
    return warnings


def _unique(session: Session, agency: str, number: str, own_id: int | None, submitted: dict[str, Any]) -> None:
    other = session.scalar(select(CaseRow.id).where(CaseRow.agency == agency, CaseRow.case_number == number))
    if other is not None and other != own_id:
        raise Conflict(f"case_number: the agency already has a case {number} (case {other})", field="case_number",
                       existing=other, submitted=submitted)


def checked(session: Session, agency: str, values: dict[str, Any], own_id: int | None,
            submitted: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Every refusal of a case's values, in the order a reader fixes them; the result group its decision gives
    and the warnings for the answer."""
    if values["decision"] is not None:
        try:
            result: str | None = default_results().result_of(values["decision"], values["kind"]).value
        except UnknownDecision as unknown:
            raise Invalid(f"decision: {unknown}", errors=[{"field": "decision", "message": str(unknown)}],
                          known=list(unknown.known), submitted=submitted) from None
    else:
        result = None
    _dates(values, submitted)
    _application(session, agency, values, submitted)
    warnings = _followed(session, agency, values, own_id, submitted)
    _unique(session, agency, values["case_number"], own_id, submitted)
    return result, warnings


def _state(row: CaseRow) -> dict[str, Any]:
    return {"case_id": row.id, **{f: getattr(row, f) for f in FIELDS}, "result": row.result,
            "lock_version": row.lock_version}


@contextmanager
def one_writer(session: Session, case_id: int | None, submitted: dict[str, Any]) -> Iterator[None]:
    """The block's changes committed; 409 when someone else changed the case meanwhile (its UPDATE carries the
    lock_version) or recorded the same case number first."""
    try:
        yield
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict(f"case {case_id} was changed by someone else at the same time: read it again",
                       submitted=submitted) from None
    except IntegrityError:
        session.rollback()
        raise Conflict("case_number: the agency already has a case with this number", field="case_number",
                       submitted=submitted) from None


def record(session: Session, ctx: Context, actor: Actor, body: CaseIn) -> tuple[CaseRow, list[str]]:
    """Store a case (and its conclusion, when recorded after it ended), audited case:record; the caller
    commits (one_writer)."""
    submitted = body.model_dump(mode="json")
    agency = ctx.settings.agency_code
    values = body.model_dump()
    result, warnings = checked(session, agency, values, None, submitted)
    row = CaseRow(agency=agency, kind=body.kind.value, case_number=body.case_number, body=body.body,
                  application_id=body.application_id, reconsideration_id=body.reconsideration_id,
                  subject=body.subject, filed_on=body.filed_on, result=result, decision=body.decision or "",
                  concluded_on=body.concluded_on, recorded_by=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.name, role=actor.role, action="case:record", before=None,
                 after={**_state(row), "warnings": warnings})
    return row, warnings


def _current(row: CaseRow, expected: int, submitted: dict[str, Any]) -> None:
    if expected != row.lock_version:
        raise Conflict(f"case {row.id} changed since you read it (version {expected}, now {row.lock_version}): "
                       "read it again", current={"lock_version": row.lock_version, "result": row.result},
                       submitted=submitted)


def values_of(row: CaseRow) -> dict[str, Any]:
    """The case's values as a request would give them (a pending case's decision is none)."""
    return {**{f: getattr(row, f) for f in FIELDS}, "decision": row.decision or None}


def conclude(session: Session, ctx: Context, actor: Actor, case_id: int, body: ConcludeIn) -> tuple[CaseRow, list[str]]:
    """The case's decision as written and the day it ended; once only (a later change is a correction)."""
    submitted = body.model_dump(mode="json")
    row = case_of(session, ctx.settings.agency_code, case_id)
    if row.result is not None:
        raise Conflict(f"case {row.case_number} was concluded on {row.concluded_on} ({row.decision}): it is not "
                       f"concluded again; a correction is POST /v1/cases/{row.id}/correct with its reason",
                       current={"lock_version": row.lock_version, "decision": row.decision}, submitted=submitted)
    _current(row, body.lock_version, submitted)
    values = {**values_of(row), "decision": body.decision, "concluded_on": body.concluded_on}
    result, warnings = checked(session, row.agency, values, row.id, submitted)
    before = _state(row)
    row.decision, row.result, row.concluded_on = body.decision, result, body.concluded_on
    session.flush()
    audit.record(session, actor=actor.name, role=actor.role, action="case:conclude", before=before, after=_state(row))
    return row, warnings


def _not_followed(session: Session, row: CaseRow, submitted: dict[str, Any]) -> None:
    followers = list(session.scalars(select(CaseRow.case_number).where(CaseRow.reconsideration_id == row.id)))
    if followers:
        raise Conflict(f"kind: the 复议后起诉 case(s) {', '.join(followers)} follow this 行政复议 case: correct "
                       "them first", field="kind", submitted=submitted)


def correct(session: Session, ctx: Context, actor: Actor, case_id: int, body: CorrectIn) -> tuple[CaseRow, list[str]]:
    """A recorded change of any of the case's fields, with its reason, checked as a new record would be."""
    submitted = body.model_dump(mode="json", exclude_unset=True)
    row = case_of(session, ctx.settings.agency_code, case_id)
    _current(row, body.lock_version, submitted)
    changes = body.changes.model_dump(exclude_unset=True)
    for field in ("kind", "case_number", "body", "subject", "filed_on"):
        if field in changes and changes[field] is None:
            raise _invalid(field, "cannot be cleared", submitted)
    old = values_of(row)
    values = {**old, **changes}
    changed = sorted(f for f in FIELDS if values[f] != old[f])
    if not changed:
        raise Invalid("changes: nothing would change", errors=[{"field": "changes", "message": "no field differs"}],
                      submitted=submitted)
    if "kind" in changed and row.kind == CaseKind.RECONSIDERATION:
        _not_followed(session, row, submitted)
    result, warnings = checked(session, row.agency, values, row.id, submitted)
    before = {**_state(row)}
    for field in changed:
        setattr(row, field, values[field] if field != "decision" else values[field] or "")
    row.result = result
    session.flush()
    audit.record(session, actor=actor.name, role=actor.role, action="case:correct",
                 before={k: before[k] for k in ("case_id", "case_number", "result", "lock_version", *changed)},
                 after={"case_id": row.id, "case_number": row.case_number, "result": row.result,
                        "lock_version": row.lock_version, **{f: getattr(row, f) for f in changed},
                        "changed": changed, "reason": body.reason})
    return row, warnings
