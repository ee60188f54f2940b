"""The pages of the 信息公开工作机构 (issue 16): 四库 (api/pages/stores_page.py), 网站发布预览
(api/pages/feed_page.py), and here 逾期督办 and 统计报表. Their routers are joined into this module's `router`.

逾期督办 shows the supervision report's events still open today (api/reports/open_events.py: the same rows
as /v1/reports/supervision's open ones, read for the items waiting now), most overdue first: items not
routed within 条例第二十六条's 20 working days, review stages that have waited longer than their threshold
(GONGKAI_REVIEW_WAIT_DAYS), items never reviewed at all. Titles come from the lists' own scope and view
(queries.filtered, views.summary) for the page's rows, in one query. Below them, the items at risk: not routed,
due within AT_RISK working days (the agency's calendar), the earliest first.

统计报表 links every report of api/reports/registry.REPORTS that the person's role may read (each report's
own action in PERMISSIONS), as the API's HTML page and its CSV and XLSX, for a date range and a division.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api.access.roles import PERMISSIONS
from api.access.sessions import Signed
from api.access.visibility import Viewer
from api.deps import ContextDep, SessionDep
from api.items import queries, views
from api.pages import feed_page, stores_page
from api.pages.layout import page, render
from api.pages.stores_page import MAX_DIVISION, PER_PAGE, date_param, page_number, pager, query, text_param
from api.reports import registry
from api.reports.open_events import OpenEvent, open_events
from engine.vocabulary import LABELS_ZH, ItemStatus
from models.tables import ItemRow

router = APIRouter()
router.include_router(stores_page.router)
router.include_router(feed_page.router)

READ_SUPERVISION = page("read_supervision")
# The page of reports is for every role that may read at least one report: the union of the reports' actions'
# roles, which is read_accuracy's (every role that reads statistics or supervision reads accuracy too, and rule
# authors accuracy only; tests/service/test_office_pages.py checks the union). Each report on it is shown by
# its own action. (The menu offers it under read_statistics: rule authors reach it by address.)
READ_REPORTS = page("read_accuracy")
HIDDEN = "信息 {}（标题无权查看）"  # a secret item, to a role not cleared for it: its id, not its title
AT_RISK = 5  # working days: an item due within them is at risk (its reviewers have a week left)
WAITING_FOR = {"secrecy_review": "保密审核人员", "disclosure_review": "公开方式审核人员"}
REPORT_HINTS = {
    "statistics": "按处室、公开属性、栏目、审核状态和月份统计件数与主动公开率（按办结日期）。",
    "accuracy": "系统建议与审核人员最终决定的对照：各字段准确率、各环节改判率、各规则命中与精确率（按办结日期）。",
    "supervision": "逾期未办结、审核滞留、从未审核、密级降低、重新打开、超期公开与撤回事项（按事件日期）。",
}
FORMATS = (("html", "查看报表"), ("csv", "CSV"), ("xlsx", "Excel（XLSX）"))


def _shown(event: OpenEvent, today: dt.date) -> dict[str, Any]:
    """An open supervision event as the page's row shows it."""
    if event.kind == "overdue":
        what = "逾期未公开（超过第二十六条20个工作日）"
    elif event.kind == "waiting":
        what = f"{LABELS_ZH.get(event.stage, event.stage)}超时（时限 {event.threshold} 日）"
    else:
        what = "推送后从未审核"
    return {"item_id": event.item_id, "index_number": event.index_number, "division": event.division or "—",
            "what": what, "kind": event.kind, "stage": LABELS_ZH.get(event.stage, event.stage),
            "days": days_over(event, today), "due_on": event.due_on.isoformat() if event.due_on else None,
            "waiting_for": WAITING_FOR.get(event.stage, "—")}


def days_over(event: OpenEvent, today: dt.date) -> int:
    # `on` is the first day past the limit (the day after the due date, the first day over the threshold)
    return (today - event.on).days + 1


def _titles(session: Any, viewer: Viewer, ids: list[int]) -> dict[int, str]:
    """The titles of the page's items, as the lists show them (one query; a secret one hidden)."""
    if not ids:
        return {}
    rows = session.scalars(queries.filtered(select(ItemRow).where(ItemRow.id.in_(ids)), viewer))
    out = {}
    for row in rows:
        summary = views.summary(row, viewer.actor, viewer.settings)
        out[row.id] = HIDDEN.format(row.id) if summary["restricted"] else (summary["title"] or "（无标题）")
    return out


