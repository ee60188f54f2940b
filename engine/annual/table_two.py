"""Table 二 主动公开政府信息情况, block 第二十条第（一）项 (applications.md §3.1), counted from the catalog: the
规章 and 行政规范性文件 in the proactive store, with the day each was issued and, once it stopped being in force,
the day it did and how (废止, or 失效 when its term ran out or it was declared void).

- 本年制发件数: issued in the year;
- 本年废止件数: stopped being in force in the year, by the ways the agency counts as 废止 (by default both:
  a cleanup that 宣布失效 is reported as 废止 in practice [P], and counting both keeps check 8 balanced);
- 现行有效件数: issued by 31 December and still in force on that day.
The other three blocks (行政许可、行政处罚、行政强制 decisions and fee income) come from other systems and are
entered by hand with their source (api/annual).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

INSTRUMENTS = ("regulations", "normative_documents")  # 规章, 行政规范性文件
VALIDITY = ("in_force", "expired", "repealed")  # 有效, 失效, 废止
VALIDITY_LABELS = {"in_force": "有效", "expired": "失效", "repealed": "废止"}
INSTRUMENT_LABELS = {"regulations": "规章", "normative_documents": "行政规范性文件"}
COUNTED_AS_REPEALED = frozenset({"expired", "repealed"})


@dataclass(frozen=True)
class Instrument:
    item_id: int
    instrument: str  # one of INSTRUMENTS
    issued_on: dt.date
    validity: str = "in_force"
    ended_on: dt.date | None = None  # the day it stopped being in force (none while in force)


def in_force_on(record: Instrument, day: dt.date) -> bool:
    """Issued by `day` and not ended by it (an instrument ending on `day` is no longer in force that day)."""
    if record.issued_on > day:
        return False
    return record.validity == "in_force" or record.ended_on is None or record.ended_on > day


def table_two(records: Iterable[Instrument], year: int,
              counted_as_repealed: frozenset[str] = COUNTED_AS_REPEALED) -> dict[str, dict[str, list[int]]]:
    """{instrument: {issued|repealed|in_force: [item ids]}} for the year.

    Examples:
        >>> r = [Instrument(1, "regulations", dt.date(2025, 3, 1)),
        ...      Instrument(2, "regulations", dt.date(2020, 1, 1), "repealed", dt.date(2025, 6, 30))]
        >>> {k: len(v) for k, v in table_two(r, 2025)["regulations"].items()}
        {'issued': 1, 'repealed': 1, 'in_force': 1}
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cells: dict[str, dict[str, list[int]]] = {i: {"issued": [], "repealed": [], "in_force": []} for i in INSTRUMENTS}
    for record in records:
        row = cells[record.instrument]
        if start <= record.issued_on <= end:
            row["issued"].append(record.item_id)
        if (record.validity in counted_as_repealed and record.ended_on is not None
                and start <= record.ended_on <= end):
            row["repealed"].append(record.item_id)
        if in_force_on(record, end):
            row["in_force"].append(record.item_id)
    for row in cells.values():
        for ids in row.values():
            ids.sort()
    return cells
