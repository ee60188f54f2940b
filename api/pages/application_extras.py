"""The case page's sections from the parts of issue 17 built beside the pages, each through its own use-case
functions and only for a person whose role may read them (PERMISSIONS): the letters issued on the application
(api/pages/application_letters.py), the latest suggested outcome with its reasons and the items matched as the
reader may see them (api/applications/suggestions.py), the redacted copies made for its answer
(api/applications/releases.py: each one as `visible` lets the reader see it), and its 行政复议/诉讼 cases
(api/applications/case_queries.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.applications import case_queries, releases, suggestions
from api.applications.queries import OPEN_STATUSES
from api.context import Actor, Context
from api.errors import NotFound
from api.pages import application_letters, application_links
from api.pages.layout import when
from engine.vocabulary import APPLICATION_LABELS_ZH
from models.tables import ApplicationRow, ReleaseRow

RELEASE_STATUS_ZH = {"proposed": "待逐处确认", "confirmed": "已确认，可提供"}
MAX_SHOWN = 100  # cases or copies of one application: more would be a register, not a case page


def suggestion(session: Session, ctx: Context, actor: Actor, row: ApplicationRow) -> dict[str, Any]:
    made = suggestions.suggestions(session, ctx, actor, row.id)
    latest = made[0] if made else None
    if latest is not None:
        latest = {**latest, "outcome_label": APPLICATION_LABELS_ZH.get(latest["outcome"] or "", "无（没有规则能确定，由经办人决定）"),
                  "made_at_zh": when(latest["made_at"]), "contested_zh": [APPLICATION_LABELS_ZH.get(o, o) for o in latest["contested_by"]]}
    return {"template": "pages/application_suggestion.html.j2", "latest": latest, "count": len(made),
            "may_suggest": actor.role in PERMISSIONS["handle_application"] and row.status in OPEN_STATUSES}


def released(session: Session, ctx: Context, actor: Actor, row: ApplicationRow) -> dict[str, Any]:
    ids = session.scalars(select(ReleaseRow.id).where(ReleaseRow.application_id == row.id)
                          .order_by(ReleaseRow.id).limit(MAX_SHOWN))
    copies = []
    for release_id in ids:
        try:
            found = releases.visible(session, ctx, actor, release_id)
        except NotFound:
            continue  # its item is not the reader's to read: not even that it exists
        copies.append({"id": found.id, "item_id": found.item_id, "status": RELEASE_STATUS_ZH.get(found.status, found.status),
                       "confirmed": found.status == "confirmed", "created_by": found.created_by,
                       "confirmed_by": found.confirmed_by or "—"})
    return {"template": "pages/application_releases.html.j2", "copies": copies,
            "may_read_copy": actor.role in PERMISSIONS["read_item"]}


def cases(session: Session, ctx: Context, row: ApplicationRow) -> dict[str, Any]:
    total, rows = case_queries.cases(session, ctx.settings.agency_code, limit=MAX_SHOWN, offset=0,
                                     application_id=row.id)
    return {"template": "pages/application_cases.html.j2", "cases": case_queries.views(session, rows),
            "total": total}


def sections(session: Session, ctx: Context, signed: Signed, row: ApplicationRow) -> dict[str, Any]:
    """Each part's section values, by name, in the page's order (the template draws those present)."""
    actor = signed.actor
    out: dict[str, Any] = {"links": application_links.section(session, ctx, actor, row),
                           "suggestion": suggestion(session, ctx, actor, row),
                           "letters": application_letters.section(session, ctx, actor, row),
                           "releases": released(session, ctx, actor, row)}
    if actor.role in PERMISSIONS["read_cases"]:
        out["cases"] = cases(session, ctx, row)
    return out
