"""SCHEMA's consistency, stated once: what a secrecy level, a secrecy marking and a category require
of the other fields of a decision, each with the article it rests on; and the store a decision goes to.

Three places read REQUIREMENTS, each at its own moment:

- engine/rules/loader._check_outcome: a rule's outcome may not state an impossible combination (R206,
  `rule_problem`). A rule sets some fields only; a field it leaves out may be anything, unless the
  requirement says a rule must state the consequence too (`rule_states_all`).
- engine/decision.make_consistent: a suggestion is corrected into a possible one (`correction`), and
  every correction is reported beside it. In a suggestion a field without a value says nothing.
- engine/workflow/routing: a final decision that breaks any requirement is not routed (`problem`).

The database's CHECK constraint (models/tables.py: proactive_unclassified) stays as the last guard.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final, Literal, Mapping

from engine.vocabulary import CLASSIFIED, Category, Exemption, Secrecy, Store, secrecy_rank

Value = str | None  # None: the field has no value (left out by a rule, undecided, not applicable)


@dataclass(frozen=True)
class OneOf:
    """The values a field may have (None among them: it may have none)."""

    values: frozenset[Value]

    def __contains__(self, value: object) -> bool:
        return value in self.values


@dataclass(frozen=True)
class NoneOf:
    """Any value but these. Used where a value nobody foresaw must count as the dangerous case: a
    marking other than none is a marking."""

    values: frozenset[Value]

    def __contains__(self, value: object) -> bool:
        return value not in self.values


@dataclass(frozen=True)
class Requirement:
    """When `field` has one of `when`'s values, each field of `then` must have one of its values.

    `problem` and `rule_problem` are str.format templates over the decision's fields (secrecy,
    category, exemption, column, marking). `correction`: "set" gives the `then` fields the values of
    `sets` whenever the requirement applies; "withdraw" takes `field`'s value away (not applicable)
    when a `then` field has a value it does not allow; None leaves it to the reviewer. `implied`: a
    complete decision that meets the requirements above meets this one too; only a rule's outcome,
    which may leave fields out, is checked for it.
    """

    name: str
    basis: str
    field: str
    when: OneOf | NoneOf
    then: Mapping[str, OneOf | NoneOf]
    problem: str
    rule_problem: str | None = None
    rule_states_all: bool = False
    correction: Literal["set", "withdraw"] | None = None
    sets: Mapping[str, Value] = dataclasses.field(default_factory=dict)
    reason: str = ""
    implied: bool = False

    def applies(self, values: Mapping[str, Value]) -> bool:
        return values.get(self.field) in self.when

    def broken(self, values: Mapping[str, Value]) -> bool:
        return self.applies(values) and any(values.get(name) not in allowed for name, allowed in self.then.items())


_WITHHELD = OneOf(frozenset({Category.WITHHELD}))
_NONE = OneOf(frozenset({None}))
_SOME = NoneOf(frozenset({None}))

# In the order they are checked and their problems reported.
REQUIREMENTS: Final = (
    Requirement(
        "state_secret", "条例第十四条: 依法确定为国家秘密的政府信息……不予公开 (密级: 保守国家秘密法第十四条)",
        "secrecy", OneOf(frozenset(CLASSIFIED)),
        {"category": _WITHHELD, "exemption": OneOf(frozenset({Exemption.STATE_SECRET}))},
        problem="secrecy {secrecy} is a state secret: category must be withheld with exemption state_secret",
        rule_problem="a classified secrecy level needs category: withheld and exemption: state_secret",
        rule_states_all=True,
        correction="set", sets={"category": Category.WITHHELD, "exemption": Exemption.STATE_SECRET},
        reason="a state secret is withheld (条例第十四条)"),
    Requirement(
        "internal", "保守国家秘密法第六十四条: 工作秘密 is protected; SCHEMA: internal ⇒ withheld",
        "secrecy", OneOf(frozenset({Secrecy.INTERNAL})), {"category": _WITHHELD},
        problem="secrecy internal (内部/工作秘密) requires category withheld",
        rule_problem="secrecy internal needs category withheld (or no category)",
        correction="set", sets={"category": Category.WITHHELD}, reason="内部/工作秘密 material is not released"),
    Requirement(
        # Whatever anyone decided: a marking in the source system keeps the document off the website.
        "marked_never_proactive", "条例第十七条: 拟公开的政府信息 are reviewed under the secrecy law",
        "marking", NoneOf(frozenset({Secrecy.NONE})), {"category": NoneOf(frozenset({Category.PROACTIVE}))},
        problem="the document carries a secrecy marking ({marking}): it can never be proactive",
        correction="set", sets={"category": Category.WITHHELD}, reason="a marked document is never proactive"),
    Requirement(
        "withheld_has_exemption", "条例第十四至十六条 (行政查询事项: 第三十六条): withholding rests on a ground",
        "category", _WITHHELD, {"exemption": _SOME},
        problem="withheld needs an exemption (条例第十四至十六条)"),
    Requirement(
        "exemption_only_when_withheld", "条例第十三条: 除第十四条、第十五条、第十六条规定的政府信息外，政府信息应当公开",
        "exemption", _SOME, {"category": _WITHHELD},
        problem="exemption {exemption} is given only when withheld",
        rule_problem="an exemption needs category: withheld", rule_states_all=True,
        correction="withdraw", reason="no exemption for {category}"),
    Requirement(
        "disclosable_is_not_secret", "条例第十四条; SCHEMA: proactive or on_request ⇒ secrecy none",
        "category", OneOf(frozenset({Category.PROACTIVE, Category.ON_REQUEST})),
        {"secrecy": OneOf(frozenset({Secrecy.NONE}))},
        problem="{category} needs secrecy none",
        rule_problem="a disclosable category needs secrecy none", implied=True),  # by state_secret and internal
    Requirement(
        "not_government_info_has_no_column", "条例第二条: not government information is outside the catalog",
        "category", OneOf(frozenset({Category.NOT_GOVERNMENT_INFO})), {"column": _NONE},
        problem="not_government_info has no catalog column",
        rule_problem="not_government_info has no catalog column",
        correction="set", sets={"column": None}, reason="not government information has no catalog column"),
    Requirement(
        "government_info_has_column", "条例第十二条: 政府信息公开目录",
        "category", NoneOf(frozenset({Category.NOT_GOVERNMENT_INFO})), {"column": _SOME},
        problem="{category} needs a catalog column"),
)

# 条例第十三条第二款: the store is the category itself, one of four (models/tables.py: the single store column).
STORE_OF: Final[Mapping[str, Store]] = {category: Store(category.value) for category in Category}


def final_problems(values: Mapping[str, Value]) -> list[str]:
    """Every requirement a final decision breaks, as sentences (empty: it may be routed)."""
    return [r.problem.format_map(values) for r in REQUIREMENTS if not r.implied and r.broken(values)]


def rule_problems(outcome: Mapping[str, Value]) -> list[str]:
    """Every requirement a rule's outcome breaks (a field it leaves out is None)."""
    out = []
    for r in REQUIREMENTS:
        if r.rule_problem is None or outcome.get(r.field) is None or not r.applies(outcome):
            continue
        if any(outcome.get(name) not in allowed and (r.rule_states_all or outcome.get(name) is not None)
               for name, allowed in r.then.items()):
            out.append(r.rule_problem.format_map(outcome))
    return out


