"""Letters issued on an application (issue 17; applications.md §2, §1.7): rendered from the case and the
elements the issuer gives, numbered (文号: GONGKAI_LETTER_NUMBER_PATTERN with a gapless serial per agency,
year and letter code, as the registration numbers are), stored as rendered and audited. A letter on file is
read back from what was stored: a template edited later does not change a letter already sent.

Refusals: a missing element 422 naming each (key and Chinese name; the setting for a missing agency
setting); a letter that does not fit the case 409 naming the rule and the article (api/letters/fit.py).

`require_answer` is the dispatch guard (条例第三十六条: an application is answered in writing): the route of
POST …/events calls it before dispatch_answer, since api.applications may not import this package.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.applications import queries, views
from api.context import Actor, Context
from api.errors import Conflict, Invalid, NotFound
from api.letters.elements import HISTORY, NUMBER_PATTERN, Missing, MissingElements
from api.letters.fit import RECEIPT, Event, Misfit, check, is_answer, uncovered
from api.letters.from_case import frame, from_transition, history
from api.letters.render import Letter, render, templates_at
from api.letters.schemas import LetterIn
from api.letters.templates import LetterTemplate, Templates
from engine.workflow.working_days import today_in_china
from models import audit
from models.counters import next_value
from models.tables import ApplicationEventRow, ApplicationLetterRow, ApplicationRow

LETTER_FIELDS = ("kind", "name", "title", "number", "addressee", "paragraphs", "agency", "date", "contact")
GIVEN_HISTORY = "extension_notice"  # an extension notice sent outside gongkai: its 文号 as the issuer gives it


def _templates(ctx: Context) -> Templates:
    templates = templates_at(ctx.settings.letters)
    missing = uncovered(templates)
    if missing:
        raise Conflict(f"letter types {missing} have no place in the table of which letter goes with which "
                       "transition (api/letters/fit.py): no letter is issued until they do",
                       rule="fit_table", article="条例第三十六条")
    return templates


def _events(session: Session, row: ApplicationRow) -> list[ApplicationEventRow]:
    return sorted(views.row_events(session, row), key=lambda e: e.seq)


def _letters(session: Session, row: ApplicationRow) -> list[ApplicationLetterRow]:
    return list(session.scalars(select(ApplicationLetterRow).where(ApplicationLetterRow.application_id == row.id)
                                .order_by(ApplicationLetterRow.id)))


def _refuse_unknown(template: LetterTemplate, elements: Mapping[str, Any], submitted: dict[str, Any]) -> None:
    allowed = set() if template.kind == RECEIPT else {*template.elements, *template.optional}
    if template.history:
        allowed.add(GIVEN_HISTORY)
    unknown = sorted(set(elements) - allowed)
    if unknown:
        raise Invalid(f"{template.name}（{template.kind}）has no elements {unknown}; it takes {sorted(allowed)} "
                      "(the registration, dates and handling history come from the case)", submitted=submitted,
                      errors=[{"field": f"elements.{key}", "message": "not an element of this letter"}
                              for key in unknown])


def _values(session: Session, row: ApplicationRow, template: LetterTemplate, elements: Mapping[str, Any],
            today: dt.date, transition: Event | None) -> tuple[dict[str, Any], list[Missing]]:
    """The letter's values: what its transition holds, the issuer's elements, then the case (which the
    issuer cannot override); and what the case lacks (an extension on file without its notice's 文号)."""
    if template.kind == RECEIPT:
        return views.receipt_values(row), []
    past = history(_events(session, row), _letters(session, row))
    held = from_transition(template.kind, transition.params) if transition is not None else {}
    values = {**held, **elements, **frame(row, today), **past}
    lacking = []
    if template.history and "extension_notice_on" in past and not values.get(GIVEN_HISTORY):
        lacking.append(Missing(GIVEN_HISTORY, HISTORY[GIVEN_HISTORY]))
    return values, lacking


def _render(kind: str, values: Mapping[str, Any], ctx: Context, templates: Templates, lacking: list[Missing],
            submitted: dict[str, Any]) -> Letter:
    """The letter, or 422 naming every missing element and setting."""
    missing = list(lacking)
    letter = None
    try:
        letter = render(kind, values, ctx.settings, templates)
    except MissingElements as refused:
        missing = [*refused.missing, *missing]
    except (ValueError, TypeError) as error:
        raise Invalid(str(error), submitted=submitted) from None
    if missing or letter is None:
        template = templates.letters[kind]
        refused = MissingElements(kind, template.name, missing)
        raise Invalid(str(refused), submitted=submitted,
                      missing=[{"key": m.key, "name": m.name, "setting": m.setting} for m in missing])
    return letter


def _serial(session: Session, ctx: Context, template: LetterTemplate, today: dt.date,
            submitted: dict[str, Any]) -> int | None:
    """The letter's serial: gapless per agency, year and letter code (the counter's row lock queues
    concurrent issuers; a refusal rolls it back)."""
    if not template.code:
        return None
    if "{serial}" not in ctx.settings.letter_number_pattern:
        raise Invalid(f"{NUMBER_PATTERN[0]}（{NUMBER_PATTERN[1]}）has no {{serial}}: two letters would get the "
                      "same 文号", submitted=submitted,
                      missing=[{"key": "letter_number_pattern", "name": NUMBER_PATTERN[0],
                                "setting": NUMBER_PATTERN[1]}])
    return next_value(session, f"letter:{ctx.settings.agency_code}:{today.year}:{template.code}")


def issue(session: Session, ctx: Context, actor: Actor, application_id: int, body: LetterIn) -> ApplicationLetterRow:
    """Issue one letter on the application; the caller commits."""
    submitted = body.model_dump(mode="json")
    row = queries.application(session, actor, application_id)
    if body.lock_version is not None and body.lock_version != row.lock_version:
        raise Conflict(f"application {application_id} changed since you read it (version {body.lock_version}, "
                       f"now {row.lock_version}): read it again", submitted=submitted,
                       current={"status": row.status, "lock_version": row.lock_version})
    templates = _templates(ctx)
    template = templates.letters.get(body.kind)
    if template is None:
        raise Invalid(f"no letter type “{body.kind}”; there are {sorted(templates.letters)}", submitted=submitted,
                      errors=[{"field": "kind", "message": "not a letter type"}])
    events = [Event(e.seq, e.kind, (e.details or {}).get("params") or {}) for e in _events(session, row)]
    try:
        event_seq = check(template, row.status, row.outcome, row.received_on is not None, events, body.event_seq)
    except Misfit as misfit:
        raise Conflict(f"{template.name} refused: {misfit.message}", rule=misfit.rule, article=misfit.article,
                       submitted=submitted) from None
    _refuse_unknown(template, body.elements, submitted)
    today = today_in_china()
    transition = next((e for e in events if e.seq == event_seq), None)
    values, lacking = _values(session, row, template, body.elements, today, transition)
    _render(body.kind, {**values, "serial": 1}, ctx, templates, lacking, submitted)  # refuse before numbering
    serial = _serial(session, ctx, template, today, submitted)
    letter = _render(body.kind, {**values, "serial": serial}, ctx, templates, lacking, submitted)
    text = {name: getattr(letter, name) for name in LETTER_FIELDS}
    stored = ApplicationLetterRow(
        application_id=row.id, kind=body.kind, number=letter.number, serial=serial, elements=dict(body.elements),
        letter={**text, "paragraphs": list(letter.paragraphs), "outcome": row.outcome if is_answer(template) else None},
        event_seq=event_seq, issued_on=today, issued_by=actor.name, role=actor.role)
    session.add(stored)
    session.flush()
    audit.record(session, actor=actor.name, role=actor.role, action="application:letter",
                 before={"application_id": row.id, "reg_no": row.reg_no, "status": row.status},
                 after={"application_id": row.id, "reg_no": row.reg_no, "letter_id": stored.id, "kind": body.kind,
                        "number": letter.number, "event_seq": event_seq, "issued_on": today})
    return stored


def letters(session: Session, actor: Actor, application_id: int) -> list[ApplicationLetterRow]:
    """The letters on file for an application the caller may see, in the order issued."""
    return _letters(session, queries.application(session, actor, application_id))


def letter(session: Session, actor: Actor, application_id: int, letter_id: int) -> ApplicationLetterRow:
    row = queries.application(session, actor, application_id)
    found = session.get(ApplicationLetterRow, letter_id)
    if found is None or found.application_id != row.id:
        raise NotFound(f"application {application_id} has no letter {letter_id}")
    return found


def as_letter(stored: ApplicationLetterRow) -> Letter:
    """The letter as it was rendered when issued (for DOCX and HTML)."""
    text = stored.letter
    return Letter(text["kind"], text["name"], text["title"], text.get("number"), text["addressee"],
                  tuple(text["paragraphs"]), text["agency"], text["date"], text["contact"])


def view(stored: ApplicationLetterRow) -> dict[str, Any]:
    """The letter on file as the API sends it."""
    return {**{name: stored.letter.get(name) for name in LETTER_FIELDS}, "id": stored.id,
            "application_id": stored.application_id, "outcome": stored.letter.get("outcome"),
            "event_seq": stored.event_seq, "issued_on": stored.issued_on.isoformat(), "issued_by": stored.issued_by,
            "role": stored.role, "created_at": stored.created_at.isoformat(), "elements": stored.elements}


def require_answer(session: Session, row: ApplicationRow) -> None:
    """条例第三十六条: the answer is dispatched in writing. 409 unless an answer letter for the application's
    present outcome is on file (with no outcome yet the lifecycle refuses the dispatch itself)."""
    if row.outcome is None:
        return
    if any(stored.letter.get("outcome") == row.outcome for stored in _letters(session, row)):
        return
    raise Conflict(f"dispatch_answer refused: no answer letter for the outcome “{row.outcome}” has been issued "
                   f"(POST /v1/applications/{row.id}/letters first): an answer is given in writing",
                   rule="answer_letter", article="条例第三十六条")