def at_risk(session: Any, viewer: Viewer, ctx: Any, today: dt.date, division: str | None) -> tuple[int, list[dict]]:
    """Items not yet routed whose Art. 26 due date falls within AT_RISK working days: the earliest first, the
    first page only (one count and one page query, through the lists' own scope and view)."""
    last = ctx.calendar.add_working_days(today, AT_RISK).due_on
    due_soon = queries.filtered(select(ItemRow).where(ItemRow.status != ItemStatus.ROUTED, ItemRow.due_on >= today,
                                                      ItemRow.due_on <= last), viewer, division=division)
    total, rows = queries.page(session, due_soon, [ItemRow.due_on, ItemRow.id], PER_PAGE, 0)
    out = []
    for row in rows:
        summary = views.summary(row, viewer.actor, viewer.settings, today)
        out.append({"item_id": row.id, "index_number": row.index_number, "division": row.division or "—",
                    "title": HIDDEN.format(row.id) if summary["restricted"] else (summary["title"] or "（无标题）"),
                    "stage": LABELS_ZH.get(row.status, row.status), "due_on": row.due_on.isoformat(),
                    "left": ctx.calendar.working_days_between(today, row.due_on),
                    "waiting_for": WAITING_FOR.get(row.status, "—")})
    return total, out


@router.get("/overdue", response_class=HTMLResponse)
def overdue(request: Request, session: SessionDep, ctx: ContextDep,
            signed: Signed = Depends(READ_SUPERVISION)) -> HTMLResponse:
    """What is overdue today, most overdue first, 50 a page; then what falls due soon. By division if asked."""
    division, number = text_param(request, "division", "处室", MAX_DIVISION), page_number(request)
    today = views.today_in_china()
    viewer = Viewer(signed.actor, ctx.settings)
    # The supervision report's events still open today, read for the items waiting now (api/reports/
    # open_events.py: the same rows as the report's open ones, without replaying every history).
    events = open_events(session, today=today, wait_days=ctx.settings.review_wait_days, division=division)
    events.sort(key=lambda e: (e.on, e.item_id, e.kind))  # most days over first
    shown = [_shown(e, today) for e in events[(number - 1) * PER_PAGE:number * PER_PAGE]]
    titles = _titles(session, viewer, sorted({e["item_id"] for e in shown}))
    for event in shown:
        event["title"] = titles.get(event["item_id"], f"信息 {event['item_id']}")
    kept = {"division": division} if division else {}
    tally = Counter(e.kind for e in events)
    counts = {kind: tally[kind] for kind in ("overdue", "waiting", "never_reviewed")}
    risky, soon = at_risk(session, viewer, ctx, today, division)
    return render("overdue.html.j2", signed, here="/overdue", events=shown, counts=counts, today=today.isoformat(),
                  division=division or "", pager=pager("/overdue", kept, number, len(events)),
                  soon=soon, soon_total=risky, at_risk=AT_RISK)


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, signed: Signed = Depends(READ_REPORTS)) -> HTMLResponse:
    """The reports this role may read, each as a page, CSV and XLSX, for the range and division asked."""
    division = text_param(request, "division", "处室", MAX_DIVISION)
    start, end = date_param(request, "start", "起始日期"), date_param(request, "end", "截止日期")
    shown = []
    for report in registry.REPORTS.values():
        if signed.actor.role not in PERMISSIONS[report.action]:
            continue
        asked = {report.dates.start: start, report.dates.end: end, "division": division}
        kept = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asked.items() if v}
        shown.append({"kind": report.kind, "title": report.title, "hint": REPORT_HINTS.get(report.kind, ""),
                      "dates": report.dates.zh,
                      "links": [(label, f"/v1/reports/{report.kind}?{query({**kept, 'format': fmt})}", fmt)
                                for fmt, label in FORMATS]})
    values = {"division": division or "", "start": start.isoformat() if start else "",
              "end": end.isoformat() if end else ""}
    return render("reports.html.j2", signed, here="/reports", reports=shown, values=values)
