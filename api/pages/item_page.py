"""What the item page shows, built from the API's own view of the item (api/items/views.full), in Chinese.

Nothing here decides who sees what: `views.full` has already left out a secret item's title, text,
suggestion and reasons for a role not cleared (api/access/visibility.py), and every function below
shows only what that view holds. The page's text with its evidence is api/pages/evidence.py's; the
rules' articles are quoted from data/statutes through engine/statutes.py, the law's own text rather
than the rule author's excerpt.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping, Sequence

from api.pages import evidence
from api.pages.layout import when
from engine.paths import data_dir
from engine.statutes import ALIASES, load_statutes
from engine.vocabulary import FIELD_LABELS_ZH, LABELS_ZH, DecisionSource, FieldStatus, ReviewStage, Store

NONE = "—"
DECIDED_ORDER = ("secrecy", "category", "exemption", "column")
ROUTING_FIELDS = ("doc_number", "doc_type", "secrecy_marking", "agency", "date")  # 办结日期: the item's own, above
STAGE_ZH = {ReviewStage.SECRECY_REVIEW: "保密审核", ReviewStage.DISCLOSURE_REVIEW: "公开方式审核"}
STATUS_ZH = {"secrecy_review": "待保密审核", "disclosure_review": "待公开方式审核", "routed": "已分发"}
STORE_ZH = {Store.PROACTIVE: "主动公开库", Store.ON_REQUEST: "依申请公开库", Store.WITHHELD: "不予公开库",
            Store.NOT_GOVERNMENT_INFO: "非政府信息库"}
SOURCE_ZH = {DecisionSource.RULES: "规则", DecisionSource.BASELINE: "兜底规则", DecisionSource.MODEL: "模型",
             DecisionSource.NONE: "无"}
FIELD_STATUS_ZH = {FieldStatus.DECIDED: "已定", FieldStatus.UNDECIDED: "未定，由审核决定",
                   FieldStatus.NOT_APPLICABLE: "不适用"}
MODE_ZH = {"enforce": "执行", "baseline": "兜底", "monitor": "观察", "disabled": "停用"}
ORIGIN_ZH = {"metadata": "元数据密级字段", "body": "版头", "title": "标题", "attachment": "附件"}
# The secrecy-risk cues of engine/facts/secrecy_risk.py (and the model's), as a reviewer reads them.
CUE_ZH = {"need_to_know": "限定知悉范围", "restricted_circulation": "限定传阅范围", "handling_instruction": "保密处置要求",
          "no_disclosure_instruction": "不得对外公开的要求", "declared_secret": "声明属国家秘密",
          "embedded_marking": "正文中的密级标志",
          "classified_terms": "涉密术语", "defence": "国防军事事项", "protective_security": "警卫保卫事项",
          "code_words": "代号暗语", "embargo": "发布前保密", "reserves": "战略储备数量与地点",
          "model": "模型判断可能涉密"}
# engine/consistency.REQUIREMENTS' corrections of a suggestion (`adjustment`), said in Chinese with the article.
ADJUSTMENT_ZH = (("a state secret is withheld", "国家秘密不予公开（《条例》第十四条）"),
                 ("material is not released", "内部/工作秘密不予公开（《保守国家秘密法》第六十四条）"),
                 ("a marked document is never proactive", "有密级标志的文件不主动公开（《条例》第十七条）"),
                 ("no exemption for", "不是不予公开，不设不予公开理由（《条例》第十三条）"),
                 ("has no catalog column", "非政府信息不设公开目录栏目（《条例》第二条）"))
LOW_CONFIDENCE = 0.7  # below this a suggested value is shown as uncertain (the queue ranks it higher too)
_RULE_SAYS = re.compile(r"the rules say (\w+)")


def label(value: Any) -> str:
    """A vocabulary value in Chinese (— for none)."""
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):  # a fact's truth, as a rule's evidence gives it
        return "是" if value else "否"
    return LABELS_ZH.get(value, str(value))


def disagreement_zh(name: str, field: Mapping[str, Any]) -> str | None:
    """engine/combine.py's disagreement of rules and model, said in Chinese from the field's own values."""
    if not field.get("disagreement"):
        return None
    model = field.get("model") or {}
    found = _RULE_SAYS.search(field["disagreement"])
    rules_value = label(found.group(1)) if found else "另一值"
    model_says = f"模型认为「{label(model.get('value'))}」（概率 {model.get('probability', 0):.2f}）"
    if field["disagreement"].startswith("held back"):
        return f"规则建议「{rules_value}」，{model_says}：暂不主动公开，由审核决定。"
    if "stricter wins" in field["disagreement"]:
        return f"规则建议「{rules_value}」，{model_says}，更严格：取较严格的「{label(field.get('value'))}」。"
    return f"规则建议「{rules_value}」，{model_says}：两者不一致，置信度已调低，请审核判断。"


def adjustment_zh(text: str | None) -> str | None:
    if not text:
        return None
    return next((zh for phrase, zh in ADJUSTMENT_ZH if phrase in text), "按《条例》的一致性要求作了调整")


def fields_view(suggestion: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each suggested value with its confidence, source, model probabilities and any disagreement."""
    out = []
    for name in DECIDED_ORDER:
        field = suggestion["suggestion"][name]
        model = field.get("model")
        source = SOURCE_ZH.get(field["source"], field["source"])
        if model and field["source"] in (DecisionSource.RULES, DecisionSource.BASELINE):
            source += "（模型已比对）"
        out.append({
            "name": name, "label": FIELD_LABELS_ZH[name], "value": field["value"], "value_zh": label(field["value"]),
            "status": FIELD_STATUS_ZH.get(field["status"], field["status"]),
            "applicable": field["status"] != FieldStatus.NOT_APPLICABLE,
            "confidence": f"{field['confidence']:.0%}" if field["status"] != FieldStatus.NOT_APPLICABLE else NONE,
            "uncertain": field["status"] != FieldStatus.NOT_APPLICABLE and field["confidence"] < LOW_CONFIDENCE,
            "source": source, "rules": [rule["id"] for rule in field.get("rules") or ()],
            "contested": list(dict.fromkeys(f"「{label(c['value'])}」" for c in field.get("contested_by") or ())),
            "adjustment": adjustment_zh(field.get("adjustment")),
            "model": None if not model else {
                "value": label(model["value"]), "probability": f"{model['probability']:.2f}",
                "probabilities": [(label(v), f"{p:.2f}", round(p * 100)) for v, p in model["probabilities"].items()],
                "terms": [t["term"] for t in model.get("terms") or ()][:8]},
            "disagreement": disagreement_zh(name, field),
        })
    return out


