"""The accuracy report (api/reports/accuracy.py) as tables (the XLSX sheets, the tables under the page),
as the HTML page's key figures and charts, and as JSON: the models of what /v1/reports/accuracy and
/v1/reports/accuracy/items answer."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from markupsafe import Markup
from pydantic import Field

from api.reports import charts
from api.reports.accuracy_applications import ApplicationAccuracyOut
from api.reports.accuracy_applications import tables as application_tables
from api.reports.page import Chart, KeyFigure, Page, chart_label, months, num, percent, weeks
from api.reports.reviewed import STAGES
from api.reports.rule_health import Advice
from api.reports.tables import FIELD_ZH, Table, label
from api.responses import Day, Out, Timestamp
from engine.vocabulary import FIELD_VOCABULARY, LABELS_ZH, RuleMode

# ---------------------------------------------------------------- as tables


def tables(report: Mapping[str, Any]) -> list[Table]:
    fields = Table("各字段准确率", (("field", "字段"), ("accuracy", "准确率"), ("macro_f1", "宏平均F1")),
                   [{"field": f"{FIELD_ZH[f]} {f}", "accuracy": report[f]["accuracy"], "macro_f1": report[f]["macro_f1"]}
                    for f in FIELD_ZH])
    flag = report["secrecy_flag"]
    fields.rows.append({"field": "涉密标志 secrecy_flag", "accuracy": None,
                        "macro_f1": flag["f1"]})
    classes = Table("各类精确率召回率", (("field", "字段"), ("class", "类别"), ("precision", "精确率"),
                                 ("recall", "召回率"), ("f1", "F1"), ("support", "人工决定件数")),
                    [{"field": FIELD_ZH[f], "class": label(c), **scores}
                     for f in FIELD_ZH for c, scores in report[f]["per_class"].items()])
    confusion = Table("混淆矩阵", (("field", "字段"), ("gold", "人工决定"), ("suggested", "系统建议"), ("n", "件数")),
                      [{"field": FIELD_ZH[f], "gold": label(g), "suggested": label(s), "n": n}
                       for f in FIELD_ZH for g, row in report[f]["confusion"].items() for s, n in row.items()])
    overrides = Table("各审核环节改判率", (("stage", "审核环节"), ("reviews", "审核件数"), ("changed", "改判件数"),
                                   ("rate", "改判率"), ("item_ids", "改判信息编号")),
                      [{"stage": label(s), **o} for s, o in report["override_rate"].items()])
    rules = Table("各规则命中与精确率", RULE_COLUMNS, [_rule_row(rid, r) for rid, r in report["rules"].items()])
    by_zh = {"division": "按处室", "ruleset_revision": "按规则版本", "model_id": "按模型版本", "month": "按月趋势",
             "week": "按周趋势"}
    groups = [Table(zh, (("group", "分组"), ("items", "件数"), ("category_correct", "公开属性建议正确"),
                         ("category_accuracy", "公开属性准确率")),
                    [{"group": label(g), **v} for g, v in report["by"][key].items()])
              for key, zh in by_zh.items()]
    wrong = Table("建议有误的信息", (("id", "信息编号"),) + tuple(
        (f"{side}_{f}", f"{FIELD_ZH[f]}（{zh}）") for f in FIELD_ZH for side, zh in (("suggested", "建议"),
                                                                                    ("gold", "决定"))),
        [{"id": w["id"], **{f"{side}_{f}": label(w[side][f]) for f in FIELD_ZH for side in ("suggested", "gold")}}
         for w in report["wrong"]])
    return [fields, classes, confusion, overrides, rules, *groups, wrong,
            *(application_tables(report["applications"]) if "applications" in report else [])]


# Per stage (api/reports/accuracy.py `stages`): the hits setting a field that stage decides, how many of them its
# final decision overrode, the rate, and how often that stage's reviewer changed the suggestion there;
# empty where the rule sets none of the stage's fields.
STAGE_FIGURES_ZH = (("hits", "命中"), ("overridden", "被改判"), ("rate", "改判率"), ("changed", "人员改动"))
RULE_COLUMNS = ((("rule", "规则"), ("mode", "模式"), ("fired", "命中次数"), ("confirmed", "被确认"),
                 ("overridden", "被改判"), ("precision", "精确率"), ("outranked", "被优先规则取代"),
                 ("decided_precision", "生效时精确率"))
                + tuple((f"{stage}_{key}", f"{LABELS_ZH[stage]}{zh}")
                        for stage in STAGES for key, zh in STAGE_FIGURES_ZH)
                + tuple((f"would_{key}", f"若由本规则决定：{zh}") for key, zh in (("change", "改变"), ("fix", "改对"),
                                                                          ("break", "改错"), ("net", "净改对")))
                + (("advice", "建议"), ("last_fired", "最近命中"), ("overridden_items", "被改判信息编号")))
ADVICE_ZH = {"promote": "可改为执行", "fix or retire": "应修改或停用"}


def _rule_row(rule_id: str, figures: Mapping[str, Any]) -> dict[str, Any]:
    """One rule's row: its figures, the per-stage ones flattened (`.get` throughout: a report written
    before a figure existed leaves its cells empty)."""
    row = {"rule": rule_id, **figures, "mode": label(figures.get("mode"))}
    for stage, shown in (figures.get("stages") or {}).items():
        for key, _ in STAGE_FIGURES_ZH:
            row[f"{stage}_{key}"] = (shown or {}).get(key)
    advice = figures.get("advice")
    row["advice"] = f"{ADVICE_ZH.get(advice, '')} {advice}".strip() if advice else None
    return row


def page(report: Mapping[str, Any]) -> Page:
    items = num(report.get("items"))
    fields = {f: report.get(f) or {} for f in FIELD_ZH}
    overrides = report.get("override_rate") or {}
    violations = report.get("violations") or {}
    shown = Page(summary=[KeyFigure("核对件数", str(items), "已完成两道审核的信息")])
    shown.summary += [KeyFigure(f"{zh}准确率", percent(fields[f].get("accuracy")) if items else "—",
                                f"宏平均 F1 {percent(fields[f].get('macro_f1'))}" if items else "")
                      for f, zh in FIELD_ZH.items()]
    flag = report.get("secrecy_flag") or {}
    shown.summary.append(KeyFigure("涉密标志召回率", percent(flag.get("recall")) if items else "—",
                                   f"精确率 {percent(flag.get('precision'))}" if items else ""))
    for key, zh in (("secret_suggested_proactive", "涉密信息被建议主动公开"),
                    ("withheld_suggested_proactive", "不予公开信息被建议主动公开")):
        n = num(violations.get(key))
        shown.summary.append(KeyFigure(zh, str(n), "件", warn=n > 0))
    for stage, o in overrides.items():
        shown.summary.append(KeyFigure(f"{LABELS_ZH.get(stage, stage)}改判率", percent((o or {}).get("rate")),
                                       f"{num((o or {}).get('changed'))} / {num((o or {}).get('reviews'))}"))
    applications = report.get("applications") or {}
    if applications.get("concluded"):
        shown.summary.append(KeyFigure("依申请公开建议一致率", percent(applications.get("agreement")),
                                       f"{num(applications.get('agreed'))} / {num(applications.get('suggested'))}"
                                       f"，无建议 {num(applications.get('no_suggestion'))} 件"))
    if not items:
        shown.empty = "所选范围内没有已完成保密审核和公开方式审核的信息，无法核对建议。"
        return shown
    by = report.get("by") or {}
    for key, zh, periods in (("week", "按 ISO 周", weeks), ("month", "按月", months)):
        chart = _accuracy_trend(by.get(key) or {}, periods, f"各字段建议准确率（{zh}）", f"accuracy-{key}")
        if chart:
            shown.charts.append(chart)
    for f in ("category", "secrecy", "column"):
        chart = _confusion(f, fields[f].get("confusion") or {})
        if chart:
            shown.charts.append(chart)
    shown.charts += [c for c in (_rule_precision(report.get("rules") or {}, shown), _override_bars(overrides)) if c]
    return shown


def _accuracy_trend(groups: Mapping[str, Mapping[str, Any]], periods: Callable[[Iterable[str]], list[str]],
                    title: str, salt: str) -> Chart | None:
    keys = periods(groups)
    series = {FIELD_ZH[f]: [(groups.get(k) or {}).get(f"{f}_accuracy") for k in keys] for f in FIELD_ZH}
    series = {name: values for name, values in series.items() if any(v is not None for v in values)}
    if not keys or not series:
        return None
    counted = [k for k in keys if k in groups]
    counts = "、".join(f"{k} {num((groups[k] or {}).get('items'))} 件" for k in counted[-6:])
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
    counts = {g: {s: num(n) for s, n in (row or {}).items()} for g, row in confusion.items()}
    title = f"{FIELD_ZH[name]}混淆矩阵"
    right = sum(counts.get(v, {}).get(v, 0) for v in rows)
    total = sum(n for row in counts.values() for n in row.values())
    return Chart(title, Markup(charts.heatmap(rows, cols, counts, title=title, salt=f"accuracy-confusion-{name}",
                                              names={v: chart_label(v) for v in cols})),
                 f"行是人工决定，列是系统建议。对角线（绿色、带框）为建议与决定一致：{right} / {total} 件；"
                 "其余（橙色）为改判，颜色越深件数越多。")


def _rule_precision(rules: Mapping[str, Mapping[str, Any]], page: Page) -> Chart | None:
    scored = [(rid, r) for rid, r in rules.items() if isinstance((r or {}).get("precision"), (int, float))]
    unscored = sorted(((rid, num((r or {}).get("fired"))) for rid, r in rules.items()
                       if not isinstance((r or {}).get("precision"), (int, float))), key=lambda x: (-x[1], x[0]))
    if unscored:
        page.notes.append(f"{len(unscored)} 条规则命中过，但它设定的字段没有可核对的人工决定，未计精确率，未画入规则图："
                          + "、".join(f"{rid}（命中 {n} 次）" for rid, n in unscored) + "。")
    if not scored:
        return None
    # Worst first: the rules an author should look at are on top.
    scored.sort(key=lambda x: (x[1]["precision"], -num(x[1].get("fired")), x[0]))
    notes = [f"{r['precision']:.1%}  {num(r.get('confirmed'))}/{num(r.get('confirmed')) + num(r.get('overridden'))}"
             f" · 命中 {num(r.get('fired'))}" + (f" · 被取代 {num(r.get('outranked'))}" if r.get("outranked") else "")
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
        [LABELS_ZH.get(s, s) for s, _ in stages], [float(o["rate"]) for _, o in stages], percent=True,
        notes=[f"{o['rate']:.1%}  {num(o.get('changed'))}/{num(o.get('reviews'))}" for _, o in stages],
        title=title, salt="accuracy-overrides")), "审核人员改变系统建议的件数占该环节审核件数的比例。")


# ---------------------------------------------------------------- as JSON


class AccuracyClass(Out):
    precision: float
    recall: float
    f1: float
    support: int = Field(description="items decided this class")


class AccuracyField(Out):
    """One decided field's suggestions against the final decisions; "null" is none, "undecided" no suggestion."""

    accuracy: float
    macro_f1: float
    per_class: dict[str, AccuracyClass] = Field(description="by the class decided")
    confusion: dict[str, dict[str, int]] = Field(description="decided → suggested → items")


