"""The outcome the catalog and the application rules suggest for an application, recorded beside the handler's decision."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import Field

from api.applications import suggestions
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.responses import Out, Timestamp
from api.schemas import MAX_ID

router = APIRouter(prefix="/v1", tags=["applications"])
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]


class SuggestedMatchOut(Out):
    item_id: int
    store: str
    index_number: str | None
    field: str | None = Field(description="doc_number, index_number, title or text; none for a secret item's words")
    score: float | None
    answers: bool = Field(description="the item is part of the answer (else a near match shown for checking)")
    outcome: str | None
    article: str
    reassess: bool = Field(description="a withheld item: to be re-assessed now (条例第十八条)")
    restricted: bool = Field(description="the reader may not read it: no title, 文号 or words")
    title: str | None
    doc_number: str | None
    reasons: list[str]


class SuggestedRuleOut(Out):
    id: str
    title: str
    mode: str
    outcome: str
    citation: str
    confidence: float
    evidence: list[dict[str, Any]]


class RepeatOut(Out):
    application_id: int
    reg_no: str
    answered: bool
    outcome: str | None


class SearchOut(Out):
    stores: list[str]
    items_searched: int | None = Field(description="none for a reader whose scope is not every item")
    candidates_scored: int | None
    fields: list[str]
    keywords: list[str]
    numbers: list[str]
    restricted_unread: int | None


class SuggestionOut(Out):
    id: int
    application_id: int
    current: bool = Field(description="the latest suggestion of the application")
    final: bool = Field(description="always false: the handler decides")
    outcome: str | None = Field(description="none: no rule decides, the handler chooses")
    meaning: str | None
    article: str
    reassess: bool
    reasons: list[str]
    matches: list[SuggestedMatchOut]
    rules: list[SuggestedRuleOut]
    contested_by: list[str]
    repeats: list[RepeatOut]
    search: SearchOut
    ruleset: str | None
    engine_version: str
    made_by: str
    made_at: Timestamp


class SuggestionList(Out):
    suggestions: list[SuggestionOut]


@router.post("/applications/{application_id}/suggestion", status_code=201, response_model=SuggestionOut,
             summary="Suggest the outcome (catalog search and application rules), recorded and its items linked")
def suggest(application_id: AppId, session: SessionDep, ctx: ContextDep,
            actor: Actor = Depends(allow("handle_application"))) -> dict[str, Any]:
    """Searches the four stores as the caller sees them and runs the application rules; the suggestion is
    recorded (append-only: the latest is current) and the items that answer it are linked. 404 for an
    application the caller may not see."""
    made = suggestions.suggest(session, ctx, actor, application_id)
    session.commit()
    return made


@router.get("/applications/{application_id}/suggestions", response_model=SuggestionList,
            summary="The suggestions made for an application, newest (current) first, as the reader may read them")
def list_suggestions(application_id: AppId, session: SessionDep, ctx: ContextDep,
                     actor: Actor = Depends(allow("read_applications"))) -> dict[str, Any]:
    return {"suggestions": suggestions.suggestions(session, ctx, actor, application_id)}
