"""查询统计: counts by division, category, column, review status and month, the proactive rate, and
items published, overdue and pending, over items closed in a date range (issue 5's statistics; the
figures the model agency reported, e.g. 428 of 1,317 proactive, 32.5%, come from here).

Grouped in SQL (one GROUP BY over the columns that matter, by closing day), summed in Python: the
same query on SQLite and PostgreSQL (grouping by month in SQL would need each dialect's date function). At
100k items over two years that is about 80k grouped rows, 1.6 s (bench/reports_bench.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.items.queries import filtered
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
