"""Reports (issue 5): statistics and suggestion accuracy so far."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api import accuracy, statistics, supervision, views
from api.context import Actor
from api.deps import ContextDep, SessionDep, allow
from api.routes.items import Division, Filters
from api.schemas import IsoDate

router = APIRouter(prefix="/v1/reports", tags=["reports"])


@router.get("/statistics", summary="查询统计: counts by division, category, column, status and month; proactive rate")
def read_statistics(session: SessionDep, filters: Filters, actor: Actor = Depends(allow("read_statistics"))) -> dict:
    return statistics.statistics(session, **filters, today=views.today_in_china())


@router.get("/accuracy", summary="Suggestions against the reviewers' final decisions; override rate per stage")
def read_accuracy(session: SessionDep, filters: Filters, actor: Actor = Depends(allow("read_accuracy"))) -> dict:
    return accuracy.accuracy(session, **filters)


@router.get("/supervision", summary="监察考核: overdue, waiting too long, never reviewed, irregular events, by event date")
def read_supervision(session: SessionDep, ctx: ContextDep, actor: Actor = Depends(allow("read_supervision")),
                     since: IsoDate | None = None, until: IsoDate | None = None,
                     division: str | None = Division) -> dict:
    """Dated events (`on`), each with a stable `event_id`: ask for since=until=yesterday every day
    to import each event once (layout: api/supervision.py)."""
    return supervision.supervision(session, today=views.today_in_china(), wait_days=ctx.settings.review_wait_days,
                                   since=since, until=until, division=division)
