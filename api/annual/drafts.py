"""The office's work on a year's report: the narrative, Table 二's hand-entered cells (with their source and
who entered them), corrections of computed cells (with a reason, against what the register gave), and
reopening. Every change is in the audit chain with what it was before; the caller commits (`one_writer`).

A submitted report is frozen: nothing changes it until it is reopened, which is allowed only when its item
left review without reaching the proactive store (a published report is not rewritten; 条例第四十九条).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.annual.views import check_year, computed, row_of
from api.context import Actor, Context
from api.errors import Conflict, Invalid
from engine.annual import fmt21
from engine.vocabulary import ItemStatus, Store
from engine.workflow.working_days import today_in_china
from models import audit
from models.annual_records import AnnualReportRow
from models.base import utc_now
from models.tables import ItemRow

FEE_PLACES = 4  # 万元 to four places: one 元


@contextmanager
def one_writer(session: Session, year: int, submitted: dict[str, Any]) -> Iterator[None]:
    """The block's changes committed; 409 when someone else changed the report meanwhile."""
    try:
        yield
        session.commit()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise Conflict(f"the {year} report was changed by someone else at the same time: read it again",
                       submitted=submitted) from None


def _editable(session: Session, ctx: Context, actor: Actor, year: int, expected: int | None,
              submitted: dict[str, Any]) -> AnnualReportRow:
    """The year's draft (made on first change); 409 when submitted, or not the version the caller read."""
    check_year(year, today_in_china())
    row = row_of(session, ctx.settings.agency_code, year)
    if row is None:
        row = AnnualReportRow(agency=ctx.settings.agency_code, year=year, format=fmt21.FORMAT, title="", sections={},
                              manual={}, corrections=[], status="draft", created_by=actor.name)
        session.add(row)
        session.flush()
    if row.status != "draft":
        raise Conflict(f"the {year} report was submitted on {row.submitted_at:%Y-%m-%d} and is frozen: reopen it "
                       "first (only when its review did not publish it)", submitted=submitted)
    if expected is not None and expected not in (row.lock_version, 0):
        raise Conflict(f"the {year} report changed since it was read (version {row.lock_version}, not {expected}): "
                       "read it again; what you submitted is returned", submitted=submitted)
    return row


def _audit(session: Session, actor: Actor, action: str, before: Any, after: Any) -> None:
    audit.record(session, actor=actor.name, role=actor.role, action=f"annual_report:{action}", before=before, after=after)


def save_sections(session: Session, ctx: Context, actor: Actor, year: int, body: dict[str, Any]) -> None:
    """The title and the narrative sections (一、五、六); a field not sent is left as it is."""
    row = _editable(session, ctx, actor, year, body.get("expected_version"), body)
    before = {"title": row.title, "sections": dict(row.sections or {})}
    sections = dict(row.sections or {})
    for key in fmt21.NARRATIVE:
        if body.get(key) is not None:
            sections[key] = body[key]
    row.sections = sections
    if body.get("title") is not None:
        row.title = body["title"]
    _audit(session, actor, "sections", {"year": year, **before}, {"year": year, "title": row.title, "sections": sections})


def _entered_value(row_key: str, value: Any, submitted: dict[str, Any]) -> Any:
    if row_key == "fees":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount < 0 or isinstance(value, bool) or amount.as_tuple().exponent < -FEE_PLACES:  # type: ignore[operator]
            raise Invalid(f"value: {value!r} is not an amount of 万元 (non-negative, at most {FEE_PLACES} decimal places)",
                          field="value", submitted=submitted)
        return format(amount, "f")  # 1E+3 → 1000: printed as typed in 万元
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Invalid(f"value: {value!r} is not a count (a non-negative whole number)", field="value", submitted=submitted)
    return value


def enter(session: Session, ctx: Context, actor: Actor, year: int, row_key: str, body: dict[str, Any]) -> None:
    """A hand-entered cell of Table 二 (行政许可、行政处罚、行政强制 decisions; fee income in 万元), with its source."""
    if row_key not in fmt21.MANUAL_ROWS:
        raise Invalid(f"row: {row_key!r} is not entered by hand; one of {', '.join(fmt21.MANUAL_ROWS)}", field="row",
                      submitted=body)
    value = _entered_value(row_key, body.get("value"), body)
    source = (body.get("source") or "").strip()
    if not source:
        raise Invalid("source: say where the figure comes from (the system or office that keeps it)", field="source",
                      submitted=body)
    row = _editable(session, ctx, actor, year, body.get("expected_version"), body)
    manual = dict(row.manual or {})
    before = manual.get(row_key)
    manual[row_key] = {"value": value, "source": source, "entered_by": actor.name, "at": utc_now().isoformat()}
    row.manual = manual
    _audit(session, actor, "entry", {"year": year, "row": row_key, "entry": before}, {"year": year, "row": row_key,
                                                                                      "entry": manual[row_key]})


def correct(session: Session, ctx: Context, actor: Actor, year: int, body: dict[str, Any]) -> None:
    """A computed cell set by hand (a reason is required), or a correction withdrawn (`value` null). It records
    what the register gave, so check 7 notices when the register changes afterwards."""
    table, row_key, column = body.get("table"), body.get("row"), body.get("column")
    row = _editable(session, ctx, actor, year, body.get("expected_version"), body)
    register = computed(session, ctx.settings, year, row)["computed"]
    if table not in register or row_key not in register[table] or column not in register[table][row_key]:
        raise Invalid(f"cell: {table}/{row_key}/{column} is not a computed cell of the report (Table 二's entered "
                      "cells are entered, not corrected)", field="cell", submitted=body)
    reason = (body.get("reason") or "").strip()
    if not reason:
        raise Invalid("reason: a correction of a computed cell needs a reason (it is audited)", field="reason",
                      submitted=body)
    value = body.get("value")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise Invalid(f"value: {value!r} is not a count (a non-negative whole number)", field="value", submitted=body)
    kept = [c for c in row.corrections or [] if (c["table"], c["row"], c["column"]) != (table, row_key, column)]
    before = [c for c in row.corrections or [] if c not in kept]
    fix = None
    if value is not None:
        fix = {"table": table, "row": row_key, "column": column, "computed": register[table][row_key][column],
               "value": value, "reason": reason, "by": actor.name, "at": utc_now().isoformat()}
        kept.append(fix)
    row.corrections = kept
    _audit(session, actor, "correction" if fix else "correction_withdrawn",
           {"year": year, "correction": before[0] if before else None},
           {"year": year, "correction": fix, "reason": reason})


def reopen(session: Session, ctx: Context, actor: Actor, year: int, reason: str) -> None:
    """Back to a draft, when its review did not publish it (the item reached another store)."""
    row = row_of(session, ctx.settings.agency_code, year)
    if row is None or row.status != "submitted":
        raise Conflict(f"the {year} report is not submitted: there is nothing to reopen")
    item = session.get(ItemRow, row.item_id) if row.item_id is not None else None
    if item is not None and item.store == Store.PROACTIVE.value:
        raise Conflict(f"the {year} report is published (item {item.id}): a published report is not rewritten")
    if item is not None and item.status in (ItemStatus.SECRECY_REVIEW.value, ItemStatus.DISCLOSURE_REVIEW.value):
        raise Conflict(f"the {year} report's item {item.id} is under review: the reviewers decide first")
    if not reason.strip():
        raise Invalid("reason: say why the report is reopened", field="reason")
    row.status, row.frozen = "draft", None
    _audit(session, actor, "reopen", {"year": year, "item_id": row.item_id}, {"year": year, "reason": reason})
