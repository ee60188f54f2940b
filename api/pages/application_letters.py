"""The case page's letters (applications.md §2): the letters on file with their printable and DOCX copies, and a
form for each letter type that fits the case now (api/letters/fit.py decides which: an answer for the present
outcome, a notice after its transition), asking only the letter's own elements (data/letters/*.yaml: the
registration, dates and handling history come from the case). Issuing is api/letters/issued.issue, the very use
case of POST /v1/applications/{id}/letters.

A form field is the element's key prefixed "el_"; a flag is a checkbox, a list one entry a line, a list of
records one record a line, its fields separated by "｜" in the order the hint gives.
"""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.context import Actor, Context
from api.applications import views
from api.letters import fit, issued, templates_at
from api.letters.schemas import LetterIn
from api.letters.templates import Element, LetterTemplate
from api.pages.application_forms import FormError, lock_version
from models.tables import ApplicationRow

SEPARATOR = "｜"
ORDER = {"answer": 0, "notice": 1}


def _element_view(element: Element, required: bool) -> dict[str, Any]:
    hint = {"flag": "", "list": "每行一项",
            "records": "每行一项，各栏用“｜”分隔：" + SEPARATOR.join(element.fields.values())}.get(element.shape, "")
    return {"key": element.key, "name": element.name, "shape": element.shape, "hint": hint, "required": required}


def _fits(template: LetterTemplate, row: ApplicationRow, events: list[fit.Event]) -> bool:
    try:
        fit.check(template, row.status, row.outcome, row.received_on is not None, events, None)
    except fit.Misfit:
        return False
    return True


def issuable(session: Session, ctx: Context, row: ApplicationRow) -> list[dict[str, Any]]:
    """The letter types that fit the case now, answers first, each with the elements it asks."""
    templates = templates_at(ctx.settings.letters)
    stored = sorted(views.row_events(session, row), key=lambda e: e.seq)
    events = [fit.Event(e.seq, e.kind, (e.details or {}).get("params") or {}) for e in stored]
    out = []
    for kind, template in templates.letters.items():
        if kind == fit.RECEIPT or not _fits(template, row, events):
            continue
        elements = [_element_view(e, True) for e in template.elements.values()]
        elements += [_element_view(e, False) for e in template.optional.values()]
        why = _why(kind, stored)
        for element in elements:  # a notice's reason: the one recorded with its transition, to edit if need be
            element["default"] = why if element["key"] == "reason" and element["shape"] == "text" else ""
        if template.history:
            elements.append({"key": issued.GIVEN_HISTORY, "name": "延期告知书文号（在本系统外出具的）", "default": "",
                             "shape": "text", "hint": "延长答复期限的告知书不是在本系统出具的，填写其文号", "required": False})
        out.append({"kind": kind, "name": template.name, "basis": template.basis, "elements": elements,
                    "answer": fit.is_answer(template)})
    return sorted(out, key=lambda t: (not t["answer"], t["name"]))


def _why(kind: str, stored: list[Any]) -> str:
    """The reason recorded with the transition a notice goes with (its latest), or ''."""
    notice = fit.NOTICES.get(kind)
    if notice is None:
        return ""
    last = [e for e in stored if e.kind == notice.events[-1]]
    return str(last[-1].why or "") if last else ""


def section(session: Session, ctx: Context, actor: Actor, row: ApplicationRow) -> dict[str, Any]:
    on_file = [{"id": s.id, "name": s.letter.get("name", s.kind), "number": s.number or "（无文号）",
                "issued_on": s.issued_on.isoformat(), "issued_by": s.issued_by}
               for s in issued.letters(session, actor, row.id)]
    may_issue = actor.role in PERMISSIONS["issue_letter"]
    return {"template": "pages/application_letters.html.j2", "on_file": on_file,
            "issuable": issuable(session, ctx, row) if may_issue else []}


def _element(shape: str, value: str, fields: Mapping[str, str]) -> Any:
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if shape == "flag":
        return value == "yes"
    if shape == "list":
        return lines
    if shape == "records":
        names = list(fields)
        return [dict(zip(names, [part.strip() for part in line.split(SEPARATOR)], strict=False)) for line in lines]
    return value.strip()


def letter_input(fields: Mapping[str, str], templates: Mapping[str, LetterTemplate]) -> LetterIn:
    """The letter form as LetterIn: the elements given (an empty one left out; the use case names what is missing)."""
    kind = fields.get("letter_kind", "")
    template = templates.get(kind)
    if template is None:
        raise FormError({"form": "没有这种文书。"})
    elements: dict[str, Any] = {}
    every = {**template.elements, **template.optional}
    for key, spec in every.items():
        value = fields.get(f"el_{key}", "")
        if value.strip() or spec.shape == "flag":
            elements[key] = _element(spec.shape, value, spec.fields)
    if template.history and fields.get(f"el_{issued.GIVEN_HISTORY}", "").strip():
        elements[issued.GIVEN_HISTORY] = fields[f"el_{issued.GIVEN_HISTORY}"].strip()
    try:
        return LetterIn(kind=kind, elements=elements, lock_version=lock_version(fields))
    except ValidationError:
        raise FormError({"form": "文书要素填写有误（过长或含有控制字符），请检查后重试。"}) from None


def templates_of(ctx: Context) -> Mapping[str, LetterTemplate]:
    return templates_at(ctx.settings.letters).letters
