"""The annual report's three tables as grids of printed cells, each with its place and its spans, made once
from the report's `layout` and `tables` (engine/annual/report.build) for every file the report is printed in.

The national format of 2021 (国办公开办函〔2021〕30号; applications.md §3.1–§3.3) is read as much for its
merged cells as for its numbers: 三、本年度办理结果 standing over 23 rows, 申请人情况 over seven columns. The
DOCX, XLSX and HTML writers each merge what a `Cell` spans, so the three files cannot disagree on a span,
and a layout changed in the engine (a label, a row) reaches all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

# The sections that are tables, and the table each prints (条例第五十条第（二）至（四）项).
SECTION_TABLES: dict[str, str] = {"proactive": "two", "applications": "three", "cases": "four"}
SHEET_NAMES: dict[str, str] = {"two": "表二", "three": "表三", "four": "表四"}
DRAFT = "草稿"


@dataclass(frozen=True)
class Cell:
    """One printed cell: where it starts (row, col, from 0), what it spans, and what it prints.

    `kind` is caption (a Table 二 block's caption row), header, label, section and group (Table 三's label
    cells standing over several rows: 三、本年度办理结果, （三）不予公开 …) or value; a value cell names the
    report cell it prints in `key` (table, row, column) and holds the value as the report gives it (an int,
    a decimal string in 万元, or None while a hand-entered cell is not entered)."""

    row: int
    col: int
    text: Any
    kind: str
    rowspan: int = 1
    colspan: int = 1
    key: tuple[str, str, str] | None = None

    @property
    def printed(self) -> str:
        """What the cell shows: blank for an entry not made yet, 0 for a zero."""
        return "" if self.text is None else str(self.text)


@dataclass(frozen=True)
class Grid:
    """A table as printed: its key (two, three, four), its width and height, its cells in reading order, and
    how many rows at its top are headers (repeated on each page where a writer can)."""

    table: str
    width: int
    height: int
    cells: tuple[Cell, ...]
    header_rows: int = 0

    def rows(self) -> list[list[Cell]]:
        """The cells that start on each row (HTML writes a cell in the row it starts in)."""
        rows: list[list[Cell]] = [[] for _ in range(self.height)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        return [sorted(row, key=lambda c: c.col) for row in rows]

    def merged(self) -> Iterator[Cell]:
        return (c for c in self.cells if c.rowspan > 1 or c.colspan > 1)


def grids(report: Mapping[str, Any]) -> dict[str, Grid]:
    """The three tables of `report` as grids, by table key."""
    layout, tables = report["layout"], report["tables"]
    return {"two": table_two(layout["two"], tables["two"]), "three": table_three(layout["three"], tables["three"]),
            "four": table_four(layout["four"], tables["four"])}


def table_two(layout: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]) -> Grid:
    """Table 二, four columns wide: each block a caption row across the table, a header row (信息内容 and the
    block's columns) and its rows; a block with one value column spans it over the three value columns."""
    width, cells, row = 4, [], 0
    for block in layout["blocks"]:
        columns = block["columns"]
        span = (width - 1) // len(columns)
        cells.append(Cell(row, 0, block["caption"], "caption", colspan=width))
        cells.append(Cell(row + 1, 0, layout["header"], "header"))
        cells += [Cell(row + 1, 1 + i * span, c["label"], "header", colspan=span) for i, c in enumerate(columns)]
        row += 2
        for line in block["rows"]:
            cells.append(Cell(row, 0, line["label"], "label"))
            cells += [Cell(row, 1 + i * span, values.get(line["key"], {}).get(c["key"]), "value", colspan=span,
                           key=("two", line["key"], c["key"])) for i, c in enumerate(columns)]
            row += 1
    return Grid("two", width, row, tuple(cells))


def _header_three(layout: Mapping[str, Any]) -> list[Cell]:
    """Table 三's three header rows: the note over the label columns, 申请人情况 over the data columns; a
    column without a group (自然人, 总计) stands over rows 2–3, a group (法人或其他组织) over its columns."""
    columns = layout["columns"]
    cells = [Cell(0, 0, layout["note"], "header", rowspan=3, colspan=3),
             Cell(0, 3, layout["span"], "header", colspan=len(columns))]
    col = 3
    for group, members in groupby(columns, key=lambda c: c["group"]):
        run = list(members)
        if group is None:
            cells += [Cell(1, col + i, c["label"], "header", rowspan=2) for i, c in enumerate(run)]
        else:
            cells.append(Cell(1, col, group, "header", colspan=len(run)))
            cells += [Cell(2, col + i, c["label"], "header") for i, c in enumerate(run)]
        col += len(run)
    return cells


def _runs(rows: Sequence[Mapping[str, Any]], field: str) -> dict[int, int]:
    """{index of the first row of a run of rows sharing `field` (not None): the run's length}."""
    runs: dict[int, int] = {}
    index = 0
    for value, members in groupby(rows, key=lambda r: r[field]):
        length = len(list(members))
        if value is not None:
            runs[index] = length
        index += length
    return runs


def table_three(layout: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]) -> Grid:
    """Table 三, three label columns and seven data columns: 一、二、四 across the label columns; the result
    rows under 三、本年度办理结果 (one cell down the first label column), their group (（三）不予公开 …) down
    the second and the item in the third, or the item across both when the row has no group."""
    rows, columns, top = layout["rows"], layout["columns"], 3
    sections, groups = _runs(rows, "section"), _runs(rows, "group")
    cells = _header_three(layout)
    for i, line in enumerate(rows):
        r = top + i
        if line["section"] is None:
            cells.append(Cell(r, 0, line["label"], "label", colspan=3))
        else:
            if i in sections:
                cells.append(Cell(r, 0, line["section"], "section", rowspan=sections[i]))
            if line["group"] is None:
                cells.append(Cell(r, 1, line["item"], "label", colspan=2))
            else:
                if i in groups:
                    cells.append(Cell(r, 1, line["group"], "group", rowspan=groups[i]))
                cells.append(Cell(r, 2, line["item"], "label"))
        cells += [Cell(r, 3 + j, values.get(line["code"], {}).get(c["key"]), "value", key=("three", line["code"], c["key"]))
                  for j, c in enumerate(columns)]
    return Grid("three", 3 + len(columns), top + len(rows), tuple(cells), header_rows=top)


