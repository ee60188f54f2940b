"""The hand-entry form (手工录入, issue 16) and the pages' Chinese field errors.

What a person types is validated by the API's own models (api/schemas.DocumentIn for an entry, the same
constraints for the list's filters), never by a second set of rules here: this module only turns the form
into the model's input and the model's errors into Chinese sentences that name the field. Every kind of
pydantic error has a sentence; one it does not know still gets a generic one that names the field, so a
person is never shown English or a bare 422.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import annotated_types
from pydantic import BaseModel, ValidationError

from api.pages.layout import MAX_FIELD
from api.schemas import DocumentIn
from engine.vocabulary import FIELD_LABELS_ZH


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # text | date | textarea: the input the template draws
    hint: str = ""
    required: bool = False


# DocumentIn's fields a person types, in the order of the paper 办文单; `source` is the route's (manual)
# and not asked.
ENTRY_FIELDS = (
    FormField("title", "text", required=True),
    FormField("doc_number", "text", "如：某政发〔2026〕12号；没有可不填"),
    FormField("doc_type", "text", "如：通知、意见、函、纪要"),
    FormField("division", "text"),
    FormField("agency", "text", "发文机关"),
    FormField("date", "date", "格式：年-月-日，如 2026-12-07"),
    FormField("secrecy_marking", "text", "文件上标注的密级，如“秘密★1年”；没有请留空"),
    FormField("closed_on", "date", "默认今天；第二十六条的二十个工作日从此日起算"),
    FormField("id", "text", "本处室对该文件的自编号（可选）：同一编号再次录入时视为同一文件，不会重复"),
    FormField("body", "textarea"),
)
# Kept as typed: a body's leading spaces and line breaks are the document's; other fields are one line.
KEEP_SPACES = frozenset({"body"})
GENERIC = "{label}填写有误，请检查后重试。"
DATE_EXAMPLE = "2026-12-07"


def label(name: str) -> str:
    return FIELD_LABELS_ZH.get(name, name)


def document(fields: Mapping[str, str]) -> tuple[DocumentIn | None, dict[str, str]]:
    """The entry as DocumentIn, or None and the Chinese error of each field. An empty field is left out
    (the model's default: none, or today for the closing date). The title is asked for although the API
    takes an empty one: a hand entry with no title is a slip of the hand, and no one could find it."""
    data: dict[str, Any] = {}
    for spec in ENTRY_FIELDS:
        value = fields.get(spec.name, "")
        value = value if spec.name in KEEP_SPACES else value.strip()
        if value:
            data[spec.name] = value
    errors: dict[str, str] = {}
    try:
        entry = DocumentIn.model_validate(data)
    except ValidationError as exc:
        errors = chinese_errors(exc, DocumentIn)
        entry = None
    if "title" not in data:
        errors.setdefault("title", missing("title"))
    too_long = [name for name, value in fields.items() if len(value) >= MAX_FIELD and name in data]
    for name in too_long:  # the form helper cut it: say so rather than store a cut text
        errors[name] = f"{label(name)}过长：网页录入最多 {MAX_FIELD - 1:,} 字。更长的文件请由公文系统推送。"
    return (entry if not errors else None), errors


def missing(name: str) -> str:
    return f"请填写{label(name)}。"


def chinese_errors(exc: ValidationError, model: type[BaseModel],
                   labels: Callable[[str], str] = label) -> dict[str, str]:
    """Each field's first error as a Chinese sentence naming the field (`labels` gives its name)."""
    out: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        if name not in out:
            out[name] = message(error, model, labels(name))
    return out


def message(error: Mapping[str, Any], model: type[BaseModel], name_zh: str) -> str:
    """One pydantic error in Chinese. The kinds come in families (string_*, date_*, int_*, *_type …):
    each family has a sentence, and anything else the generic one."""
    kind, ctx, value = str(error["type"]), error.get("ctx") or {}, error.get("input")
    field = str(error["loc"][0]) if error["loc"] else ""
    if isinstance(value, str) and "\x00" in value:
        return f"{name_zh}含有空字符（NUL，通常来自复制粘贴），请删除后重试。"
    if kind == "missing" or kind == "string_too_short" and not value:
        return f"请填写{name_zh}。"
    if kind == "string_too_long":
        return f"{name_zh}过长：最多 {ctx.get('max_length', 0):,} 字，现有 {len(value or ''):,} 字。"
    if kind == "string_too_short":
        return f"{name_zh}过短：至少 {ctx.get('min_length', 1)} 字。"
    if kind == "string_pattern_mismatch":
        return f"{name_zh}格式不正确：不能以空格开头或结尾，也不能含换行。"
    if kind.startswith("date") or _is_date(model, field) and kind in ("value_error", "assertion_error"):
        return f"{name_zh}不是有效的日期：请按 年-月-日 填写，如 {DATE_EXAMPLE}。"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = bounds(model, field)
        return f"{name_zh}超出范围：应在 {low} 至 {high} 之间。" if low or high else f"{name_zh}超出允许的范围。"
    if kind in ("enum", "literal_error"):
        return f"{name_zh}不是可选的值，请从列表中选择。"
    if kind.startswith("int") or kind.startswith("float"):
        return f"{name_zh}应为整数。"
    if kind == "extra_forbidden":
        return f"不接受的字段：{name_zh}。"
    return GENERIC.format(label=name_zh)


def _is_date(model: type[BaseModel], field: str) -> bool:
    """The field holds a date (`IsoDate | None` too: the Annotated inside the union is looked through)."""
    info = model.model_fields.get(field)
    pending, seen = [info.annotation] if info is not None else [], []
    while pending:
        kind = pending.pop()
        seen.append(kind)
        pending.extend(typing.get_args(kind))
    return dt.date in seen


def bounds(model: type[BaseModel], field: str) -> tuple[str, str]:
    """The field's lower and upper bound as the model declares them ('' for none), for the message."""
    info = model.model_fields.get(field)
    low = high = ""
    for rule in info.metadata if info is not None else ():
        if isinstance(rule, (annotated_types.Ge, annotated_types.Gt)):
            low = str(getattr(rule, "ge", getattr(rule, "gt", "")))
        if isinstance(rule, (annotated_types.Le, annotated_types.Lt)):
            high = str(getattr(rule, "le", getattr(rule, "lt", "")))
    return low, high


def initial(division: str | None, today: dt.date) -> dict[str, str]:
    """An empty form: the clerk's own division, closed today."""
    return {spec.name: "" for spec in ENTRY_FIELDS} | {"division": division or "", "closed_on": today.isoformat()}


def typed(fields: Mapping[str, str], names: Iterable[str] = tuple(spec.name for spec in ENTRY_FIELDS)
          ) -> dict[str, str]:
    """What the person typed, field by field, to show again with the errors. A NUL is shown as the
    replacement character: the one a browser would show (HTML cannot carry it), visible where it is."""
    return {name: fields.get(name, "").replace("\x00", "\ufffd") for name in names}
