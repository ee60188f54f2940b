"""What a report's HTML page shows above its tables, and the helpers the reports' `page` functions share:
key figures in large type, charts (drawn by api/reports/charts.py), notes, or why there is nothing to
show. api/reports/html.py lays the page out.

A page reads its report dict with `.get` throughout, so a key a later version adds or drops leaves a
chart out rather than failing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from markupsafe import Markup

from api.reports import charts
from engine.vocabulary import LABELS_ZH

# Periods without items are drawn (as zero, or a gap in a rate) up to these spans; beyond them only the
# periods with items are, so a range of centuries cannot make a chart of thousands of points.
MAX_FILLED_MONTHS = 240
MAX_FILLED_WEEKS = 260
SHORT_ZH = {"not_government_info": "非政府信息", "null": "（空）", "undecided": "（未建议）", "(none)": "（无）",
            "(rules only)": "（仅规则）"}


@dataclass(frozen=True)
class KeyFigure:
    """One key figure in large type: label, value as shown, a small note; `warn` when it needs attention."""

    label: str
    value: str
    note: str = ""
    warn: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup
    caption: str = ""

    @property
    def width(self) -> int:
        """The chart's natural width in CSS pixels (matplotlib writes it in pt): its box is that wide."""
        found = re.search(r'<svg[^>]* width="([\d.]+)pt"', self.svg)
        return round(float(found.group(1)) * 4 / 3) if found else 540


@dataclass
class Page:
    summary: list[KeyFigure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty: str | None = None  # why there is nothing to show; charts and tables are left out then


def percent(value: Any) -> str:
    """0.4 as "40.0%"; anything not a number (no figure: None) as a dash."""
    return f"{value:.1%}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "—"


def num(value: Any) -> int:
    return value if isinstance(value, int) else 0


def chart_label(value: str) -> str:
    """A vocabulary identifier's Chinese name for a chart (short), else the value itself."""
    return SHORT_ZH.get(value) or LABELS_ZH.get(value) or value


def months(keys: Iterable[str]) -> list[str]:
    """The months from the first to the last of `keys` (YYYY-MM), gaps filled, so a chart's x axis is time."""
    present = sorted(k for k in keys
                     if isinstance(k, str) and len(k) == 7 and k[4] == "-" and k.replace("-", "").isdigit())
    if not present:
        return []
    (y0, m0), (y1, m1) = (map(int, present[0].split("-")), map(int, present[-1].split("-")))
    span = (y1 - y0) * 12 + m1 - m0 + 1
    if span > MAX_FILLED_MONTHS:
        return present
    return [f"{y0 + (m0 - 1 + i) // 12:04d}-{(m0 - 1 + i) % 12 + 1:02d}" for i in range(span)]


def weeks(keys: Iterable[str]) -> list[str]:
    """The ISO weeks from the first to the last of `keys` (YYYY-Www), gaps filled."""
    present = sorted(k for k in keys if isinstance(k, str) and len(k) == 8 and k[4:6] == "-W" and
                     k[:4].isdigit() and k[6:].isdigit())
    try:
        first, last = (dt.date.fromisocalendar(int(k[:4]), int(k[6:]), 1) for k in (present[0], present[-1]))
    except (IndexError, ValueError):
        return present
    span = (last - first).days // 7 + 1
    if span > MAX_FILLED_WEEKS:
        return present
    return ["{0}-W{1:02d}".format(*(first + dt.timedelta(weeks=i)).isocalendar()[:2]) for i in range(span)]


def count_bars(counts: Mapping[str, Any], total: int, title: str, salt: str, caption: str,
               order: Sequence[str] = ()) -> Chart | None:
    """Counts as horizontal bars, each with its share of `total`; in `order` if given, else largest first."""
    if not counts:
        return None
    rank = {v: i for i, v in enumerate(order)}
    keys = sorted(counts, key=lambda k: (rank.get(k, len(rank)), -num(counts[k]), str(k)) if order else
                  (-num(counts[k]), str(k)))
    values = [num(counts[k]) for k in keys]
    notes = [f"{v}（{v / total:.1%}）" if total else str(v) for v in values]
    return Chart(title, Markup(charts.hbars([chart_label(str(k)) for k in keys], values, notes=notes, title=title, salt=salt)),
                 caption)
