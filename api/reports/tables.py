"""Reports and exports as named tables with Chinese headers: what the XLSX writer puts on one sheet each,
the CSV writer writes and the HTML report shows under its charts. Each report makes its own tables
(its `tables` function, api/reports/report.py); one place decides a report's columns, so the
spreadsheet, the web page and the JSON never disagree on a figure.

Identifiers (categories, columns, secrecy levels, exemptions, review stages, rule modes) are shown with
their Chinese names from engine.vocabulary.LABELS_ZH, followed by the identifier for whoever filters on
it; a field's name is FIELD_LABELS_ZH's.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from engine.vocabulary import DECIDED_FIELDS, FIELD_LABELS_ZH, LABELS_ZH
from engine.workflow.working_days import CHINA_TIME

# The four decided fields' Chinese names, in their order: the headers of every report and export.
FIELD_ZH = {name: FIELD_LABELS_ZH[name] for name in DECIDED_FIELDS}
SPECIAL_ZH = {"null": "（空）", "undecided": "（未给出建议）", "(none)": "（无）", "(rules only)": "（仅规则）"}


def label(value: Any, names: Mapping[str, str] | None = None) -> str:
    """A vocabulary identifier with its Chinese name ("主动公开 proactive"), or with its name in `names`
    (a report's own identifiers); anything else as is.

    >>> label("proactive"), label("undecided"), label("法规处"), label("late", {"late": "迟"})
    ('主动公开 proactive', '（未给出建议）', '法规处', '迟 late')
    """
    if value is None:
        return ""
    text = str(value)
    if text in SPECIAL_ZH:
        return SPECIAL_ZH[text]
    name = LABELS_ZH.get(text) or (names or {}).get(text)
    return f"{name} {text}" if name else text


@dataclass(frozen=True)
class Table:
    """One sheet: `name` (at most 31 characters, Excel's limit), columns as (key, Chinese header)."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [header for _, header in self.columns]

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [_cell(row.get(key)) for key, _ in self.columns]


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def counts_table(name: str, header: str, counts: Mapping[str, int], total: int | None = None) -> Table:
    """Counts by a key, each key with its Chinese name and, given a total, its share."""
    columns: tuple[tuple[str, str], ...] = (("key", header), ("id", "标识"), ("n", "件数"))
    if total:
        columns += (("share", "占比"),)
    rows = [{"key": label(k), "id": k, "n": n, "share": round(n / total, 4) if total else None}
            for k, n in counts.items()]
    return Table(name, columns, rows)


def china_time(stamp: str | None) -> str | None:
    """A UTC timestamp as people in the agency read it: China time, to the minute.

    >>> china_time("2026-11-20T02:00:00.123456+00:00")
    '2026-11-20 10:00'
    """
    if not stamp:
        return None
    return dt.datetime.fromisoformat(stamp).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")
