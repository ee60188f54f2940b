"""Reading applications: who may see which (the office, supervision and the admin see all; a clerk the
applications assigned to their division; out of scope is 404, like items), one with its events, and the
list with its filters, ordered by effective deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session

from api.context import Actor
from api.errors import NotFound
from engine.applications.lifecycle import OPEN
from engine.vocabulary import ApplicationStatus, Role
from models.tables import ApplicationRow

OPEN_STATUSES = tuple(s.value for s in OPEN)


def in_scope(actor: Actor, row: ApplicationRow) -> bool:
    if actor.role == Role.CLERK:
        return actor.division is not None and row.handler_division == actor.division
    return True


def scope_clause(actor: Actor) -> ColumnElement[bool]:
    """in_scope in SQL."""
    if actor.role == Role.CLERK:
        return ApplicationRow.handler_division == actor.division if actor.division else false()
    return true()


def application(session: Session, actor: Actor, application_id: int) -> ApplicationRow:
    """One application the caller may see; 404 otherwise (not even its existence is told)."""
    row = session.get(ApplicationRow, application_id)
    if row is None or not in_scope(actor, row):
        raise NotFound(f"no application {application_id}")
    return row


def applications(session: Session, actor: Actor, *, today: dt.date, limit: int, offset: int,
                 status: ApplicationStatus | None = None, due_before: dt.date | None = None,
                 overdue: bool | None = None, division: str | None = None) -> tuple[int, list[ApplicationRow]]:
    """The applications in scope matching the filters, the nearest effective deadline first (none last).
    `due_before` and `overdue` look at open applications only: a concluded one has no deadline to meet."""
    conditions = [scope_clause(actor)]
    if status is not None:
        conditions.append(ApplicationRow.status == status.value)
    if division is not None:
        conditions.append(ApplicationRow.handler_division == division)
    if due_before is not None:
        conditions += [ApplicationRow.status.in_(OPEN_STATUSES), ApplicationRow.effective_deadline < due_before]
    if overdue is not None:
        late = ApplicationRow.status.in_(OPEN_STATUSES) & (ApplicationRow.effective_deadline < today)
        conditions.append(late if overdue else ~late | ApplicationRow.effective_deadline.is_(None))
    total = session.scalar(select(func.count()).select_from(ApplicationRow).where(*conditions)) or 0
    rows = session.scalars(select(ApplicationRow).where(*conditions).order_by(
        ApplicationRow.effective_deadline.is_(None), ApplicationRow.effective_deadline, ApplicationRow.id)
        .limit(limit).offset(offset))
    return total, list(rows)
