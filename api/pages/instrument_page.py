"""The catalog's 规章 and 行政规范性文件 on the pages (Table 二, block 第二十条第（一）项; api/annual/instruments.py).

- `item_instrument`: what the item page's partial (item_instrument.html.j2) shows for an item of the proactive
  store: its record (规章/行政规范性文件, 公布日期, 有效/失效/废止 and since when) and, for a role with
  set_instrument, the form to set it.
- GET /items/{id}/instrument: the record and the form on a page of their own (where the form's refusals are
  shown, in Chinese beside each field, with what was entered kept).
- POST /items/{id}/instrument: the same use case as PUT /v1/items/{id}/instrument, audited instrument.set;
  success goes back to the page with a notice.

Authorisation is page(action), the API's allow() with the same PERMISSIONS; an item the person may not see
is "not found", as in the API; a title the person may not read is not shown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Mapping

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.access.visibility import may_read
from api.annual import instruments
from api.annual.instrument_schemas import InstrumentIn
from api.context import Context
from api.deps import ContextDep, SessionDep
from api.errors import Conflict, Invalid, NotFound
from api.pages.layout import PageRefusal, form, page, render, when
from api.schemas import MAX_ID
from api.settings import Settings
from engine.vocabulary import Column, Store
from models.annual_records import InstrumentRow
from models.tables import ItemRow

router = APIRouter()
ItemId = Annotated[int, Path(ge=0, le=MAX_ID, description="an item's id")]
ReadStorePage = Annotated[Signed, Depends(page("read_store"))]
SetInstrumentPage = Annotated[Signed, Depends(page("set_instrument"))]
OPTIONS = {"instrument": list(instruments.INSTRUMENT_ZH.items()), "validity": list(instruments.VALIDITY_ZH.items())}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
BAD_DAY = "日期应写作 YYYY-MM-DD，如 2025-03-12。"
CHOOSE = {"instrument": "请选择规章或行政规范性文件。", "validity": "请选择有效、失效或废止。"}
NOT_IN_STORE = "此事项不在主动公开库：规章和行政规范性文件属于主动公开的政府信息（《条例》第二十条第（一）项），只登记主动公开库中的事项。"
CHANGED = "登记已被他人修改：请重新打开本页，核对后再保存。未作任何更改。"


class FormError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _record_zh(row: InstrumentRow, item: ItemRow) -> dict[str, Any]:
    record = instruments.view(row, item)
    since = record["ended_on"] or record["issued_on"]
    return {**record, "since": since, "updated_at": when(record["updated_at"])}


def _values(row: InstrumentRow | None, item: ItemRow) -> dict[str, str]:
    """The form's initial values: the record's, else the defaults PUT would take."""
    if row is not None:
        return {"instrument": row.instrument, "issued_on": row.issued_on.isoformat(), "validity": row.validity,
                "ended_on": row.ended_on.isoformat() if row.ended_on else "", "note": row.note}
    guess = "normative_documents" if item.column == Column.NORMATIVE_DOCUMENTS else ""
    return {"instrument": guess, "issued_on": instruments.default_issued_on(item).isoformat(), "validity": "in_force",
            "ended_on": "", "note": ""}


def item_instrument(session: Session, settings: Settings, signed: Signed, item: ItemRow, *,
                    errors: Mapping[str, str] | None = None, posted: Mapping[str, str] | None = None
                    ) -> dict[str, Any] | None:
    """The partial's values; None for an item outside the proactive store that has no record (nothing to show).
    `settings` is the caller's, for the same reading rules as the API (kept for the item page's call)."""
    if not may_read(signed.actor, item, settings):
        return None  # its record is its content, as in the API (instruments.record_of)
    row = session.get(InstrumentRow, item.id)
    counted = item.store == Store.PROACTIVE
    if row is None and not counted:
        return None
    return {"item_id": item.id, "record": _record_zh(row, item) if row is not None else None, "counted": counted,
            "may_set": counted and signed.actor.role in PERMISSIONS["set_instrument"], "options": OPTIONS,
            "entered": {**_values(row, item), **(posted or {})}, "errors": dict(errors or {}),
            "lock_version": row.lock_version if row is not None else ""}


def _day(fields: Mapping[str, str], name: str, errors: dict[str, str]) -> dt.date | None:
    value = fields.get(name, "").strip()
    if not value:
        return None
    try:
        if DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    errors[name] = BAD_DAY
    return None


def form_input(fields: Mapping[str, str]) -> InstrumentIn:
    """The form's fields as the API's input; FormError with a Chinese sentence for each field that cannot be read."""
    errors: dict[str, str] = {}
    for name in ("instrument", "validity"):
        if fields.get(name) not in dict(OPTIONS[name]):
            errors[name] = CHOOSE[name]
    issued_on, ended_on = _day(fields, "issued_on", errors), _day(fields, "ended_on", errors)
    version = fields.get("expected_version", "")
    if errors:
        raise FormError(errors)
    try:
        return InstrumentIn.model_validate({  # the choices were checked above; pydantic checks them again
            "instrument": fields["instrument"], "validity": fields["validity"], "issued_on": issued_on,
            "ended_on": ended_on, "note": fields.get("note", ""),
            "expected_version": int(version) if version.isdigit() and len(version) < 10 else None})
    except ValidationError as exc:
        said = {"note": "备注过长。", "expected_version": "版本号有误：请重新打开本页。"}
        raise FormError({str(e["loc"][0]): said.get(str(e["loc"][0]), "日期应在1990年至2999年之间。") for e in exc.errors()}) from None


def _load(session: Session, ctx: Context, signed: Signed, item_id: int) -> ItemRow:
    try:
        return instruments.visible_item(session, signed.actor, ctx.settings, item_id)
    except NotFound:
        raise PageRefusal(404, "未找到此事项，或您无权查看。") from None


def _page(session: Session, ctx: Context, signed: Signed, item_id: int, *, status: int = 200,
          errors: Mapping[str, str] | None = None, posted: Mapping[str, str] | None = None,
          notice: str | None = None) -> HTMLResponse:
    item = _load(session, ctx, signed, item_id)
    title = item.title if may_read(signed.actor, item, ctx.settings) else None
    return render("instrument.html.j2", signed, status, item_id=item.id, title=title, notice=notice,
                  instrument=item_instrument(session, ctx.settings, signed, item, errors=errors, posted=posted),
                  not_in_store=NOT_IN_STORE)


@router.get("/items/{item_id}/instrument", response_class=HTMLResponse)
def instrument_page(item_id: ItemId, request: Request, session: SessionDep, ctx: ContextDep,
                    signed: ReadStorePage) -> HTMLResponse:
    notice = "已保存登记。" if request.query_params.get("done") == "set" else None
    return _page(session, ctx, signed, item_id, notice=notice)


def _set(session: Session, ctx: Context, signed: Signed, item_id: int, fields: Mapping[str, str]) -> Response:
    posted = {k: v for k, v in fields.items() if k not in ("csrf", "expected_version")}
    try:
        body = form_input(fields)
        with instruments.one_writer(session, item_id, posted):
            instruments.set_record(session, signed.actor, ctx.settings, item_id, body)
    except FormError as exc:
        status, errors = 422, exc.errors
    except Invalid as exc:
        status, errors = 422, {e["field"]: e["zh"] for e in exc.extra.get("errors") or ()}
    except Conflict as exc:
        status, errors = 409, {"form": NOT_IN_STORE if exc.extra.get("field") == "item_id" else CHANGED}
    except NotFound:
        raise PageRefusal(404, "未找到此事项，或您无权查看。") from None
    else:
        return RedirectResponse(f"/items/{item_id}/instrument?done=set", 303)
    session.rollback()
    return _page(session, ctx, signed, item_id, status=status, errors=errors, posted=posted)


@router.post("/items/{item_id}/instrument")
async def set_instrument(item_id: ItemId, request: Request, session: SessionDep, ctx: ContextDep,
                         signed: SetInstrumentPage) -> Response:
    fields = await form(request)
    return await run_in_threadpool(_set, session, ctx, signed, item_id, fields)
