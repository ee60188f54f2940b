"""Each report as named tables with Chinese headers: what the XLSX writer puts on one sheet each and
the HTML report shows under its charts. One place decides the columns, so the spreadsheet, the web
page and the JSON never disagree on a figure.

Identifiers (categories, columns, secrecy levels, exemptions, rule modes) are shown with their
Chinese names from engine.vocabulary.LABELS_ZH, followed by the identifier for whoever filters on it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from engine.vocabulary import LABELS_ZH
from engine.workflow.working_days import CHINA_TIME

FIELD_ZH = {"category": "公开属性", "exemption": "不予公开理由", "secrecy": "密级", "column": "栏目"}
STAGE_ZH = {"secrecy_review": "保密审核", "disclosure_review": "公开方式审核", "routed": "已分发"}
KIND_ZH = {"overdue": "逾期未办结", "waiting": "审核环节滞留", "never_reviewed": "推送后从未审核",
           "secrecy_lowered": "密级被降低", "reopened": "决定被重新打开", "published_late": "超期公开",
           "withdrawn": "已公开信息撤回"}
SPECIAL_ZH = {"null": "（空）", "undecided": "（未给出建议）", "(none)": "（无）", "(rules only)": "（仅规则）"}


def label(value: Any) -> str:
    """A vocabulary identifier with its Chinese name ("主动公开 proactive"); anything else as is.

    >>> label("proactive"), label("undecided"), label("法规处")
    ('主动公开 proactive', '（未给出建议）', '法规处')
    """
    if value is None:
        return ""
    text = str(value)
    if text in SPECIAL_ZH:
        return SPECIAL_ZH[text]
    name = LABELS_ZH.get(text) or STAGE_ZH.get(text) or KIND_ZH.get(text)  # type: ignore[call-overload]
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


def _counts(name: str, header: str, counts: Mapping[str, int], total: int | None = None) -> Table:
    columns: tuple[tuple[str, str], ...] = (("key", header), ("id", "标识"), ("n", "件数"))
    if total:
        columns += (("share", "占比"),)
    rows = [{"key": label(k), "id": k, "n": n, "share": round(n / total, 4) if total else None}
            for k, n in counts.items()]
    return Table(name, columns, rows)


def statistics_tables(report: Mapping[str, Any]) -> list[Table]:
    summary = [("items", "信息总数"), ("routed", "已分发"), ("pending", "待办"), ("published", "主动公开"),
               ("published_late", "超期公开"), ("overdue", "逾期未办结"), ("proactive_rate", "主动公开率")]
    scope = [("closed_from", "办结日期自"), ("closed_to", "办结日期至"), ("division", "处室")]
    overview = Table("概览", (("figure", "指标"), ("value", "数值")),
                     [{"figure": zh, "value": report.get(key)} for key, zh in scope + summary])
    by = report["by"]
    routed = report.get("routed") or None
    return [overview,
            _counts("按月份", "办结月份", by["month"]),
            _counts("按处室", "处室", by["division"], report.get("items") or None),
            _counts("按公开属性", "公开属性", by["category"], routed),
            _counts("按栏目", "栏目", by["column"], routed),
            _counts("按审核状态", "审核状态", by["status"], report.get("items") or None)]


def accuracy_tables(report: Mapping[str, Any]) -> list[Table]:
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
    return [fields, classes, confusion, overrides, rules, *groups, wrong]


# Per stage (api/reports/accuracy.py `stages`): the hits setting a field that stage decides, how many of them its
# final decision overrode, the rate, and how often that stage's reviewer changed the suggestion there;
# empty where the rule sets none of the stage's fields.
STAGE_FIGURES_ZH = (("hits", "命中"), ("overridden", "被改判"), ("rate", "改判率"), ("changed", "人员改动"))
RULE_COLUMNS = ((("rule", "规则"), ("mode", "模式"), ("fired", "命中次数"), ("confirmed", "被确认"),
                 ("overridden", "被改判"), ("precision", "精确率"), ("outranked", "被优先规则取代"),
                 ("decided_precision", "生效时精确率"))
                + tuple((f"{stage}_{key}", f"{STAGE_ZH[stage]}{zh}")
                        for stage in ("secrecy_review", "disclosure_review") for key, zh in STAGE_FIGURES_ZH)
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


SUPERVISION_COLUMNS = (("event_id", "事件标识"), ("kind", "类型"), ("on", "日期"), ("item_id", "信息编号"),
                       ("index_number", "索引号"), ("division", "处室"), ("stage", "环节"), ("who", "责任人"),
                       ("at", "时间"), ("detail", "详情"))


def supervision_tables(report: Mapping[str, Any]) -> list[Table]:
    counts = Table("概览", (("kind", "类型"), ("id", "标识"), ("n", "件数")),
                   [{"kind": KIND_ZH.get(k, k), "id": k, "n": n} for k, n in report["counts"].items()])
    rows = [{**r, "kind": label(r["kind"]), "stage": label(r.get("stage")), "at": _china_time(r.get("at"))}
            for r in report["rows"]]
    return [counts, Table("监察事项", SUPERVISION_COLUMNS, rows)]


def _china_time(stamp: str | None) -> str | None:
    """A UTC timestamp as people in the agency read it: China time, to the minute.

    >>> _china_time("2026-11-20T02:00:00.123456+00:00")
    '2026-11-20 10:00'
    """
    if not stamp:
        return None
    return dt.datetime.fromisoformat(stamp).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


TABLES = {"statistics": statistics_tables, "accuracy": accuracy_tables, "supervision": supervision_tables}


def tables(kind: str, report: Mapping[str, Any]) -> list[Table]:
    return TABLES[kind](report)
