"""The accuracy report's applications section (issue 17; applications.md §1.7): the outcome suggested for an
application (api/applications/suggestions.py) against the outcome the handler set.

Counted: the applications concluded in the range (concluded_on: answered or closed, the day the annual
report counts them) with an outcome. An application's suggestion is the latest one made before its outcome
was set (the last event that set an outcome: a later suggestion knew the answer); one without such a
suggestion counts under `no_suggestion`. A suggestion of no outcome (the handler had to choose) is a
suggestion that did not agree, shown as "none" in the confusion and the per-outcome figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any, Final

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.reports.tables import Table
from api.responses import Out
from models.tables import ApplicationEventRow, ApplicationRow, ApplicationSuggestionRow

NONE: Final = "none"  # a suggestion without an outcome


class SuggestedOutcomeFigures(Out):
    suggested: int = Field(description="applications it was suggested for")
    agreed: int = Field(description="of them, the handler set the same outcome")
    agreement: float | None = Field(description="agreed / suggested")


class ApplicationAccuracyOut(Out):
    """The suggested outcome of applications against the handler's, over the applications concluded in the range."""

    concluded: int = Field(description="applications concluded in the range with an outcome")
    suggested: int = Field(description="of them, with a suggestion made before the outcome was set")
    no_suggestion: int = Field(description="concluded without a suggestion made before the outcome was set")
    agreed: int
    agreement: float | None = Field(description="agreed / suggested")
    by_suggested: dict[str, SuggestedOutcomeFigures] = Field(description='by the outcome suggested ("none": no outcome)')
    confusion: dict[str, dict[str, int]] = Field(description="suggested → decided → applications")


def _decided_at(session: Session, ids: list[int]) -> dict[int, dt.datetime]:
    """When each application's outcome was last set: its last event carrying an outcome."""
    found: dict[int, dt.datetime] = {}
    events = session.execute(select(ApplicationEventRow.application_id, ApplicationEventRow.at,
                                    ApplicationEventRow.details).where(ApplicationEventRow.application_id.in_(ids)))
    for application_id, at, details in events:
        details = details or {}  # api/applications/handle.py: the transition's params and the lifecycle's record
        sets = (details.get("record") or {}).get("outcome") or (details.get("params") or {}).get("outcome")
        if sets and (application_id not in found or at > found[application_id]):
            found[application_id] = at
    return found


def _suggested_before(session: Session, ids: list[int], decided_at: Mapping[int, dt.datetime]) -> dict[int, str]:
    """The outcome of the latest suggestion made before each application's outcome was set."""
    latest: dict[int, tuple[dt.datetime, int, str]] = {}
    rows = session.execute(select(ApplicationSuggestionRow.application_id, ApplicationSuggestionRow.made_at,
                                  ApplicationSuggestionRow.id, ApplicationSuggestionRow.outcome)
                           .where(ApplicationSuggestionRow.application_id.in_(ids)))
    for application_id, made_at, suggestion_id, outcome in rows:
        cutoff = decided_at.get(application_id)
        if cutoff is None or made_at > cutoff:
            continue
        if application_id not in latest or (made_at, suggestion_id) > latest[application_id][:2]:
            latest[application_id] = (made_at, suggestion_id, outcome or NONE)
    return {application_id: found[2] for application_id, found in latest.items()}


def application_accuracy(session: Session, *, concluded_from: dt.date | None, concluded_to: dt.date | None,
                         division: str | None = None, batch: int = 500) -> dict[str, Any]:
    """The applications section (ApplicationAccuracyOut) over the applications concluded in the range
    (and handled by `division`, if given)."""
    query = select(ApplicationRow.id, ApplicationRow.outcome).where(ApplicationRow.outcome.is_not(None),
                                                                    ApplicationRow.concluded_on.is_not(None))
    if concluded_from:
        query = query.where(ApplicationRow.concluded_on >= concluded_from)
    if concluded_to:
        query = query.where(ApplicationRow.concluded_on <= concluded_to)
    if division:
        query = query.where(ApplicationRow.handler_division == division)
    decided = {application_id: str(outcome) for application_id, outcome in session.execute(query.order_by(ApplicationRow.id))}
    suggested: dict[int, str] = {}
    ids = list(decided)
    for start in range(0, len(ids), batch):  # IN lists kept short on every database
        chunk = ids[start:start + batch]
        suggested.update(_suggested_before(session, chunk, _decided_at(session, chunk)))
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for application_id, outcome in suggested.items():
        confusion[outcome][decided[application_id]] += 1
    by_suggested = {}
    for outcome, row in sorted(confusion.items()):
        total, agreed = sum(row.values()), row.get(outcome, 0)
        by_suggested[outcome] = {"suggested": total, "agreed": agreed, "agreement": round(agreed / total, 4)}
    agreed_total = sum(f["agreed"] for f in by_suggested.values())
    return {"concluded": len(decided), "suggested": len(suggested), "no_suggestion": len(decided) - len(suggested),
            "agreed": agreed_total, "agreement": round(agreed_total / len(suggested), 4) if suggested else None,
            "by_suggested": by_suggested,
            "confusion": {s: dict(sorted(row.items())) for s, row in sorted(confusion.items())}}


def tables(section: Mapping[str, Any]) -> list[Table]:
    """The section as the report's CSV and XLSX tables."""
    figures = Table("依申请公开建议答复类型准确率", (("suggested", "建议的答复类型"), ("count", "件数"), ("agreed", "与决定一致"),
                                         ("agreement", "一致率")),
                    [{"suggested": "（合计）", "count": section["suggested"], "agreed": section["agreed"],
                      "agreement": section["agreement"]}]
                    + [{"suggested": s, "count": f["suggested"], "agreed": f["agreed"], "agreement": f["agreement"]}
                       for s, f in section["by_suggested"].items()]
                    + [{"suggested": "（无建议）", "count": section["no_suggestion"], "agreed": None, "agreement": None}])
    confusion = Table("依申请公开建议与决定", (("suggested", "建议"), ("decided", "决定"), ("n", "件数")),
                      [{"suggested": s, "decided": d, "n": n} for s, row in section["confusion"].items()
                       for d, n in row.items()])
    return [figures, confusion]
