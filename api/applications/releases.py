"""Redacted copies (条例第三十七条 区分处理; 第十五条 个人隐私): proposed from an item's current text, decided span
by span, confirmed as a whole, and only then released. The original and the copy are kept side by side in one
row (models/application_records.py ReleaseRow); the redaction's every state, with its history, is its JSON.

Two purposes:
- `application`: the copy an answer encloses (partial disclosure). The office and the clerks of the division
  handling the application redact it; the office confirms it.
- `publication`: the public copy of a proactive item. The office and the disclosure reviewers redact it; the
  disclosure reviewer confirms it, and the website's feed then serves the copy, never the original
  (api/items/publication.py).

Who may see a release is who may read its item (and, for an answer's copy, its application): anyone else
gets 404, the same as for a release that does not exist. A refused role (a clerk on a publication copy)
is 403 only once the release is visible to it. Audit events name kinds, offsets and counts, never the
masked words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.access.roles import PERMISSIONS
from api.access.visibility import Viewer, in_scope, is_secret, may_read
from api.applications import queries
from api.applications.release_schemas import AddSpanIn, ConfirmReleaseIn, DecisionsIn, ReleaseIn
from api.context import Actor, Context
from api.errors import Conflict, Forbidden, Invalid, NotFound
from api.items import queries as item_queries
from engine.applications.redaction import Redaction, RedactionRefused, propose_redaction, text_sha256
from engine.applications.redaction_records import redaction_from_dict, redaction_to_dict, released_to_dict
from engine.applications.redaction_spans import RedactionSpan, span_of
from engine.vocabulary import Category, ItemStatus, Role, Store
from models import audit
from models.application_records import ReleaseRow
from models.base import utc_now
from models.counters import next_value
from models.tables import FeedEntryRow, ItemRow

# Who works on each purpose's copies, and who confirms them (api/access/roles.py: redact, confirm_release).
REDACTORS = {"application": frozenset({Role.OFFICE, Role.CLERK}),
             "publication": frozenset({Role.OFFICE, Role.DISCLOSURE_REVIEWER})}
CONFIRMERS = {"application": frozenset({Role.OFFICE}), "publication": frozenset({Role.DISCLOSURE_REVIEWER})}


def item_text(item: ItemRow) -> tuple[int, str]:
    """The item's current version number and its text (the document's body, as the feed publishes it)."""
    current = max(item.versions, key=lambda v: v.number)
    return current.number, str((current.document or {}).get("body") or "")


def readable_item(session: Session, ctx: Context, actor: Actor, item_id: int) -> ItemRow:
    """An item the caller may read, or 404 exactly as reading it would say (not even its existence)."""
    item = item_queries.item(session, Viewer(actor, ctx.settings), item_id)
    if not may_read(actor, item, ctx.settings):
        raise NotFound(f"no item {item_id}")
    return item


def _not_secret(item: ItemRow | None) -> None:
    if item is not None and is_secret(item):
        why = (f"carries a secrecy marking ({item.marking})" if item.marked else
               f"is not decided non-secret (secrecy {item.secrecy or item.suggested_secrecy or 'undecided'})")
        raise Conflict(f"item {item.id} {why}: no copy of it is released, redacted or not (条例第十四条: "
                       "国家秘密 is not disclosed)", reason="secret")


def _role(actor: Actor, allowed: frozenset[Role], what: str) -> None:
    if actor.role not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise Forbidden(f"role {actor.role} may not {what} (allowed: {names})")


def _summary(redaction: Redaction) -> dict[str, Any]:
    """What an audit event says of a redaction: counts by kind, never the words."""
    return {"spans": len(redaction.spans), "kinds": dict(Counter(s.kind.value for s in redaction.spans)),
            "undecided": len(redaction.undecided())}


def _create(session: Session, actor: Actor, item: ItemRow, purpose: str, application_id: int | None) -> ReleaseRow:
    _not_secret(item)
    version, text = item_text(item)
    redaction = propose_redaction(text)
    row = ReleaseRow(application_id=application_id, item_id=item.id, item_version=version, purpose=purpose,
                     original_sha256=redaction.original_sha256, original_text=text,
                     redaction=redaction_to_dict(redaction), status="proposed", created_by=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.name, role=actor.role, action="release:propose", item_id=item.id,
                 after={"release_id": row.id, "purpose": purpose, "application_id": application_id,
                        "item_version": version, **_summary(redaction)})
    session.commit()
    return row


def propose_for_application(session: Session, ctx: Context, actor: Actor, application_id: int,
                            body: ReleaseIn) -> ReleaseRow:
    """A proposed copy of an item's current text for an application's answer (partial disclosure)."""
    _role(actor, REDACTORS["application"], "redact an answer's copy")  # first: it reads no application
    application = queries.application(session, actor, application_id)
    item = readable_item(session, ctx, actor, body.item_id)
    return _create(session, actor, item, "application", application.id)


def propose_for_item(session: Session, ctx: Context, actor: Actor, item_id: int) -> ReleaseRow:
    """A proposed public copy of a proactive item (or one still under review that is not yet decided other)."""
    item = readable_item(session, ctx, actor, item_id)
    _role(actor, REDACTORS["publication"], "redact a published copy")
    if item.store not in (None, Store.PROACTIVE) or item.category not in (None, Category.PROACTIVE):
        raise Conflict(f"item {item.id} is {item.store or item.category}, not proactive: only a proactive item is "
                       "published (an answer's copy is made on its application)")
    return _create(session, actor, item, "publication", None)


def visible(session: Session, ctx: Context, actor: Actor, release_id: int) -> ReleaseRow:
    """A release the caller may see: its item readable and, for an answer's copy, its application in scope
    and the caller one who reads applications; 404 otherwise, as for one that does not exist."""
    row = session.get(ReleaseRow, release_id)
    missing = NotFound(f"no release {release_id}")
    if row is None:
        raise missing
    if row.application_id is not None:
        if actor.role not in PERMISSIONS["read_applications"]:
            raise missing
        try:
            queries.application(session, actor, row.application_id)
        except NotFound:
            raise missing from None
    item = session.get(ItemRow, row.item_id) if row.item_id is not None else None
    if item is None or not in_scope(actor, item, ctx.settings) or not may_read(actor, item, ctx.settings):
        raise missing
    return row


def stale(session: Session, row: ReleaseRow) -> bool:
    """The item has another text since the release was proposed (a new version, or a different body)."""
    item = session.get(ItemRow, row.item_id) if row.item_id is not None else None
    if item is None:
        return True
    version, text = item_text(item)
    return version != row.item_version or text_sha256(text) != row.original_sha256


def _open(session: Session, row: ReleaseRow, lock_version: int, submitted: Mapping[str, Any]) -> Redaction:
    """The redaction of an unconfirmed, current release read at `lock_version`; 409 otherwise."""
    if row.status == "confirmed":
        raise Conflict(f"release {row.id} was confirmed by {row.confirmed_by}: it changes no more; propose a new one",
                       submitted=dict(submitted))
    if lock_version != row.lock_version:
        raise Conflict(f"release {row.id} changed since you read it (lock_version {lock_version}, now "
                       f"{row.lock_version}): read it again", submitted=dict(submitted))
    if stale(session, row):
        item = session.get(ItemRow, row.item_id)
        now = item.current_version if item is not None else None
        raise Conflict(f"release {row.id} is stale: it was proposed from version {row.item_version} of item "
                       f"{row.item_id}, whose text is now version {now}; propose a new release for it",
                       reason="stale", submitted=dict(submitted))
    return redaction_from_dict(row.redaction)


@contextmanager
def one_writer(session: Session, release_id: int) -> Iterator[None]:
    """The block's changes committed, or 409 when someone changed the release meanwhile (lock_version)."""
    try:
        yield
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Conflict(f"release {release_id} was changed by someone else at the same time: read it again") from None


