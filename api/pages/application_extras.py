"""The case page's sections from the parts of issue 17 built beside the pages (letters issued on the application,
its suggested outcome, redacted copies, 行政复议/诉讼 cases), each through its own use-case functions, and only
for a person whose role may read them (PERMISSIONS). A part not yet in the tree adds no section."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.access.sessions import Signed
from api.context import Context
from api.pages import application_letters
from models.tables import ApplicationRow


def sections(session: Session, ctx: Context, signed: Signed, row: ApplicationRow) -> dict[str, Any]:
    """Each landed part's section values, by name, in the page's order (the template draws those present)."""
    actor = signed.actor
    out: dict[str, Any] = {"letters": application_letters.section(session, ctx, actor, row)}
    return out
