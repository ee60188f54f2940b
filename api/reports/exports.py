"""Export of any list (items, queues, stores, review history) as CSV or XLSX: the whole filtered list,
not one page, with Chinese headers, in the shape the JSON list has. What a reader may not see (the
title of a secret item) is as blank in the export as on screen.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from api.reports.registry import MEDIA_TYPES, table_csv
from api.reports.tables import FIELD_ZH, Table, label
from engine.vocabulary import FIELD_LABELS_ZH

EXPORT_LIMIT = 100_000  # rows in one export; more is refused, not cut silently
# For the OpenAPI document: a list route answers JSON, or CSV/XLSX when asked with format=.
RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}, MEDIA_TYPES["xlsx"]: {}},
                                                    "description": "the list; CSV or XLSX with format=csv|xlsx"}}

_ZH = FIELD_LABELS_ZH  # a SCHEMA field's column is headed by its name there
ITEM_COLUMNS = (("id", "信息编号"), ("index_number", "索引号"), ("title", _ZH["title"]), ("division", _ZH["division"]),
                ("origin", _ZH["source"]), ("source_id", _ZH["id"]), ("status", "审核状态"), ("store", "信息库"),
                *((name, _ZH[name]) for name in ("secrecy", "category", "exemption", "column")),
                ("marked", "有密级标志"), ("closed_on", _ZH["closed_on"]), ("due_on", "应公开日期"), ("overdue", "逾期"),
                ("published_late", "超期公开"),
                ("created_at", "推送时间"), ("routed_at", "分发时间"), ("changed_after_review", "审核后有新版本"))
REVIEW_COLUMNS = (("review_id", "审核记录编号"), ("item_id", "信息编号"), ("index_number", "索引号"),
                  ("division", _ZH["division"]), ("stage", "审核环节"), ("actor", "审核人"), ("role", "角色"), ("at", "时间"),
                  ("version", "版本"), ("changed", "改判"), ("suggested", "系统建议"), ("decided", "审核决定"),
                  ("reason", "理由"), ("leader_instruction", "领导批示意见"))
_LABELLED = ("status", "store", "secrecy", "category", "exemption", "column", "stage")


def items_table(items: Iterable[Mapping[str, Any]], name: str = "信息列表") -> Table:
    rows = []
    for item in items:
        row = {**item, **(item.get("decision") or {})}
        rows.append({k: label(row.get(k)) if k in _LABELLED else row.get(k) for k, _ in ITEM_COLUMNS})
    return Table(name, ITEM_COLUMNS, rows)


def reviews_table(reviews: Iterable[Mapping[str, Any]]) -> Table:
    return Table("审核记录", REVIEW_COLUMNS,
                 [{k: label(r.get(k)) if k in _LABELLED else r.get(k) for k, _ in REVIEW_COLUMNS} for r in reviews])


ACCURACY_ITEM_COLUMNS = ((("item_id", "信息编号"), ("division", FIELD_LABELS_ZH["division"]), ("ruleset_revision", "规则版本"),
                          ("model_id", "模型版本"), ("month", "办结月份"), ("week", "办结周"))
                         + tuple((f"{side}_{f}", f"{zh}（{side_zh}）") for f, zh in FIELD_ZH.items()
                                 for side, side_zh in (("suggested", "建议"), ("decided", "决定")))
                         + (("changed_secrecy_review", "保密审核改判"), ("changed_disclosure_review", "公开方式审核改判")))


def accuracy_items_table(items: Iterable[Mapping[str, Any]]) -> Table:
    rows = []
    for item in items:
        row = {k: item.get(k) for k in ("item_id", "division", "ruleset_revision", "model_id", "month", "week")}
        for f in FIELD_ZH:
            row[f"suggested_{f}"], row[f"decided_{f}"] = label(item["suggested"].get(f)), label(item["decided"].get(f))
        row.update({f"changed_{stage}": flag for stage, flag in item["changed"].items()})
        rows.append(row)
    return Table("图表背后的信息", ACCURACY_ITEM_COLUMNS, rows)


def render(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return table_csv(table).encode()
    from api.reports.xlsx import workbook  # openpyxl only when a workbook is asked for, not at start-up

    return workbook([table])
