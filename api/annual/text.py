"""The report as plain text: the body of the item it is published as (the feed serves an item's text), in the
national order, with every table cell as a labelled line so the text alone says every figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _value(value: Any) -> str:
    return "" if value is None else str(value)


def _two(report: Mapping[str, Any]) -> list[str]:
    lines = []
    for block in report["layout"]["two"]["blocks"]:
        lines.append(block["caption"])
        for row in block["rows"]:
            cells = report["tables"]["two"][row["key"]]
            lines.append(row["label"] + "：" + "；".join(f"{c['label']} {_value(cells[c['key']])}" for c in block["columns"]))
    return lines


def _three(report: Mapping[str, Any]) -> list[str]:
    layout = report["layout"]["three"]
    lines = [layout["note"]]
    for row in layout["rows"]:
        cells = report["tables"]["three"][row["code"]]
        if row["section"] is not None and row["section"] not in lines:
            lines.append(row["section"])  # on a line of its own: each row's line is one sentence
        lines.append(row["label"] + "：" + "；".join(f"{c['label']} {_value(cells[c['key']])}" for c in layout["columns"]))
    return lines


def _four(report: Mapping[str, Any]) -> list[str]:
    layout = report["layout"]["four"]
    lines = []
    for group in layout["groups"]:
        cells = report["tables"]["four"][group["key"]]
        name = group["label"] if group["parent"] == group["label"] else f"{group['parent']}（{group['label']}）"
        lines.append(name + "：" + "；".join(f"{c['label']} {_value(cells[c['key']])}" for c in layout["columns"]))
    return lines


def body(report: Mapping[str, Any]) -> str:
    tables = {"proactive": _two, "applications": _three, "cases": _four}
    parts: list[str] = []
    for section in report["sections"]:
        parts.append(section["title"])
        if section["key"] in tables:
            parts.extend(tables[section["key"]](report))
        else:
            parts.append((section["text"] or "").strip())
        parts.append("")
    return "\n".join(parts).strip() + "\n"
