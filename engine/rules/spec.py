"""The rule-file contract for authors, as pydantic models (conditions are parsed in conditions.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.vocabulary import (DECIDED_FIELDS, FIELD_VOCABULARY, ApplicationOutcome, Category, Column, Exemption, RuleMode,
                               Secrecy)

RULE_FILE_SCHEMA = "gongkai-rules/1"
MANIFEST_SCHEMA = "gongkai-ruleset/1"
RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
# A backtest figure (engine/authoring/evaluate.metric): a field's accuracy or macro_f1, a class's
# precision, recall or f1, the secrecy flag's, or a count of violations. Class names are checked by
# metric_problem (the loader calls it).
METRIC_PATTERN = (r"^((category|exemption|secrecy|column)\.(accuracy|macro_f1|[a-z_]+\.(precision|recall|f1))"
                  r"|secrecy_flag\.(precision|recall|f1)"
                  r"|violations\.(secret_suggested_proactive|withheld_suggested_proactive))$")


def metric_problem(name: str) -> str | None:
    """Why a metric name that matches METRIC_PATTERN still cannot be looked up (a class its field does
    not have), or None."""
    parts = name.split(".")
    if parts[0] in DECIDED_FIELDS and len(parts) == 3 and parts[1] not in FIELD_VOCABULARY[parts[0]]:
        return f"{parts[1]!r} is not a class of {parts[0]} (one of {', '.join(FIELD_VOCABULARY[parts[0]])})"
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LegalBasisSpec(_Strict):
    """One citation: 《source》 第article条 第paragraph款 第item项, with a quoted excerpt."""

    source: str = Field(min_length=1)
    edition: str | None = None
    article: int = Field(ge=1)
    paragraph: int | None = Field(default=None, ge=1)
    item: int | None = Field(default=None, ge=1)
    excerpt: str = Field(min_length=1)


class OutcomeSpec(_Strict):
    """What a rule suggests: a document rule, any subset of the four decided fields; an application rule
    (rules/applications/), the application's outcome alone (the two never mix)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)  # enums from strings

    category: Category | None = None
    exemption: Exemption | None = None
    secrecy: Secrecy | None = None
    column: Column | None = None
    application_outcome: ApplicationOutcome | None = None


class EffectiveSpec(_Strict):
    """Dates (inclusive) between which the rule applies to a document's 成文日期."""

    from_: str | None = Field(default=None, alias="from")
    until: str | None = None

    @field_validator("from_", "until")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            dt.date.fromisoformat(value)
        return value


class ExampleSpec(_Strict):
    """An inline example: a partial document and whether the rule must fire on it."""

    name: str = Field(min_length=1)
    document: dict[str, Any]
    expect: Literal["fires", "does_not_fire"]


class RuleSpec(_Strict):
    """One rule as written by an author."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    id: str = Field(pattern=RULE_ID_PATTERN)
    title: str = Field(min_length=1)
    mode: RuleMode
    confidence: float = Field(default=0.9, ge=0.0, le=1.0)
    effective: EffectiveSpec | None = None
    outcome: OutcomeSpec
    legal_basis: list[LegalBasisSpec] = Field(min_length=1)
    note: str | None = None
    when: Any
    examples: list[ExampleSpec] = Field(default_factory=list)

    @field_validator("id", "title", mode="before")
    @classmethod
    def _is_string(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        return value


class RuleFileSpec(_Strict):
    """A rule file: its schema version, owner and rules (each rule is validated on its own)."""

    schema_: str = Field(alias="schema")
    owner: str | None = None
    rules: list[Any]


class PrecedenceSpec(_Strict):
    category: list[Category]
    exemption: list[Exemption]
    secrecy: list[Secrecy]
    column: list[Column]
    # The application rules' field (rules/applications/): every ApplicationOutcome once, the winner first.
    application_outcome: list[ApplicationOutcome] | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class ThresholdSpec(_Strict):
    """A floor or a ceiling a candidate rule set must keep in `gongkai rules backtest`."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)  # 0 for 0.0

    metric: str = Field(pattern=METRIC_PATTERN, description="e.g. secrecy_flag.recall, category.withheld.recall")
    at_least: float | None = None
    at_most: float | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> "ThresholdSpec":
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least and at_most")
        return self


class BacktestSpec(_Strict):
    """What a candidate must keep, over past decisions, before it may go live."""

    thresholds: list[ThresholdSpec] = Field(default_factory=list)


class ManifestSpec(_Strict):
    """rules/_ruleset.yaml: the precedence that no single file decides, and the backtest's thresholds."""

    schema_: str = Field(alias="schema")
    name: str
    precedence: PrecedenceSpec
    backtest: BacktestSpec | None = None
