"""The annual report's three tables (engine/annual/report.build) as one CSV: a line per printed value cell,
for a superior office that gathers the reports of its departments into one sheet (条例第四十九条).

Columns: table (two, three, four), row (the row's key or code), row_label (as printed; Table 二's rows carry
their block caption, Table 三's result rows their group, Table 四's groups their parent), column, column_label,
value (blank for an entry not made yet, 0 for a zero, the fee amount in 万元 as given). UTF-8 without a byte
order mark, header first, one \\n a line: as every CSV the service writes (api/reports/registry.table_csv).
Text a spreadsheet would read as a formula is put behind an apostrophe (api/reports/cells.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from api.annual.grid import grids
from api.reports.cells import text_cell

HEADER = ("table", "row", "row_label", "column", "column_label", "value")


def csv_bytes(report: Mapping[str, Any]) -> bytes:
    """The report's tables as the bytes of a CSV file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([text_cell(v) for v in line] for line in lines(report))
    return out.getvalue().encode()


def lines(report: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str, str, Any]]:
    """(table, row, row label, column, column label, value) for every value cell, in printed order."""
    layout = report["layout"]
    row_labels = _row_labels(layout)
    column_labels = {
        "two": {c["key"]: c["label"] for b in layout["two"]["blocks"] for c in b["columns"]},
        "three": {c["key"]: c["label"] for c in layout["three"]["columns"]},
        "four": {c["key"]: c["label"] for c in layout["four"]["columns"]},
    }
    for table, grid in grids(report).items():
        for cell in grid.cells:
            if cell.key is None:
                continue
            _, row, column = cell.key
            yield table, row, row_labels[table][row], column, column_labels[table][column], cell.printed


def _row_labels(layout: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    three = {}
    for row in layout["three"]["rows"]:
        three[row["code"]] = " ".join(p for p in (row["section"], row["group"], row["item"]) if p) or row["label"]
    return {
        "two": {r["key"]: f"{b['caption']} {r['label']}" for b in layout["two"]["blocks"] for r in b["rows"]},
        "three": three,
        "four": {g["key"]: g["label"] if g["label"] == g["parent"] else f"{g['parent']} {g['label']}"
                 for g in layout["four"]["groups"]},
    }