@dataclass(frozen=True)
class Correction:
    """A field set to a value (None: not applicable), and why."""

    field: str
    value: Value
    reason: str


def corrections(r: Requirement, values: Mapping[str, Value]) -> list[Correction]:
    """What `r` corrects in a suggestion with these values (a field without a value says nothing)."""
    if r.correction == "set" and values.get(r.field) is not None and r.applies(values):
        return [Correction(name, value, r.reason.format_map(values)) for name, value in r.sets.items()]
    if r.correction == "withdraw" and any(values.get(name) is not None and values.get(name) not in allowed
                                          for name, allowed in r.then.items()):
        return [Correction(r.field, None, r.reason.format_map(values))]
    return []


def marking_floor(marking: str, secrecy: Value) -> str | None:
    """The level a suggestion's secrecy is raised to, or None: a marking recorded in the document system
    is the 定密责任人's (保守国家秘密法第十七条起), so no suggestion goes below it. The secrecy
    reviewer may still decide lower, with a reason (supervision reports it).

    Examples:
        >>> marking_floor("internal", "none"), marking_floor("secret", "top_secret"), marking_floor("none", None)
        ('internal', None, None)
    """
    if marking != Secrecy.NONE and (secrecy is None or secrecy_rank(marking) > secrecy_rank(secrecy)):
        return str(Secrecy(marking))
    return None