class AccuracyFlag(Out):
    """Secret or not (any level above none): the suggestion against the decision."""

    precision: float
    recall: float
    f1: float


class AccuracyViolations(Out):
    secret_suggested_proactive: int = Field(description="decided secret, or marked, and suggested proactive")
    withheld_suggested_proactive: int = Field(description="decided withheld and suggested proactive")


class AccuracyStageOverrides(Out):
    reviews: int
    changed: int = Field(description="reviews that changed the suggestion")
    rate: float | None
    item_ids: list[int] = Field(description="the items changed")


class AccuracyOverrides(Out):
    secrecy_review: AccuracyStageOverrides
    disclosure_review: AccuracyStageOverrides


class AccuracyRuleStage(Out):
    """A rule's hits that set a field the stage decides (api/reports/rule_health.py)."""

    hits: int
    overridden: int = Field(description="the stage's final decision of those fields disagreed with the rule")
    rate: float
    changed: int = Field(description="the stage's reviewer changed the suggestion")


class AccuracyRuleStages(Out):
    """Per review stage; null where the rule sets none of the fields the stage decides."""

    secrecy_review: AccuracyRuleStage | None
    disclosure_review: AccuracyRuleStage | None


class AccuracyRule(Out):
    """One rule's health (api/reports/rule_health.figures says what each figure means)."""

    mode: RuleMode | None = Field(description="the mode of its latest hit")
    modes: dict[str, int] = Field(description="hits per mode")
    fired: int
    confirmed: int
    overridden: int
    precision: float | None = Field(description="confirmed / (confirmed + overridden)")
    last_fired: Timestamp | None = Field(description="when the latest document it fired on was received")
    overridden_items: list[int]
    stages: AccuracyRuleStages
    would_change: int = Field(description="had it decided, items whose suggestion would differ")
    would_fix: int
    would_break: int
    would_net: int = Field(description="would_fix - would_break")
    outranked: int = Field(description="hits (not monitoring) where the suggestion showed another value")
    decided_precision: float | None = Field(description="precision over the hits where its values were suggested")
    advice: Advice | None


