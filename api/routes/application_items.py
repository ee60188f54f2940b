"""The items an application asks for (api/applications/links.py), and 条例第四十四条's suggestions to publish
(api/items/art44.py): linking an on_request item that enough applicants asked for sends it to disclosure review."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.applications import handle, links, queries
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.items import art44
from api.responses import Day, Out, Timestamp
from api.schemas import MAX_ID
from engine.workflow.working_days import today_in_china
from models.tables import ItemRow, PublicationSuggestionRow

router = APIRouter(prefix="/v1", tags=["applications"])
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_id: int = Field(ge=0, le=MAX_ID, description="an item in one of the four stores")


class LinkedItemOut(Out):
    item_id: int
    index_number: str | None
    store: str | None
    title: str | None = Field(description="none when the reader may not read the item")
    restricted: bool
    source: str
    linked_by: str
    linked_at: Timestamp


class PublicationSuggestionOut(Out):
    id: int
    item_id: int
    applicants: int
    application_ids: list[int]
    first_on: Day
    last_on: Day
    status: str
    article: str


class LinkedOut(Out):
    items: list[LinkedItemOut]
    publication_suggestion: PublicationSuggestionOut | None = Field(
        None, description="raised by this link: the item went to disclosure review (条例第四十四条)")


class PublicationSuggestionsOut(Out):
    suggestions: list[PublicationSuggestionOut]


@router.post("/applications/{application_id}/items", response_model=LinkedOut,
             summary="Link an item of the four stores the application asks for (条例第四十四条 counts the links)")
def link_item(application_id: AppId, body: LinkIn, session: SessionDep, ctx: ContextDep,
              actor: Actor = Depends(allow("handle_application"))) -> dict:
    row = queries.application(session, actor, application_id)
    submitted = body.model_dump(mode="json")
    with handle.one_writer(session, application_id, submitted):
        item, new = links.link(session, ctx, actor, row, body.item_id)
        raised = art44.consider(session, ctx, actor, item, today_in_china()) if new else None
        shown = art44.view(raised, item) if raised is not None else None
    return {"items": links.linked(session, ctx, actor, row), "publication_suggestion": shown}


@router.get("/applications/{application_id}/items", response_model=LinkedOut,
            summary="The items linked to an application, as the reader may see them")
def linked_items(application_id: AppId, session: SessionDep, ctx: ContextDep,
                 actor: Actor = Depends(allow("read_applications"))) -> dict:
    row = queries.application(session, actor, application_id)
    return {"items": links.linked(session, ctx, actor, row), "publication_suggestion": None}


@router.get("/publication-suggestions", response_model=PublicationSuggestionsOut,
            summary="条例第四十四条: items suggested for proactive publication, open or settled")
def publication_suggestions(session: SessionDep, actor: Actor = Depends(allow("read_supervision")),
                            status: Literal["open", "published", "declined"] | None = Query(None)) -> dict:
    rows = session.execute(select(PublicationSuggestionRow, ItemRow)
                           .join(ItemRow, ItemRow.id == PublicationSuggestionRow.item_id)
                           .order_by(PublicationSuggestionRow.id))
    shown = [art44.view(suggestion, item) for suggestion, item in rows]
    return {"suggestions": [s for s in shown if status is None or s["status"] == status]}