def article_text(basis: Mapping[str, Any]) -> str | None:
    """The cited article (its paragraph 款 or item 项 when cited) as data/statutes has it; None when not kept."""
    statutes = load_statutes(data_dir() / "statutes")
    name = ALIASES.get(str(basis.get("source", "")).strip(), str(basis.get("source", "")).strip())
    article = statutes.get(name, {}).get(int(basis.get("article") or 0))
    if article is None:
        return None
    paragraph, item = basis.get("paragraph"), basis.get("item")
    if item and 1 <= item <= len(article.items):
        return article.items[item - 1]
    if paragraph and 1 <= paragraph <= len(article.paragraphs):
        return article.paragraphs[paragraph - 1]
    return article.text


def basis_label(basis: Mapping[str, Any]) -> str:
    """《政府信息公开条例》第20条第1项."""
    where = f"第{basis.get('article')}条"
    if basis.get("paragraph"):
        where += f"第{basis['paragraph']}款"
    if basis.get("item"):
        where += f"第{basis['item']}项"
    return f"《{basis.get('source', '')}》{where}"


def hits_view(suggestion: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rules that fired: what each sets, the article cited with its own text, the words matched."""
    out = []
    for hit in suggestion.get("hits") or ():
        # The words matched, or a fact's value in Chinese; not what a mere "exists" saw (the whole text).
        words = [str(m["text"]) if m.get("text") else label(m.get("value"))
                 for e in hit.get("evidence") or () if not e.get("negated") and e.get("op") != "exists"
                 for m in e.get("matched") or () if m.get("text") or isinstance(m.get("value"), (str, int, float))]
        out.append({
            "id": hit["id"], "title": hit["title"], "mode": MODE_ZH.get(hit["mode"], hit["mode"]),
            "outcome": "；".join(f"{FIELD_LABELS_ZH.get(k, k)}：{label(v)}" for k, v in (hit.get("outcome") or {}).items()),
            "citation": hit.get("citation", ""),
            "bases": [{"label": basis_label(b), "text": article_text(b)} for b in hit.get("legal_basis") or ()],
            "matched": list(dict.fromkeys(words))[:12],
        })
    return out


def signals_view(suggestion: Mapping[str, Any]) -> list[str]:
    """The markings and secrecy-risk cues found, one sentence each."""
    out = []
    for signal in suggestion.get("secrecy_signals") or ():
        if signal.get("kind") == "marking":
            out.append(f"密级标志「{label(signal.get('level'))}」：见于{ORIGIN_ZH.get(signal.get('origin'), '文中')}"
                       f"（「{signal.get('text', '')}」）")
        elif signal.get("cue") == "model":
            out.append(f"模型判断可能涉密（{label(signal.get('level'))}等，概率 {signal.get('probability', 0):.2f}）")
        else:
            out.append(f"疑似涉密内容：{CUE_ZH.get(signal.get('cue'), signal.get('cue'))}（「{signal.get('text', '')}」）")
    return out


def text_view(view: Mapping[str, Any]) -> dict[str, Any] | None:
    """The current version's title and body with their evidence marked (None when the caller may not read)."""
    document = view["versions"][-1].get("document")
    if view["restricted"] or document is None:
        return None
    suggestion = view["suggestion"]
    title, body = str(document.get("title") or ""), str(document.get("body") or "")
    title_spans = evidence.field_spans(suggestion, "title", title)
    body_spans = evidence.field_spans(suggestion, "body", body)
    return {"title": evidence.highlight(title, title_spans), "body": evidence.highlight(body, body_spans),
            "legend": evidence.legend(title_spans + body_spans),
            "routing": [(FIELD_LABELS_ZH[n], str(document.get(n) or NONE)) for n in ROUTING_FIELDS]}


def history_view(view: Mapping[str, Any], reopenings: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Every review and reopening, newest first: who, when, what was suggested and decided (or where the
    item was sent back from), the reason, 领导批示."""
    out = []
    for review in view["reviews"]:
        suggested, decided = review.get("suggested") or {}, review.get("decided") or {}
        changes = [f"{FIELD_LABELS_ZH[n]}：{label(suggested.get(n))} → {label(decided.get(n))}"
                   if suggested.get(n) != decided.get(n) else f"{FIELD_LABELS_ZH[n]}：{label(decided.get(n))}（确认）"
                   for n in DECIDED_ORDER if n in decided]
        if decided.get("cleared_signals"):
            changes.append("排除涉密风险提示：" + "、".join(CUE_ZH.get(c, c) for c in decided["cleared_signals"]))
        out.append({"stage": STAGE_ZH.get(review["stage"], review["stage"]), "actor": review["actor"],
                    "at": review["at"], "version": review["version"], "changed": review["changed"],
                    "changes": changes, "reason": review["reason"], "leader": review["leader_instruction"]})
    for event in reopenings:
        before, after = event.get("before") or {}, event.get("after") or {}
        store = f"（{STORE_ZH.get(before['store'], before['store'])}）" if before.get("store") else ""
        was = STATUS_ZH.get(before.get("status"), before.get("status") or NONE)
        out.append({"stage": "退回重审", "actor": event["actor"], "at": event["at"], "version": None,
                    "changed": True, "changes": [f"由{was}{store}退回{STAGE_ZH.get(after.get('status'), NONE)}"],
                    "reason": after.get("reason"), "leader": None})
    out.sort(key=lambda row: dt.datetime.fromisoformat(row["at"]), reverse=True)
    return [{**row, "at": when(row["at"])} for row in out]


def summary_view(view: Mapping[str, Any]) -> dict[str, Any]:
    """Status, store, dates (条例第二十六条: 20 working days) and the decisions so far."""
    return {
        "status": STATUS_ZH.get(view["status"], view["status"]),
        "store": STORE_ZH.get(view["store"], NONE) if view["store"] else "尚未分发",
        "index_number": view["index_number"] or "分发时编号",
        "decision": [(FIELD_LABELS_ZH[n], label(view["decision"][n]) if view["decision"][n] else "未决定")
                     for n in DECIDED_ORDER],
    }


def queue_reasons(suggestion: Mapping[str, Any]) -> list[str]:
    """Why an item waits here and ranks high (engine/workflow/priority.py ranks by the same things: the
    attention reasons, a marking, the least confidence), in Chinese, from the suggestion's own fields."""
    out = []
    levels = sorted({label(s.get("level")) for s in suggestion.get("secrecy_signals") or () if s.get("kind") == "marking"})
    if levels:
        out.append(f"有密级标志：{'、'.join(levels)}")
    cues = [CUE_ZH.get(s.get("cue"), str(s.get("cue"))) for s in suggestion.get("secrecy_signals") or ()
            if s.get("kind") == "risk"]
    if cues:
        out.append(f"疑似涉密：{'、'.join(dict.fromkeys(cues))}")
    for name in DECIDED_ORDER:
        field = suggestion["suggestion"][name]
        if field["status"] == FieldStatus.UNDECIDED:
            out.append(f"{FIELD_LABELS_ZH[name]}未定")
        if field.get("contested_by"):
            out.append(f"{FIELD_LABELS_ZH[name]}：规则之间意见不一")
        if field.get("disagreement"):
            out.append(f"{FIELD_LABELS_ZH[name]}：规则与模型不一致")
        if name == "category" and field.get("source") == "model" and field.get("value"):
            out.append(f"{FIELD_LABELS_ZH[name]}：无规则依据，仅为模型建议（置信度 {field['confidence']:.0%}）")
    confidences = [(f["confidence"], n) for n, f in suggestion["suggestion"].items()
                   if f["status"] != FieldStatus.NOT_APPLICABLE]
    lowest = min(confidences, default=None)
    if lowest is not None and lowest[0] < LOW_CONFIDENCE:
        out.append(f"把握不大：{FIELD_LABELS_ZH[lowest[1]]}置信度 {lowest[0]:.0%}")
    return out


def suggested_zh(suggestion: Mapping[str, Any], stage: str) -> str:
    """The suggestion a queue row shows: the level at the secrecy review, the rest at the disclosure review."""
    fields = suggestion["suggestion"]
    if stage == ReviewStage.SECRECY_REVIEW:
        return f"密级：{label(fields['secrecy']['value'])}"
    parts = [label(fields["category"]["value"])]
    if fields["exemption"]["value"]:
        parts.append(label(fields["exemption"]["value"]))
    if fields["column"]["value"]:
        parts.append(f"栏目：{label(fields['column']['value'])}")
    return "；".join(parts)