def _span(row: ReleaseRow, start: int, end: int, kind: Any, field: str) -> RedactionSpan:
    try:
        return span_of(row.original_text, start, end, kind)
    except ValueError as error:
        raise Invalid(f"{field}: {error}", errors=[{"field": field, "message": str(error)}]) from None


def decide(session: Session, ctx: Context, actor: Actor, release_id: int, body: DecisionsIn) -> ReleaseRow:
    """Accept, reject or change proposed spans (a decision may be revised until the confirmation)."""
    row = visible(session, ctx, actor, release_id)
    _role(actor, REDACTORS[row.purpose], f"redact a {row.purpose} copy")
    submitted = body.model_dump(mode="json")
    redaction = _open(session, row, body.lock_version, submitted)
    at, taken = utc_now(), []
    for n, d in enumerate(body.decisions):
        field = f"decisions[{n}]"
        try:
            if d.verdict == "change":
                if d.span is None:
                    raise Invalid(f"{field}: a change names the span masked instead",
                                  errors=[{"field": f"{field}.span", "message": "required for change"}])
                to = _span(row, d.span.start, d.span.end, d.span.kind, f"{field}.span")
                redaction = redaction.change(d.index, to, actor.name, at, d.note)
            elif d.verdict == "accept":
                redaction = redaction.accept(d.index, actor.name, at, d.note)
            else:
                redaction = redaction.reject(d.index, actor.name, at, d.note)
        except RedactionRefused as refused:
            raise Invalid(f"{field}: {refused}", errors=[{"field": field, "message": str(refused)}],
                          submitted=submitted) from None
        taken.append({"index": d.index, "verdict": d.verdict, "kind": redaction.spans[d.index].kind.value})
    with one_writer(session, row.id):
        row.redaction = redaction_to_dict(redaction)
        audit.record(session, actor=actor.name, role=actor.role, action="release:decide", item_id=row.item_id,
                     after={"release_id": row.id, "decisions": taken, **_summary(redaction)})
    return row


