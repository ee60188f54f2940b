"""The HTML report (issue 5): one self-contained page per report, in Chinese, for the screen and for
A4 paper. Inline CSS, charts as inline SVG (api/reports/charts.py), no JavaScript and no external address:
an agency intranet has no internet, and the page must open from a file or an e-mail attachment.

The page reads the report dicts of api/reports/statistics.py, api/reports/accuracy.py and api/reports/supervision.py with
`.get` throughout, so a key a later version adds or drops leaves a chart out rather than failing,
and shows every table of api/reports/tables.py (what the XLSX has), long ones cut to TABLE_ROWS.

Report text (division names, reasons, titles) is user input: the template autoescapes it, and
matplotlib escapes what it writes into the SVG; charts.plain keeps "$" out of mathtext.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from api.reports import charts
from api.reports.tables import FIELD_ZH, KIND_ZH, STAGE_ZH, Table, tables
from engine.vocabulary import FIELD_VOCABULARY, LABELS_ZH
from engine.workflow.working_days import CHINA_TIME

TITLES = {"statistics": "统计报表", "accuracy": "建议准确率报告", "supervision": "监察考核报告"}
TABLE_ROWS = 200  # longer tables are cut here; the XLSX has them whole
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


def render_html(kind: str, report: Mapping[str, Any], *, generated_at: str | None = None) -> str:
    """The report `kind` (statistics, accuracy or supervision) as one self-contained HTML page.

    Args:
        kind: which report `report` is.
        report: the dict the report function (and /v1/reports/{kind}) returns. Its scope is read from
            `closed_from`/`closed_to` or `since`/`until`, `division` and `today` when present.
        generated_at: shown as the time the page was made; default now, China time. Pass it to get
            the same bytes for the same report.

    Raises:
        ValueError: an unknown kind.
    """
    if kind not in PAGES:
        raise ValueError(f"unknown report {kind!r}: one of {', '.join(PAGES)}")
    page = PAGES[kind](report)
    shown = [] if page.empty else [_table(t) for t in tables(kind, report)]
    return _environment().get_template("report.html.j2").render(
        title=TITLES[kind], scope=_scope(kind, report), page=page, tables=shown,
        generated_at=generated_at or dt.datetime.now(CHINA_TIME).strftime("%Y-%m-%d %H:%M"))


@functools.cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("api", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


# ---------------------------------------------------------------- header and tables


def _scope(kind: str, report: Mapping[str, Any]) -> list[tuple[str, str]]:
    start, end = (report.get("since"), report.get("until")) if kind == "supervision" else (
        report.get("closed_from"), report.get("closed_to"))
    dates = f"{start} 至 {end}" if start and end else f"{start} 起" if start else f"截至 {end}" if end else "全部"
    scope = [("事件日期" if kind == "supervision" else "办结日期", dates),
             ("处室", str(report.get("division") or "全部处室"))]
    if report.get("today"):
        scope.append(("统计日", str(report["today"])))
    return scope


@dataclass(frozen=True)
class ShownTable:
    name: str
    headers: list[str]
    rows: list[list[tuple[str, str]]]  # each cell's text and its CSS class (num, short, long or none)
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def _table(table: Table) -> ShownTable:
    values = list(table.values())
    headers = table.headers
    rows = [[_cell(h, row[0] if row else None, v) for h, v in zip(headers, row, strict=True)]
            for row in values[:TABLE_ROWS]]
    return ShownTable(table.name, headers, rows, len(values))


def _is_rate(name: object) -> bool:
    text = str(name or "")
    return text.endswith("率") or "F1" in text or text == "占比"


def _cell(header: str, first: object, value: Any) -> tuple[str, str]:
    """A table cell as text and CSS class; ratios (a 率/占比/F1 column, or a row named so in a figure/value
    table) as percent. Numbers are right-aligned, short text is kept on one line, long text (JSON
    details, hashes) may break anywhere but keeps a readable width."""
    if value is None:
        return "", ""
    if isinstance(value, float) and (_is_rate(header) or _is_rate(first)):
        return _percent(value), "num"
    text = str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text, "num"
    return text, "short" if len(text) <= 16 else "long" if len(text) > 40 else ""


def _percent(value: Any) -> str:
    """0.4 as "40.0%"; anything not a number (no figure: None) as a dash."""
    return f"{value:.1%}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "—"


def _zh(value: str) -> str:
    """A vocabulary identifier's Chinese name for a chart (short), else the value itself."""
    return SHORT_ZH.get(value) or LABELS_ZH.get(value) or STAGE_ZH.get(value) or KIND_ZH.get(value) or value


