"""查询统计: counts by division, category, column, review status and month, the proactive rate, and
items published, overdue and pending, over items closed in a date range (issue 5's statistics; the
figures the model agency reported, e.g. 428 of 1,317 proactive, 32.5%, come from here).

Grouped in SQL (one GROUP BY over the columns that matter, by closing day), summed in Python: the
same query on SQLite and PostgreSQL (grouping by month in SQL would need each dialect's date function). At
100k items over two years that is about 80k grouped rows, 1.6 s (bench/reports_bench.py).

Then the report as tables and as a page, its JSON model, and its declaration (REPORT, api/reports/report.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Mapping

from markupsafe import Markup
from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.items.queries import filtered
from api.reports import charts
from api.reports.page import Chart, KeyFigure, Page, count_bars, months, num, percent
from api.reports.report import CLOSING_DATES, Asked, Report
from api.reports.tables import Table, counts_table
from api.responses import Day, Out
from api.settings import Settings
from engine.vocabulary import FIELD_LABELS_ZH as ZH
from engine.vocabulary import FIELD_VOCABULARY
from engine.workflow.working_days import published_late
from models.tables import ItemRow


def statistics(session: Session, *, closed_from: dt.date | None, closed_to: dt.date | None,
               today: dt.date, division: str | None = None) -> dict[str, Any]:
    overdue = (ItemRow.status != "routed") & (ItemRow.due_on < today)
    query = select(ItemRow.division, ItemRow.status, ItemRow.store, ItemRow.column, ItemRow.closed_on,
                   overdue.label("overdue"), func.count().label("n")).group_by(
        ItemRow.division, ItemRow.status, ItemRow.store, ItemRow.column, ItemRow.closed_on, "overdue")
    query = filtered(query, division=division, closed_from=closed_from, closed_to=closed_to)
    # Published late is judged on China dates (engine/working_days.published_late, as the item view
    # does), which SQL cannot portably compute: read the proactive items' two dates instead.
    published = filtered(select(ItemRow.routed_at, ItemRow.due_on).where(ItemRow.store == "proactive"),
                         division=division, closed_from=closed_from, closed_to=closed_to)
    late_n = sum(published_late(routed_at, due_on) for routed_at, due_on in session.execute(published))
    by: dict[str, Counter[str]] = {k: Counter() for k in ("division", "category", "column", "status", "month")}
    trend: dict[str, Counter[str]] = {}  # per closing month: items, routed, published (the monthly volume chart)
    total = routed = proactive = overdue_n = 0
    for row in session.execute(query):
        n = int(row.n)
        total += n
        by["division"][row.division or "(none)"] += n
        by["status"][row.status] += n
        month = row.closed_on.strftime("%Y-%m")
        by["month"][month] += n
        counts = trend.setdefault(month, Counter())
        counts["items"] += n
        counts["routed"] += n if row.store is not None else 0
        counts["published"] += n if row.store == "proactive" else 0
        if row.store is not None:
            routed += n
            by["category"][row.store] += n
            by["column"][row.column or "(none)"] += n
        proactive += n if row.store == "proactive" else 0
        overdue_n += n if row.overdue else 0
    months = _months(closed_from, closed_to, trend)
    return {
        "closed_from": closed_from.isoformat() if closed_from else None,
        "closed_to": closed_to.isoformat() if closed_to else None,
        "division": division,
        "items": total, "routed": routed, "pending": total - routed,
        "published": proactive, "published_late": late_n, "overdue": overdue_n,
        # Proactive rate as the annual report reads it: proactive items among the decided ones.
        "proactive_rate": round(proactive / routed, 4) if routed else None,
        # Monthly volume as the annual report states it ("about 71 a month"): over the months of the
        # range given, or the months from the first closing to the last when none is given.
        "months": months,
        "items_per_month": round(total / months, 1) if months else None,
        "published_per_month": round(proactive / months, 1) if months else None,
        "by": {name: dict(sorted(counter.items())) for name, counter in by.items()},
        "trend": {month: {"items": c["items"], "routed": c["routed"], "published": c["published"],
                          "proactive_rate": round(c["published"] / c["routed"], 4) if c["routed"] else None}
                  for month, c in sorted(trend.items())},
    }


def _months(closed_from: dt.date | None, closed_to: dt.date | None, trend: dict[str, Any]) -> int:
    """Calendar months the range covers (part months count whole).

    >>> _months(dt.date(2026, 1, 1), dt.date(2026, 6, 30), {})
    6
    >>> _months(None, None, {"2026-03": {}, "2026-05": {}})
    3
    """
    first = closed_from.strftime("%Y-%m") if closed_from else min(trend, default=None)
    last = closed_to.strftime("%Y-%m") if closed_to else max(trend, default=None)
    if first is None or last is None or first > last:
        return 0
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y2 - y1) * 12 + (m2 - m1) + 1


# ---------------------------------------------------------------- as tables, as a page


def tables(report: Mapping[str, Any]) -> list[Table]:
    summary = [("items", "信息总数"), ("routed", "已分发"), ("pending", "待办"), ("published", "主动公开"),
               ("published_late", "超期公开"), ("overdue", "逾期未办结"), ("proactive_rate", "主动公开率")]
    scope = [("closed_from", f"{ZH['closed_on']}自"), ("closed_to", f"{ZH['closed_on']}至"), ("division", ZH["division"])]
    overview = Table("概览", (("figure", "指标"), ("value", "数值")),
                     [{"figure": zh, "value": report.get(key)} for key, zh in scope + summary])
    by = report["by"]
    routed = report.get("routed") or None
    return [overview,
            counts_table("按月份", "办结月份", by["month"]),
            counts_table(f"按{ZH['division']}", ZH["division"], by["division"], report.get("items") or None),
            counts_table(f"按{ZH['category']}", ZH["category"], by["category"], routed),
            counts_table(f"按{ZH['column']}", ZH["column"], by["column"], routed),
            counts_table("按审核状态", "审核状态", by["status"], report.get("items") or None)]


def page(report: Mapping[str, Any]) -> Page:
    items, routed, published = num(report.get("items")), num(report.get("routed")), num(report.get("published"))
    shown = Page(summary=[
        KeyFigure("信息总数", str(items), "办结日期在范围内"),
        KeyFigure("已分发", str(routed), "两道审核均已完成"),
        KeyFigure("待办", str(num(report.get("pending")))),
        KeyFigure("主动公开", str(published)),
        KeyFigure("主动公开率", percent(report.get("proactive_rate")), f"主动公开 {published} / 已分发 {routed}"),
        KeyFigure("超期公开", str(num(report.get("published_late"))), "超过第二十六条期限后公开",
                  warn=num(report.get("published_late")) > 0),
        KeyFigure("逾期未办结", str(num(report.get("overdue"))), "已过期限仍未分发",
                  warn=num(report.get("overdue")) > 0),
    ])
    if not items:
        shown.empty = "所选范围内没有办结的信息。"
        return shown
    by = report.get("by") or {}
    shown.charts += _monthly(report.get("trend") or {m: {"items": n} for m, n in (by.get("month") or {}).items()})
    shown.charts += [c for c in (
        count_bars(by.get("division") or {}, items, "各处室信息件数", "statistics-division", "占信息总数的比例。"),
        count_bars(by.get("category") or {}, routed, "已分发信息的公开属性", "statistics-category",
                   "占已分发件数的比例。", order=FIELD_VOCABULARY["category"]),
    ) if c]
    return shown


def _monthly(trend: Mapping[str, Mapping[str, Any]]) -> list[Chart]:
    """The monthly volume and, where a month has routed items, the monthly proactive rate."""
    periods = months(trend)
    if not periods:
        return []
    volume = {zh: [num((trend.get(m) or {}).get(key)) for m in periods]
              for key, zh in (("items", "信息总数"), ("routed", "已分发"), ("published", "主动公开"))}
    out = [Chart("每月办结、分发与主动公开件数", Markup(charts.line(
        periods, volume, title="每月办结、分发与主动公开件数", salt="statistics-volume")), "按办结月份。")]
    rates = [(trend.get(m) or {}).get("proactive_rate") for m in periods]
    if any(r is not None for r in rates):
        out.append(Chart("每月主动公开率", Markup(charts.line(
            periods, {"主动公开率": rates}, title="每月主动公开率", salt="statistics-rate", percent=True)),
            "主动公开件数占当月已分发件数的比例；当月没有已分发信息的不画点。"))
    return out


# ---------------------------------------------------------------- as JSON, and the declaration


class StatisticsBy(Out):
    """Item counts by each grouping; "(none)" for an item without a division or a column."""

    division: dict[str, int]
    category: dict[str, int] = Field(description="routed items by the store (category) decided")
    column: dict[str, int] = Field(description="routed items by column (栏目)")
    status: dict[str, int] = Field(description="secrecy_review, disclosure_review, routed")
    month: dict[str, int] = Field(description="by closing month, YYYY-MM")


class StatisticsMonth(Out):
    items: int
    routed: int
    published: int
    proactive_rate: float | None


class StatisticsOut(Out):
    """查询统计 over the items closed in the range."""

    closed_from: Day | None
    closed_to: Day | None
    division: str | None
    items: int
    routed: int = Field(description="both reviews done: in a store")
    pending: int
    published: int = Field(description="routed to the proactive store")
    published_late: int = Field(description="published after the due date (条例第二十六条)")
    overdue: int = Field(description="not routed and past the due date")
    proactive_rate: float | None = Field(description="published / routed; null when nothing is routed")
    months: int = Field(description="calendar months the range covers (or from the first closing to the last)")
    items_per_month: float | None
    published_per_month: float | None
    by: StatisticsBy
    trend: dict[str, StatisticsMonth] = Field(description="per closing month, YYYY-MM")


def _build(session: Session, settings: Settings, asked: Asked) -> dict[str, Any]:
    return statistics(session, closed_from=asked.start, closed_to=asked.end, division=asked.division,
                      today=asked.today)


REPORT = Report(
    kind="statistics", title="统计报表", out=StatisticsOut, build=_build, tables=tables, page=page,
    summary="查询统计: counts by division, category, column, status and month; proactive rate",
    csv_table="按月份", action="read_statistics", dates=CLOSING_DATES)