def table_four(layout: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]) -> Grid:
    """Table 四, one data row of groups × columns: 行政复议 over its five columns and 行政诉讼 over ten; a
    group named as its parent (行政复议) has its column labels stand over rows 2–3, the others (未经复议直接起诉,
    复议后起诉) their label over their five columns with the column labels under it."""
    groups, columns = layout["groups"], layout["columns"]
    n, cells, col = len(columns), [], 0
    for parent, members in groupby(groups, key=lambda g: g["parent"]):
        run = list(members)
        cells.append(Cell(0, col, parent, "header", colspan=n * len(run)))
        for group in run:
            if group["label"] == parent:
                cells += [Cell(1, col + i, c["label"], "header", rowspan=2) for i, c in enumerate(columns)]
            else:
                cells.append(Cell(1, col, group["label"], "header", colspan=n))
                cells += [Cell(2, col + i, c["label"], "header") for i, c in enumerate(columns)]
            cells += [Cell(3, col + i, values.get(group["key"], {}).get(c["key"]), "value",
                           key=("four", group["key"], c["key"])) for i, c in enumerate(columns)]
            col += n
    return Grid("four", col, 4, tuple(cells), header_rows=3)


def paragraphs(text: str | None) -> list[str]:
    """A narrative as paragraphs: one per line, blank lines and surrounding spaces dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def is_draft(report: Mapping[str, Any]) -> bool:
    """Anything not published (draft, submitted, or no status given) prints as 草稿."""
    return report.get("status") != "published"