def _num(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _months(keys: Iterable[str]) -> list[str]:
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


def _weeks(keys: Iterable[str]) -> list[str]:
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


# ---------------------------------------------------------------- 统计报表


def statistics_page(report: Mapping[str, Any]) -> Page:
    items, routed, published = _num(report.get("items")), _num(report.get("routed")), _num(report.get("published"))
    page = Page(summary=[
        KeyFigure("信息总数", str(items), "办结日期在范围内"),
        KeyFigure("已分发", str(routed), "两道审核均已完成"),
        KeyFigure("待办", str(_num(report.get("pending")))),
        KeyFigure("主动公开", str(published)),
        KeyFigure("主动公开率", _percent(report.get("proactive_rate")), f"主动公开 {published} / 已分发 {routed}"),
        KeyFigure("超期公开", str(_num(report.get("published_late"))), "超过第二十六条期限后公开",
                  warn=_num(report.get("published_late")) > 0),
        KeyFigure("逾期未办结", str(_num(report.get("overdue"))), "已过期限仍未分发",
                  warn=_num(report.get("overdue")) > 0),
    ])
    if not items:
        page.empty = "所选范围内没有办结的信息。"
        return page
    by = report.get("by") or {}
    trend: Mapping[str, Mapping[str, Any]] = report.get("trend") or {m: {"items": n} for m, n in
                                                                     (by.get("month") or {}).items()}
    months = _months(trend)
    if months:
        volume = {zh: [_num((trend.get(m) or {}).get(key)) for m in months]
                  for key, zh in (("items", "信息总数"), ("routed", "已分发"), ("published", "主动公开"))}
        page.charts.append(Chart("每月办结、分发与主动公开件数", Markup(charts.line(
            months, volume, title="每月办结、分发与主动公开件数", salt="statistics-volume")), "按办结月份。"))
        rates = [(trend.get(m) or {}).get("proactive_rate") for m in months]
        if any(r is not None for r in rates):
            page.charts.append(Chart("每月主动公开率", Markup(charts.line(
                months, {"主动公开率": rates}, title="每月主动公开率", salt="statistics-rate", percent=True)),
                "主动公开件数占当月已分发件数的比例；当月没有已分发信息的不画点。"))
    page.charts += [c for c in (
        _count_bars(by.get("division") or {}, items, "各处室信息件数", "statistics-division", "占信息总数的比例。"),
        _count_bars(by.get("category") or {}, routed, "已分发信息的公开属性", "statistics-category",
                    "占已分发件数的比例。", order=FIELD_VOCABULARY["category"]),
    ) if c]
    return page


def _count_bars(counts: Mapping[str, Any], total: int, title: str, salt: str, caption: str,
                order: Sequence[str] = ()) -> Chart | None:
    if not counts:
        return None
    rank = {v: i for i, v in enumerate(order)}
    keys = sorted(counts, key=lambda k: (rank.get(k, len(rank)), -_num(counts[k]), str(k)) if order else
                  (-_num(counts[k]), str(k)))
    values = [_num(counts[k]) for k in keys]
    notes = [f"{v}（{v / total:.1%}）" if total else str(v) for v in values]
    return Chart(title, Markup(charts.hbars([_zh(str(k)) for k in keys], values, notes=notes, title=title, salt=salt)),
                 caption)


# ---------------------------------------------------------------- 建议准确率报告


def accuracy_page(report: Mapping[str, Any]) -> Page:
    items = _num(report.get("items"))
    fields = {f: report.get(f) or {} for f in FIELD_ZH}
    overrides = report.get("override_rate") or {}
    violations = report.get("violations") or {}
    page = Page(summary=[KeyFigure("核对件数", str(items), "已完成两道审核的信息")])
    page.summary += [KeyFigure(f"{zh}准确率", _percent(fields[f].get("accuracy")) if items else "—",
                               f"宏平均 F1 {_percent(fields[f].get('macro_f1'))}" if items else "")
                     for f, zh in FIELD_ZH.items()]
    flag = report.get("secrecy_flag") or {}
    page.summary.append(KeyFigure("涉密标志召回率", _percent(flag.get("recall")) if items else "—",
                                  f"精确率 {_percent(flag.get('precision'))}" if items else ""))
    for key, zh in (("secret_suggested_proactive", "涉密信息被建议主动公开"),
                    ("withheld_suggested_proactive", "不予公开信息被建议主动公开")):
        n = _num(violations.get(key))
        page.summary.append(KeyFigure(zh, str(n), "件", warn=n > 0))
    for stage, o in overrides.items():
        page.summary.append(KeyFigure(f"{STAGE_ZH.get(stage, stage)}改判率", _percent((o or {}).get("rate")),
                                      f"{_num((o or {}).get('changed'))} / {_num((o or {}).get('reviews'))}"))
    if not items:
        page.empty = "所选范围内没有已完成保密审核和公开方式审核的信息，无法核对建议。"
        return page
    by = report.get("by") or {}
    for key, zh, periods in (("week", "按 ISO 周", _weeks), ("month", "按月", _months)):
        chart = _accuracy_trend(by.get(key) or {}, periods, f"各字段建议准确率（{zh}）", f"accuracy-{key}")
        if chart:
            page.charts.append(chart)
    for f in ("category", "secrecy", "column"):
        chart = _confusion(f, fields[f].get("confusion") or {})
        if chart:
            page.charts.append(chart)
    page.charts += [c for c in (_rule_precision(report.get("rules") or {}, page), _override_bars(overrides)) if c]
    return page


def _accuracy_trend(groups: Mapping[str, Mapping[str, Any]], periods: Callable[[Iterable[str]], list[str]],
                    title: str, salt: str) -> Chart | None:
    keys = periods(groups)
    series = {FIELD_ZH[f]: [(groups.get(k) or {}).get(f"{f}_accuracy") for k in keys] for f in FIELD_ZH}
    series = {name: values for name, values in series.items() if any(v is not None for v in values)}
    if not keys or not series:
        return None
    counted = [k for k in keys if k in groups]
    counts = "、".join(f"{k} {_num((groups[k] or {}).get('items'))} 件" for k in counted[-6:])
    return Chart(title, Markup(charts.panels(keys, series, title=title, salt=salt)),
                 f"按办结日期分组；没有核对件数的时段不画点。核对件数：{'…、' if len(counted) > 6 else ''}{counts}。")


def _confusion(name: str, confusion: Mapping[str, Mapping[str, Any]]) -> Chart | None:
    present = set(confusion) | {s for row in confusion.values() for s in (row or {})}
    if not present:
        return None
    rank = {v: i for i, v in enumerate((*FIELD_VOCABULARY[name], "null", "undecided"))}
    cols = sorted(present, key=lambda v: (rank.get(v, len(rank)), v))
    # A decision is never "undecided" (it sorts last, so the rows stay a prefix and agreement the diagonal).
    rows = [v for v in cols if v != "undecided" or v in confusion]
    counts = {g: {s: _num(n) for s, n in (row or {}).items()} for g, row in confusion.items()}
    title = f"{FIELD_ZH[name]}混淆矩阵"
    right = sum(counts.get(v, {}).get(v, 0) for v in rows)
    total = sum(n for row in counts.values() for n in row.values())
    return Chart(title, Markup(charts.heatmap(rows, cols, counts, title=title, salt=f"accuracy-confusion-{name}",
                                              names={v: _zh(v) for v in cols})),
                 f"行是人工决定，列是系统建议。对角线（绿色、带框）为建议与决定一致：{right} / {total} 件；"
                 "其余（橙色）为改判，颜色越深件数越多。")


def _rule_precision(rules: Mapping[str, Mapping[str, Any]], page: Page) -> Chart | None:
    scored = [(rid, r) for rid, r in rules.items() if isinstance((r or {}).get("precision"), (int, float))]
    unscored = sorted(((rid, _num((r or {}).get("fired"))) for rid, r in rules.items()
                       if not isinstance((r or {}).get("precision"), (int, float))), key=lambda x: (-x[1], x[0]))
    if unscored:
        page.notes.append(f"{len(unscored)} 条规则命中过，但它设定的字段没有可核对的人工决定，未计精确率，未画入规则图："
                          + "、".join(f"{rid}（命中 {n} 次）" for rid, n in unscored) + "。")
    if not scored:
        return None
    # Worst first: the rules an author should look at are on top.
    scored.sort(key=lambda x: (x[1]["precision"], -_num(x[1].get("fired")), x[0]))
    notes = [f"{r['precision']:.1%}  {_num(r.get('confirmed'))}/{_num(r.get('confirmed')) + _num(r.get('overridden'))}"
             f" · 命中 {_num(r.get('fired'))}" + (f" · 被取代 {_num(r.get('outranked'))}" if r.get("outranked") else "")
             for _, r in scored]
    title = "各规则精确率"
    return Chart(title, Markup(charts.hbars([rid for rid, _ in scored], [float(r["precision"]) for _, r in scored],
                                            notes=notes, title=title, salt="accuracy-rules", percent=True,
                                            highlight_below=charts.LOW_BELOW)),
                 f"精确率 = 被确认 / （被确认 + 被改判），由低到高；低于 {charts.LOW_BELOW:.0%} 的标为橙色。"
                 "“命中”为命中次数（含观察模式的规则）；“被取代”为规则命中、但建议取了优先规则或一致性约束的值的次数"
                 "（如标密文件的豁免事由一律为国家秘密），这些命中不计入“生效时精确率”和改修建议。")


def _override_bars(overrides: Mapping[str, Mapping[str, Any]]) -> Chart | None:
    stages = [(s, o or {}) for s, o in overrides.items() if isinstance((o or {}).get("rate"), (int, float))]
    if not stages:
        return None
    title = "各审核环节改判率"
    return Chart(title, Markup(charts.hbars(
        [STAGE_ZH.get(s, s) for s, _ in stages], [float(o["rate"]) for _, o in stages], percent=True,
        notes=[f"{o['rate']:.1%}  {_num(o.get('changed'))}/{_num(o.get('reviews'))}" for _, o in stages],
        title=title, salt="accuracy-overrides")), "审核人员改变系统建议的件数占该环节审核件数的比例。")


# ---------------------------------------------------------------- 监察考核报告


def supervision_page(report: Mapping[str, Any]) -> Page:
    rows = [r for r in report.get("rows") or [] if isinstance(r, Mapping)]
    counts: dict[str, int] = {k: _num(n) for k, n in (report.get("counts") or {}).items()}
    if not counts:  # counted from the rows when the report leaves the counts out
        for row in rows:
            counts[str(row.get("kind"))] = counts.get(str(row.get("kind")), 0) + 1
    kinds = list(KIND_ZH) + sorted((set(counts) | {str(r.get("kind")) for r in rows}) - set(KIND_ZH))
    page = Page(summary=[KeyFigure("监察事项", str(sum(counts.values()) or len(rows)), "件", warn=bool(rows))])
    page.summary += [KeyFigure(KIND_ZH.get(k, k), str(counts.get(k, 0)), warn=counts.get(k, 0) > 0) for k in kinds]
    if not rows and not any(counts.values()):
        page.empty = "所选范围内没有逾期、滞留、从未审核、密级降低、重新打开、超期公开或撤回事项。"
        return page
    shown = [k for k in kinds if counts.get(k)]
    title = "各类监察事项件数"
    page.charts.append(Chart(title, Markup(charts.hbars(
        [KIND_ZH.get(k, k) for k in shown], [counts[k] for k in shown], title=title, salt="supervision-kinds"))))
    by_month: dict[str, dict[str, int]] = {}
    for row in rows:
        on = str(row.get("on") or row.get("when") or "")[:7]
        by_month.setdefault(on, {}).setdefault(str(row.get("kind")), 0)
        by_month[on][str(row.get("kind"))] += 1
    months = _months(by_month)
    if months:
        title = "每月监察事项（按类型）"
        series = {KIND_ZH.get(k, k): [by_month.get(m, {}).get(k, 0) for m in months]
                  for k in kinds if any(k in v for v in by_month.values())}
        page.charts.append(Chart(title, Markup(charts.columns(months, series, title=title, salt="supervision-months")),
                                 "按事项发生的日期（逾期为期限次日，滞留为超过时限的第一天）。"))
    return page


PAGES: dict[str, Callable[[Mapping[str, Any]], Page]] = {
    "statistics": statistics_page, "accuracy": accuracy_page, "supervision": supervision_page}
