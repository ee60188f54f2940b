"""The suggested outcome of an application, recorded beside the handler's decision (issue 17; applications.md
§1.7): the catalog's search (api/applications/catalog.py) and the application rules over its facts
(rules/applications/, engine/rules/application_rules.py).

A suggestion is made with the caller's visibility (what it may see and read is all that is searched) and kept
append-only (ApplicationSuggestionRow: the latest is current), with the rule set's revision and the engine's
version; the items that answer it are linked to the application (source "suggestion", once). The handler
decides: the suggestion never sets the outcome.

What is stored is read later by others, who may see less than the person who made it (a clerk reads what the
office suggested). So a suggestion stores item ids, stores, index numbers, scores and the rules that fired,
never a title, 文号 or excerpt: those are rendered when it is read (api/applications/suggestion_views.py), for
the items the reader may read, and an item out of the reader's scope is left out as if it had not matched.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access.visibility import Viewer
from api.applications import links, queries
from api.applications.catalog import suggest_outcome
from api.applications.suggestion_views import view
from api.context import Actor, Context
from api.rulesets.activation import serving
from engine.applications.proposal import Description, Earlier, Proposal
from engine.applications.proposal_facts import facts_of
from engine.rules.application_rules import ApplicationDecision, application_facts, decide
from engine.version import __version__
from engine.vocabulary import ApplicationOutcome
from models import audit
from models.tables import ApplicationItemRow, ApplicationRow, ApplicationSuggestionRow

EARLIER_LIMIT: Final = 50  # the same applicant's earlier applications compared (§1.5), newest first
IDENTITY_KEYS: Final = ("id_number", "name")  # how the same applicant is recognised: the ID number, else the name


def _earlier(session: Session, actor: Actor, row: ApplicationRow) -> tuple[list[Earlier], dict[str, int]]:
    """The same applicant's other applications the caller may see (§1.5), and their ids by reg_no."""
    key = next((k for k in IDENTITY_KEYS if (row.applicant or {}).get(k)), None)
    if key is None:
        return [], {}
    query = (select(ApplicationRow)
             .where(ApplicationRow.agency == row.agency, ApplicationRow.id != row.id,
                    ApplicationRow.applicant_kind == row.applicant_kind,
                    ApplicationRow.applicant[key].as_string() == str(row.applicant[key]), queries.scope_clause(actor))
             .order_by(ApplicationRow.id.desc()).limit(EARLIER_LIMIT))
    rows = list(session.scalars(query))
    linked: dict[int, list[int]] = {}
    if rows:
        for link in session.scalars(select(ApplicationItemRow)
                                    .where(ApplicationItemRow.application_id.in_([r.id for r in rows]))):
            linked.setdefault(link.application_id, []).append(link.item_id)
    earlier = [Earlier(reg_no=r.reg_no, description=r.description, answered=r.outcome is not None,
                       outcome=ApplicationOutcome(r.outcome) if r.outcome else None, concluded_on=r.concluded_on,
                       item_ids=tuple(linked.get(r.id, ()))) for r in rows]
    return earlier, {r.reg_no: r.id for r in rows}


def _matches(proposal: Proposal) -> list[dict[str, Any]]:
    """The matched items as stored: ids, stores, index numbers, scores and what each proposes; no words."""
    parts = {p.match.candidate.id: p for p in proposal.parts}
    stored = []
    for match in proposal.matches:
        part = parts.get(match.candidate.id)
        stored.append({"item_id": match.candidate.id, "store": str(match.candidate.store),
                       "index_number": match.candidate.index_number, "field": match.field, "score": match.score,
                       "answers": part is not None, "outcome": str(part.outcome) if part and part.outcome else None,
                       "article": part.article if part else "", "reassess": bool(part and part.reassess)})
    return stored


def _details(proposal: Proposal, facts: dict[str, Any], decision: ApplicationDecision, actor: Actor,
             earlier_ids: dict[str, int]) -> dict[str, Any]:
    search = proposal.search
    return {
        "rules": [hit.describe() for hit in decision.hits],
        "decided_by": decision.rule.id if decision.rule else None,
        "contested_by": list(decision.contested_by),
        "catalog": {"outcome": str(proposal.outcome) if proposal.outcome else None, "article": proposal.article,
                    "reassess": proposal.reassess},
        "facts": {k: list(v) if isinstance(v, tuple) else v for k, v in facts.items() if k != "description"},
        "matches": _matches(proposal),
        "search": {"stores": [str(s) for s in search.stores], "items_searched": search.items_searched,
                   "candidates_scored": search.candidates_scored, "fields": list(search.fields),
                   "keywords": list(search.keywords), "numbers": list(search.numbers),
                   "restricted_unread": search.restricted_unread},
        "repeats": [{"application_id": earlier_ids[e.reg_no], "reg_no": e.reg_no, "answered": e.answered,
                     "outcome": str(e.outcome) if e.outcome else None} for e in proposal.repeats],
        "made_role": str(actor.role),
    }


def suggest(session: Session, ctx: Context, actor: Actor, application_id: int) -> dict[str, Any]:
    """Search the stores for application `application_id` as `actor` sees them, run the application rules
    over what was found, record the suggestion and link the items that answer it (each once); the suggestion
    as `actor` reads it. 404 for an application the caller may not see. The caller commits."""
    row = queries.application(session, actor, application_id)
    description = Description(row.description)
    earlier, earlier_ids = _earlier(session, actor, row)
    proposal = suggest_outcome(session, Viewer(actor, ctx.settings), description, earlier=earlier)
    facts = application_facts(facts_of(description, proposal))
    book = serving(ctx, session).book
    decision = decide(book.applications, facts, on=row.received_on)
    suggestion = ApplicationSuggestionRow(application_id=row.id, outcome=decision.outcome,
                                          details=_details(proposal, facts, decision, actor, earlier_ids),
                                          ruleset=book.revision, engine_version=__version__, made_by=actor.name)
    session.add(suggestion)
    session.flush()
    linked = [part.match.candidate.id for part in proposal.parts
              if links.link(session, ctx, actor, row, int(part.match.candidate.id), source="suggestion")[1]]
    audit.record(session, actor=actor.name, role=actor.role, action="application:suggest",
                 after={"application_id": row.id, "reg_no": row.reg_no, "suggestion_id": suggestion.id,
                        "outcome": decision.outcome, "rules": [h.rule.id for h in decision.hits],
                        "items": [m["item_id"] for m in suggestion.details["matches"]], "linked": linked,
                        "ruleset": book.revision})
    return view(session, ctx, actor, row, suggestion, current=True)


def suggestions(session: Session, ctx: Context, actor: Actor, application_id: int) -> list[dict[str, Any]]:
    """Every suggestion made for the application, newest first (the first is current), as `actor` may read
    them. 404 for an application the caller may not see."""
    row = queries.application(session, actor, application_id)
    made = list(session.scalars(select(ApplicationSuggestionRow).where(ApplicationSuggestionRow.application_id == row.id)
                                .order_by(ApplicationSuggestionRow.id.desc())))
    return [view(session, ctx, actor, row, s, current=i == 0) for i, s in enumerate(made)]
