"""The answers of rule authoring (api/rulesets/activation.py builds them): the rules in service, a
candidate's validation with its backtest (engine/authoring/backtest.py), activations and revisions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from api.responses import Number, Out, Timestamp
from engine.vocabulary import Category, Column, Exemption, RuleMode, Secrecy

# -- the rules in service (and in a suggestion's hits: api/items/schemas.py) ---------------------------------

class Outcome(TypedDict, total=False):
    """What a rule sets: any of the four fields."""

    category: Category
    exemption: Exemption
    secrecy: Secrecy
    column: Column


class LegalBasis(TypedDict):
    """One citation: 《source》 第article条 第paragraph款 第item项, with the excerpt quoted."""

    source: str
    edition: NotRequired[str]
    article: int
    paragraph: NotRequired[int]
    item: NotRequired[int]
    excerpt: str
    verified: Annotated[bool, Field(description="the excerpt was found in the statute's text (data/statutes/)")]


class Effective(Out):
    """The dates (inclusive) between which the rule applies to a document's 成文日期 (null: open)."""

    from_: str | None = Field(alias="from", json_schema_extra={"format": "date"})
    until: str | None = Field(json_schema_extra={"format": "date"})


class RuleDescription(Out):
    """A rule as `gongkai rules list` shows it."""

    id: str
    title: str
    mode: RuleMode
    confidence: float
    outcome: Outcome
    legal_basis: list[LegalBasis]
    citation: str
    file: str = Field(description="the rule file, relative to the rules directory")
    line: int
    effective: Effective


class RulesOut(Out):
    name: str
    revision: str
    activation: int | None = Field(description="the activation this process serves")
    rules: list[RuleDescription]


# -- validation and its backtest --------------------------------------------------------------------------

class Diagnostic(Out):
    """One problem `gongkai rules check` finds: where, a stable code (R001…W401), and a hint."""

    file: str
    line: int
    column: int
    code: str
    severity: Literal["error", "warning"]
    rule_id: str | None
    loc: list[str | int] = Field(description="the path to the offending value inside the file")
    message: str
    hint: str | None


class Failure(Out):
    field: str = Field(description="file:line of the example or scenario")
    message: str


class TestsOut(Out):
    """The rule set's own examples and scenarios, run on its rules alone."""

    passed: int
    failed: list[Failure]


class BookRef(Out):
    name: str
    revision: str
    rules: int
    active_rules: int = Field(description="rules that are evaluated (enforce, baseline and monitor)")


class Pair(Out):
    active: Number
    candidate: Number


class ClassScore(Out):
    precision: Number
    recall: Number
    f1: Number
    support: int


class ClassPair(Out):
    active: ClassScore
    candidate: ClassScore


class FieldComparison(Out):
    accuracy: Pair
    macro_f1: Pair
    per_class: dict[str, ClassPair]


class FieldComparisons(Out):
    category: FieldComparison
    exemption: FieldComparison
    secrecy: FieldComparison
    column: FieldComparison


class FlagScore(Out):
    precision: Number
    recall: Number
    f1: Number


class FlagPair(Out):
    active: FlagScore
    candidate: FlagScore


class Violations(Out):
    secret_suggested_proactive: int
    withheld_suggested_proactive: int


class ViolationPair(Out):
    active: Violations
    candidate: Violations


class RuleChange(Out):
    """A rule that changed, or whose hits changed, and on which items."""

    change: str = Field(description="added, removed, edited, or mode A → B")
    active_hits: int
    candidate_hits: int
    new_hits: int
    lost_hits: int
    new_items: list[str]
    lost_items: list[str]


class Found(Out):
    active: int
    candidate: int


class Gate(TypedDict):
    """A gate the candidate must keep: the two fixed ones (secret and withheld documents found must not
    fall, with the counts found) and the manifest's thresholds."""

    gate: str
    why: str
    metric: str
    active: Number | None
    candidate: Number | None
    found: NotRequired[Annotated[Found, Field(description="gold positives found by each set (the fixed gates)")]]
    passed: bool
    unmeasured: NotRequired[Annotated[str, Field(description="why the metric has no value")]]


class Flip(Out):
    """A suggestion the candidate changes, with the final human decision ("null": none; "undecided")."""

    item: str
    title: str | None = Field(description="null for a document that is marked or secret")
    field: Literal["category", "exemption", "secrecy", "column"]
    active: str
    candidate: str
    decided: str
    verdict: Literal["fixed", "broken", "changed"]


class LeftOut(Out):
    not_readable: int = Field(description="items the caller may not read, left out of the backtest")


class BacktestOut(Out):
    source: str
    active: BookRef
    candidate: BookRef
    items: int
    flip_counts: dict[str, int] = Field(description="flips by verdict")
    fields: FieldComparisons
    secrecy_flag: FlagPair
    violations: ViolationPair
    rules: dict[str, RuleChange] = Field(description="by rule id")
    gates: list[Gate]
    passed: bool
    flips: list[Flip] = Field(description="the first flips")
    flips_total: int
    left_out: LeftOut


class ValidationOut(Out):
    valid: bool
    revision: str | None
    name: str | None
    rules: int | None
    errors: int
    warnings: int
    diagnostics: list[Diagnostic]
    tests: TestsOut | None = Field(description="null when the candidate does not load")
    backtest: BacktestOut | None = Field(description="null when the candidate does not load")


# -- activations --------------------------------------------------------------------------------------------

class ActivationOut(Out):
    id: int
    revision: str
    name: str | None
    rules: int | None
    action: Literal["start", "activate", "rollback"]
    actor: str
    role: str
    at: Timestamp
    note: str | None
    previous: str | None = Field(description="the revision served before")
    current: bool = Field(description="the activation this process serves")


class Serving(Out):
    revision: str
    name: str
    activation: int | None


class RevisionsOut(Out):
    serving: Serving
    activations: list[ActivationOut]


class RevisionFiles(Out):
    revision: str
    name: str
    files: dict[str, str] = Field(description="relative path -> file text")