class AccuracyGroup(Out):
    items: int
    category_correct: int
    category_accuracy: float
    exemption_accuracy: float
    secrecy_accuracy: float
    column_accuracy: float


class AccuracyBy(Out):
    division: dict[str, AccuracyGroup] = Field(description='"(none)" for items without a division')
    ruleset_revision: dict[str, AccuracyGroup]
    model_id: dict[str, AccuracyGroup] = Field(description='"(rules only)" for suggestions without a model')
    month: dict[str, AccuracyGroup] = Field(description="by closing month, YYYY-MM")
    week: dict[str, AccuracyGroup] = Field(description="by closing ISO week, YYYY-Www")


class AccuracyWrong(Out):
    id: str = Field(description="the item's id")
    gold: dict[str, str] = Field(description="the four fields as decided")
    suggested: dict[str, str] = Field(description="the four fields as suggested")


class AccuracyOut(Out):
    """The suggestions against the reviewers' final decisions, over the routed items closed in the range."""

    closed_from: Day | None
    closed_to: Day | None
    division: str | None
    category: AccuracyField
    exemption: AccuracyField
    secrecy: AccuracyField
    column: AccuracyField
    secrecy_flag: AccuracyFlag
    violations: AccuracyViolations
    items: int = Field(description="routed items counted")
    override_rate: AccuracyOverrides
    rules: dict[str, AccuracyRule] = Field(description="every rule that fired, by id")
    by: AccuracyBy
    wrong: list[AccuracyWrong] = Field(description="the items where some field's suggestion was not the decision")
    applications: ApplicationAccuracyOut = Field(description="applications concluded in the range: the suggested "
                                                             "outcome against the handler's")
    readable_only: bool = Field(description="counted over only the items the caller may read (a rule author)")


class AccuracyItem(Out):
    item_id: int
    division: str
    ruleset_revision: str
    model_id: str
    month: str
    week: str
    suggested: dict[str, str | None]
    decided: dict[str, str | None]
    changed: dict[str, bool] = Field(description="whether each review stage changed the suggestion")


class AccuracyItemsOut(Out):
    """The items behind one figure of the accuracy report."""

    total: int
    item_ids: list[int]
    items: list[AccuracyItem]
