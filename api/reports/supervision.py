"""监察考核 (issue 5's supervision): who is late and what was missed, with who and when, as dated
events in one flat, stable layout that a supervision or HR-assessment system can import day by day.

Every row has an `event_id` (stable: the same event always has the same id, so an importer can
upsert), a `kind`, and `on`, the China date the event happened; a date range selects events by `on`,
so exporting yesterday's events every morning imports each event once. The kinds:

- overdue: not routed by its Art. 26 due date (条例第二十六条); on = the day after the due date.
  It stays a fact after the item is routed late (detail.routed_on says when).
- waiting: a review stage took longer than its threshold (GONGKAI_REVIEW_WAIT_DAYS, calendar days);
  on = the first day over the threshold; `who` is whoever finally acted, null while it still waits.
- never_reviewed: pushed, past the secrecy-review threshold, and no review of any kind yet. The one
  kind that describes the state at export time: the row goes once someone reviews the item.
- secrecy_lowered: a secrecy reviewer decided a level below the suggestion or the document's marking.
- reopened: a decision sent back to a review stage (POST /v1/items/{id}/reopen), with the reason.
- published_late: routed to the proactive store after its due date.
- withdrawn: a published item left the proactive store because a later version arrived (marked or not).
- application_due_soon, application_overdue: public applications (api/reports/application_events.py), with
  item_id empty and the application in detail.
- annual_report_due_soon, annual_report_overdue: the annual report's deadline (条例第四十九条;
  api/reports/annual_events.py), with item_id empty and the year in detail.

Columns (COLUMNS below, the CSV's import layout): event_id, kind, on, item_id, index_number,
division, stage, who, at (UTC timestamp when the event has one), detail (JSON object).

After the events: the report as tables and as a page, its JSON model, and its declaration (REPORT,
api/reports/report.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Mapping

from markupsafe import Markup
from pydantic import Field
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.reports import charts
from api.reports.annual_events import annual_events
from api.reports.application_events import application_events
from api.reports.page import Chart, KeyFigure, Page, months, num
from api.reports.report import EVENT_DATES, Asked, Progress, Report
from api.reports.tables import Table, china_time, label
from api.responses import Day, Out, Timestamp
from api.settings import Settings
from engine.vocabulary import FIELD_LABELS_ZH, secrecy_rank
from engine.workflow.working_days import WorkingCalendar, china_date, published_late
from models.tables import AuditEventRow, ItemRow, ItemVersionRow, ReviewRow

KIND_ZH = {"overdue": "逾期未办结", "waiting": "审核环节滞留", "never_reviewed": "推送后从未审核",
           "secrecy_lowered": "密级被降低", "reopened": "决定被重新打开", "published_late": "超期公开",
           "withdrawn": "已公开信息撤回", "application_due_soon": "依申请公开即将到期",
           "application_overdue": "依申请公开答复逾期", "annual_report_due_soon": "年度报告即将到期",
           "annual_report_overdue": "年度报告逾期未公布"}
COLUMNS = (("event_id", "事件标识"), ("kind", "类型"), ("on", "日期"), ("item_id", "信息编号"),
           ("index_number", "索引号"), ("division", FIELD_LABELS_ZH["division"]), ("stage", "环节"), ("who", "责任人"),
           ("at", "时间"), ("detail", "详情"))
PROGRESS_EVERY = 10_000
DEFAULT_WAIT_DAYS = 5
ONE_DAY = dt.timedelta(days=1)


def supervision(session: Session, *, today: dt.date, wait_days: Mapping[str, int], since: dt.date | None = None,
                until: dt.date | None = None, division: str | None = None,
                progress: Progress | None = None, only: ColumnElement[bool] | None = None,
                calendar: WorkingCalendar | None = None, agency: str | None = None,
                annual_deadline: str = "01-31") -> dict[str, Any]:
    """`only` narrows the items read (the 逾期督办 page asks for those not routed, where every open event is:
    a thirteenth of the time at 100k items); with `calendar`, the applications' events are added
    (api/reports/application_events.py), and with `agency` too, the annual report's (api/reports/annual_events.py,
    agency-wide: not for one division)."""
    items_q = select(ItemRow.id, ItemRow.index_number, ItemRow.division, ItemRow.status, ItemRow.store,
                     ItemRow.due_on, ItemRow.created_at, ItemRow.routed_at, ItemRow.marking)
    if division:
        items_q = items_q.where(ItemRow.division == division)
    if only is not None:
        items_q = items_q.where(only)
    # The Core connection, not the ORM's per-row result processing: 100k items (bench/reports_bench.py).
    connection = session.connection()
    items = connection.execute(items_q.order_by(ItemRow.id)).all()
    items_by_id = {item.id: item for item in items}
    wanted = items_q.with_only_columns(ItemRow.id)
    reviews: dict[int, list[Any]] = defaultdict(list)
    for r in connection.execute(select(
            ReviewRow.id, ReviewRow.item_id, ReviewRow.stage, ReviewRow.actor, ReviewRow.at, ReviewRow.version_number,
            ReviewRow.reason, ReviewRow.suggested["secrecy"].as_string().label("suggested"),
            ReviewRow.decided["secrecy"].as_string().label("decided")).where(ReviewRow.item_id.in_(wanted))
            .order_by(ReviewRow.id)):
        reviews[r.item_id].append(r)
    # The marking of the version each secrecy reviewer saw, not of a later one. Read (a JSON path into
    # the stored suggestion, slow over 100k versions) only where it can matter: the item's strictest
    # marking is above the level decided.
    marked = {item.id for item in items if item.marking != "none"}
    need = [r.item_id for i in marked for r in reviews.get(i, ())
            if r.stage == "secrecy_review" and secrecy_rank(items_by_id[i].marking) > secrecy_rank(r.decided)]
    markings: dict[tuple[int, int], str | None] = {}
    for start in range(0, len(need), 10_000):
        markings.update({(v.item_id, v.number): v.marking for v in connection.execute(select(
            ItemVersionRow.item_id, ItemVersionRow.number,
            ItemVersionRow.suggestion["marking"].as_string().label("marking"))
            .where(ItemVersionRow.item_id.in_(need[start:start + 10_000])))})
    # Stage changes that are not reviews: reopenings, and withdrawals by a new version.
    moves: dict[int, list[Any]] = defaultdict(list)
    for e in connection.execute(select(AuditEventRow.seq, AuditEventRow.item_id, AuditEventRow.action, AuditEventRow.actor,
                                    AuditEventRow.at, AuditEventRow.before, AuditEventRow.after)
                             .where(AuditEventRow.item_id.in_(wanted),
                                    AuditEventRow.action.in_(("reopen", "art44"))
                                    | AuditEventRow.action.like("%:new_version"))
                             .order_by(AuditEventRow.seq)):
        moves[e.item_id].append(e)

    rows: list[dict[str, Any]] = []
    for done, item in enumerate(items, 1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("supervision", done, len(items))
        rows.extend(_events(item, reviews.get(item.id, []), moves.get(item.id, []), markings, today, wait_days))
    if calendar is not None and only is None:
        rows.extend(application_events(session, today=today, calendar=calendar, division=division))
        if agency is not None and division is None:
            rows.extend(annual_events(session, today=today, agency=agency, deadline=annual_deadline))
    return _selected(rows, today, since, until, division)


def _selected(rows: list[dict[str, Any]], today: dt.date, since: dt.date | None, until: dt.date | None,
              division: str | None) -> dict[str, Any]:
    """The events happened between `since` and `until` (and by today), in their order, with counts by kind."""
    rows = [r for r in rows if (since is None or r["on"] >= since.isoformat())
            and (until is None or r["on"] <= until.isoformat()) and r["on"] <= today.isoformat()]
    rows.sort(key=lambda r: (r["on"], r["item_id"] or 0, r["kind"], r["event_id"]))
    counts = Counter(r["kind"] for r in rows)
    return {"today": today.isoformat(), "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None, "division": division,
            "counts": dict(sorted(counts.items())), "rows": rows}


def _row(event_id: str, kind: str, on: dt.date, item: Any, stage: str | None, who: str | None,
         at: dt.datetime | None, **detail: Any) -> dict[str, Any]:
    return {"event_id": event_id, "kind": kind, "on": on.isoformat(), "item_id": item.id,
            "index_number": item.index_number, "division": item.division, "stage": stage, "who": who,
            "at": at.isoformat() if at else None, "detail": detail}


def _timeline(item: Any, reviews: list[Any], moves: list[Any]) -> list[tuple[dt.datetime, str, str | None]]:
    """(when, stage entered, who moved it there), in time order, from the item's own history."""
    steps: list[tuple[dt.datetime, str, str | None]] = [(item.created_at, "secrecy_review", None)]
    after_review = {"secrecy_review": "disclosure_review", "disclosure_review": "routed"}
    steps += [(r.at, after_review[r.stage], r.actor) for r in reviews]
    for e in moves:
        before, after = e.before or {}, e.after or {}
        if e.action == "reopen" or (after.get("status") and after.get("status") != before.get("status")):
            steps.append((e.at, after["status"], e.actor))
    steps.sort(key=lambda s: s[0])
    return steps


