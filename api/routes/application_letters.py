"""Letters issued on an application (applications.md §2): issue one from the case, list them, each as JSON,
DOCX or printable HTML (from the text stored when it was issued)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.letters import issued, to_docx, to_html
from api.letters.schemas import IssuedLetterOut, IssuedLettersOut, LetterIn
from api.reports.registry import MEDIA_TYPES
from api.routes.items import DOCX, printable
from api.schemas import MAX_ID

router = APIRouter(prefix="/v1", tags=["applications"])
AppId = Annotated[int, Path(ge=0, le=MAX_ID, description="an application's id")]
LetterId = Annotated[int, Path(ge=0, le=MAX_ID, description="a letter's id")]


@router.post("/applications/{application_id}/letters", status_code=201, response_model=IssuedLetterOut,
             summary="Issue a letter on the application (notice or answer), numbered and kept as rendered")
def issue_letter(application_id: AppId, body: LetterIn, session: SessionDep, ctx: ContextDep,
                 actor: Actor = Depends(allow("issue_letter"))) -> dict[str, Any]:
    """A missing element or agency setting: 422 naming each; a letter that does not fit the case (an answer
    for another outcome, a notice before its transition, an application awaiting confirmation): 409 naming
    the rule and its article."""
    stored = issued.issue(session, ctx, actor, application_id, body)
    session.commit()
    return issued.view(stored)


@router.get("/applications/{application_id}/letters", response_model=IssuedLettersOut,
            summary="The letters issued on the application, in the order issued")
def list_letters(application_id: AppId, session: SessionDep,
                 actor: Actor = Depends(allow("read_applications"))) -> dict[str, Any]:
    return {"letters": [issued.view(stored) for stored in issued.letters(session, actor, application_id)]}


@router.get("/applications/{application_id}/letters/{letter_id}", response_model=IssuedLetterOut,
            responses={200: {"content": {DOCX: {}, MEDIA_TYPES["html"]: {}},
                             "description": "the letter as issued; DOCX or printable HTML with output=docx|html"}},
            summary="One letter as issued: its text, or DOCX or HTML")
def read_letter(application_id: AppId, letter_id: LetterId, session: SessionDep,
                actor: Actor = Depends(allow("read_applications")),
                output: Literal["json", "docx", "html"] = Query("json", description="json, docx or html")) -> Any:
    stored = issued.letter(session, actor, application_id, letter_id)
    name = f"letter-{stored.application_id}-{stored.id}"
    if output != "json":
        letter = issued.as_letter(stored)
        return printable(to_docx(letter) if output == "docx" else to_html(letter), output, name)
    return issued.view(stored)