def add_span(session: Session, ctx: Context, actor: Actor, release_id: int, body: AddSpanIn) -> ReleaseRow:
    """A span the detector missed, masked (accepted by whoever adds it)."""
    row = visible(session, ctx, actor, release_id)
    _role(actor, REDACTORS[row.purpose], f"redact a {row.purpose} copy")
    redaction = _open(session, row, body.lock_version, body.model_dump(mode="json"))
    span = _span(row, body.start, body.end, body.kind, "start")
    try:
        redaction = redaction.add(span, actor.name, utc_now(), body.note)
    except RedactionRefused as refused:
        raise Invalid(str(refused), errors=[{"field": "start", "message": str(refused)}]) from None
    with one_writer(session, row.id):
        row.redaction = redaction_to_dict(redaction)
        audit.record(session, actor=actor.name, role=actor.role, action="release:add_span", item_id=row.item_id,
                     after={"release_id": row.id, "index": len(redaction.spans) - 1, "kind": span.kind.value,
                            "start": span.start, "end": span.end})
    return row


def confirm(session: Session, ctx: Context, actor: Actor, release_id: int, body: ConfirmReleaseIn) -> ReleaseRow:
    """The whole confirmed and the copy made: refused while a span is undecided (each named). A publication
    copy of an item in the proactive store at this version goes to the website's feed at once."""
    row = visible(session, ctx, actor, release_id)
    _role(actor, CONFIRMERS[row.purpose], f"confirm a {row.purpose} copy")
    submitted = body.model_dump(mode="json")
    redaction = _open(session, row, body.lock_version, submitted)
    _not_secret(session.get(ItemRow, row.item_id))  # decided secret since the proposal (a reopened review)
    missing = redaction.undecided()
    if missing:
        named = "、".join(f"#{i} {redaction.spans[i].label} [{redaction.spans[i].start}, {redaction.spans[i].end})"
                         for i in missing)
        raise Conflict(f"release {row.id}: {len(missing)} span(s) have no decision yet: {named}; decide each "
                       "before confirming (条例第三十七条)", undecided=missing, submitted=submitted)
    at = utc_now()
    redaction = redaction.confirm(actor.name, at)
    copy = redaction.release(row.original_text)
    released = {k: v for k, v in released_to_dict(copy).items() if k != "text"}
    with one_writer(session, row.id):
        row.redaction = {**redaction_to_dict(redaction), "released": released}
        row.status, row.released_text, row.confirmed_by, row.confirmed_at = "confirmed", copy.text, actor.name, at
        seq = _to_feed(session, row)
        audit.record(session, actor=actor.name, role=actor.role, action="release:confirm", item_id=row.item_id,
                     after={"release_id": row.id, "purpose": row.purpose, "masked": len(copy.masked),
                            "kinds": dict(Counter(s.kind.value for s in copy.masked)),
                            "released_sha256": copy.released_sha256, "feed_seq": seq})
    return row


def _to_feed(session: Session, row: ReleaseRow) -> int | None:
    """A confirmed public copy of the version the proactive store holds: a new publish entry, so the website
    (which reads the feed by cursor) takes the copy in place of what it showed or held back."""
    item = session.get(ItemRow, row.item_id) if row.item_id is not None else None
    if (row.purpose != "publication" or item is None or item.store != Store.PROACTIVE
            or item.status != ItemStatus.ROUTED or item.current_version != row.item_version):
        return None
    seq = next_value(session, "feed")
    session.add(FeedEntryRow(seq=seq, item_id=item.id, action="publish", version=row.item_version))
    return seq


def released_copy(session: Session, ctx: Context, actor: Actor, release_id: int) -> ReleaseRow:
    """The confirmed release whose copy the caller reads; 409 before the confirmation. (Reads are not audited
    here, as no GET is: they run on the reading session. The confirmation that let the copy out is.)"""
    row = visible(session, ctx, actor, release_id)
    if row.status != "confirmed" or row.released_text is None:
        left = len(redaction_from_dict(row.redaction).undecided())
        raise Conflict(f"release {row.id} is not confirmed: no copy leaves before the confirmation (条例第三十七条); "
                       f"{left} span(s) still undecided")
    _not_secret(session.get(ItemRow, row.item_id))  # nothing of an item decided secret since leaves, even masked
    return row