def _events(item: Any, reviews: list[Any], moves: list[Any], markings: Mapping[tuple[int, int], str | None],
            today: dt.date, wait_days: Mapping[str, int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    steps = _timeline(item, reviews, moves)
    # Overdue: the Art. 26 clock ran out before the item was first routed.
    first_routed = next((china_date(at) for at, stage, _ in steps if stage == "routed"), None)
    if (first_routed is None or first_routed > item.due_on) and item.due_on < today:
        # The stage it was at when the clock ran out (none: it was pushed after its due date).
        stage = ([s for at, s, _ in steps if china_date(at) <= item.due_on] or [None])[-1]
        out.append(_row(f"overdue:{item.id}", "overdue", item.due_on + ONE_DAY, item, stage, None, None,
                        due_on=item.due_on.isoformat(), pushed_on=china_date(item.created_at).isoformat(),
                        routed_on=first_routed.isoformat() if first_routed else None, status=item.status))
    # Waiting: each stay at a review stage longer than its threshold.
    for (start, stage, _), following in zip(steps, [*steps[1:], None], strict=True):
        if stage == "routed":
            continue
        threshold = wait_days.get(stage, DEFAULT_WAIT_DAYS)
        began = china_date(start)
        ended = china_date(following[0]) if following else None
        days = ((ended or today) - began).days
        if days > threshold:
            out.append(_row(f"waiting:{item.id}:{stage}:{began.isoformat()}", "waiting",
                            began + dt.timedelta(days=threshold + 1), item, stage, following[2] if following else None,
                            None, since=began.isoformat(), ended_on=ended.isoformat() if ended else None, days=days,
                            threshold=threshold))
    if not reviews:
        threshold = wait_days.get("secrecy_review", DEFAULT_WAIT_DAYS)
        pushed = china_date(item.created_at)
        if (today - pushed).days > threshold:
            out.append(_row(f"never_reviewed:{item.id}", "never_reviewed", pushed + dt.timedelta(days=threshold + 1),
                            item, "secrecy_review", None, item.created_at, pushed_on=pushed.isoformat(),
                            status=item.status))
    for review in reviews:
        if review.stage != "secrecy_review":
            continue
        marking = markings.get((item.id, review.version_number)) or "none"
        if secrecy_rank(review.decided) < max(secrecy_rank(review.suggested), secrecy_rank(marking)):
            out.append(_row(f"secrecy_lowered:{item.id}:{review.id}", "secrecy_lowered", china_date(review.at), item,
                            "secrecy_review", review.actor, review.at, suggested=review.suggested, marking=marking,
                            decided=review.decided, reason=review.reason))
    for e in moves:
        before, after = e.before or {}, e.after or {}
        if e.action == "reopen":
            out.append(_row(f"reopened:{item.id}:{e.seq}", "reopened", china_date(e.at), item, after.get("status"),
                            e.actor, e.at, reason=after.get("reason"), from_status=before.get("status"),
                            from_store=before.get("store")))
        elif before.get("store") == "proactive" and after.get("store") is None:
            out.append(_row(f"withdrawn:{item.id}:{e.seq}", "withdrawn", china_date(e.at), item, None, e.actor, e.at,
                            marking=after.get("marking")))
    if item.store == "proactive" and published_late(item.routed_at, item.due_on):
        who = next((r.actor for r in reversed(reviews) if r.stage == "disclosure_review"), None)
        out.append(_row(f"published_late:{item.id}", "published_late", china_date(item.routed_at), item,
                        "disclosure_review", who, item.routed_at, due_on=item.due_on.isoformat(),
                        days_late=(china_date(item.routed_at) - item.due_on).days))
    return out


# ---------------------------------------------------------------- as tables, as a page


def tables(report: Mapping[str, Any]) -> list[Table]:
    counts = Table("概览", (("kind", "类型"), ("id", "标识"), ("n", "件数")),
                   [{"kind": KIND_ZH.get(k, k), "id": k, "n": n} for k, n in report["counts"].items()])
    rows = [{**r, "kind": label(r["kind"], KIND_ZH), "stage": label(r.get("stage")), "at": china_time(r.get("at"))}
            for r in report["rows"]]
    return [counts, Table("监察事项", COLUMNS, rows)]


def import_layout(report: Mapping[str, Any]) -> Table:
    """The CSV: the events as they are in the JSON, the column keys as the header, detail as JSON."""
    return Table("events", tuple((key, key) for key, _ in COLUMNS), report["rows"])


def page(report: Mapping[str, Any]) -> Page:
    rows = [r for r in report.get("rows") or [] if isinstance(r, Mapping)]
    counts: dict[str, int] = {k: num(n) for k, n in (report.get("counts") or {}).items()}
    if not counts:  # counted from the rows when the report leaves the counts out
        for row in rows:
            counts[str(row.get("kind"))] = counts.get(str(row.get("kind")), 0) + 1
    kinds = list(KIND_ZH) + sorted((set(counts) | {str(r.get("kind")) for r in rows}) - set(KIND_ZH))
    shown = Page(summary=[KeyFigure("监察事项", str(sum(counts.values()) or len(rows)), "件", warn=bool(rows))])
    shown.summary += [KeyFigure(KIND_ZH.get(k, k), str(counts.get(k, 0)), warn=counts.get(k, 0) > 0) for k in kinds]
    if not rows and not any(counts.values()):
        shown.empty = "所选范围内没有逾期、滞留、从未审核、密级降低、重新打开、超期公开或撤回事项。"
        return shown
    present = [k for k in kinds if counts.get(k)]
    title = "各类监察事项件数"
    shown.charts.append(Chart(title, Markup(charts.hbars(
        [KIND_ZH.get(k, k) for k in present], [counts[k] for k in present], title=title, salt="supervision-kinds"))))
    by_month: dict[str, dict[str, int]] = {}
    for row in rows:
        on = str(row.get("on") or row.get("when") or "")[:7]
        by_month.setdefault(on, {}).setdefault(str(row.get("kind")), 0)
        by_month[on][str(row.get("kind"))] += 1
    periods = months(by_month)
    if periods:
        title = "每月监察事项（按类型）"
        series = {KIND_ZH.get(k, k): [by_month.get(m, {}).get(k, 0) for m in periods]
                  for k in kinds if any(k in v for v in by_month.values())}
        svg = charts.columns(periods, series, title=title, salt="supervision-months")
        shown.charts.append(Chart(title, Markup(svg), "按事项发生的日期（逾期为期限次日，滞留为超过时限的第一天）。"))
    return shown


# ---------------------------------------------------------------- as JSON, and the declaration


class SupervisionEvent(Out):
    """One event, in the import layout (the CSV has the same columns)."""

    event_id: str = Field(description="stable: the same event always has the same id (upsert on it)")
    kind: str = Field(json_schema_extra={"enum": list(KIND_ZH)})
    on: Day = Field(description="the China date the event happened: what since and until select")
    item_id: int | None = Field(description="null for an application's event (detail.application_id)")
    index_number: str | None
    division: str | None
    stage: str | None = Field(description="the review stage it concerns ('application': a public application)")
    who: str | None = Field(description="who acted (null: nobody yet)")
    at: Timestamp | None
    detail: dict[str, Any] = Field(description="the kind's own facts (README: the supervision layout)")


class SupervisionOut(Out):
    """监察考核: dated events, selected by the day they happened."""

    today: Day
    since: Day | None
    until: Day | None
    division: str | None
    counts: dict[str, int] = Field(description="events by kind")
    rows: list[SupervisionEvent]


def _build(session: Session, settings: Settings, asked: Asked) -> dict[str, Any]:
    return supervision(session, today=asked.today, wait_days=settings.review_wait_days, since=asked.start,
                       until=asked.end, division=asked.division, progress=asked.progress, only=asked.only,
                       calendar=_calendar(settings.calendar), agency=settings.agency_code,
                       annual_deadline=settings.annual_report_deadline)


@functools.lru_cache(maxsize=4)
def _calendar(path: Path) -> WorkingCalendar:
    return WorkingCalendar.from_file(path)


REPORT = Report(
    kind="supervision", title="监察考核报告", out=SupervisionOut, build=_build, tables=tables, page=page,
    summary="监察考核: overdue, waiting too long, never reviewed, irregular events, by event date",
    description="Dated events (`on`), each with a stable `event_id`: ask for since=until=yesterday every day "
                "to import each event once (layout: api/reports/supervision.py, README).",
    csv_table="监察事项", csv_layout=import_layout, action="read_supervision", dates=EVENT_DATES)
