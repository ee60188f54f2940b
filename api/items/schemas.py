"""The answers about items (api/items/views.py builds them): one item in full with its versions,
suggestion and review history; pages of items and of reviews; the proactive store's feed; and the
suggestion itself, field by field, with its rules and their citations, the model's probabilities and
terms, the evidence and the secrecy signals (engine/suggest.render_suggestion writes it).

What a caller may not read (api/access/visibility.py) is sent as null, never left out: `title`,
`content_hash`, `suggestion`, a review's `reason` and `leader_instruction`. A version's `document` and
its earlier `suggestion` are left out instead.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import Field
from typing_extensions import NotRequired, TypedDict  # pydantic needs typing_extensions' TypedDict before 3.12

from api.access.roles import Role
from api.responses import Day, Out, RulesetRef, Timestamp
from api.rulesets.schemas import LegalBasis, Outcome
from engine.facts.marking import MarkingOrigin
from engine.vocabulary import (
    Category,
    Column,
    DecisionSource,
    Exemption,
    FieldStatus,
    ItemStatus,
    Origin,
    ReviewStage,
    RuleMode,
    Secrecy,
    Store,
)

V = TypeVar("V", Category, Exemption, Secrecy, Column)


# -- the suggestion ---------------------------------------------------------------------------------------

class RuleRef(Out):
    id: str
    title: str
    citation: str = Field(description="the legal basis as written, e.g. 政府信息公开条例第16条第2款")


class Contest(Out, Generic[V]):
    """An enforce rule that lost: it would have set another value."""

    id: str
    value: V


class Term(Out):
    term: str
    weight: float


class ModelOpinion(Out, Generic[V]):
    """The model's view of one field: the likeliest value, the calibrated probabilities of the classes
    (those of at least 0.005, likeliest first) and the terms that weighed most."""

    value: V
    probability: float
    probabilities: dict[V, float]
    terms: list[Term]


class FieldSuggestion(Out, Generic[V]):
    """One decided field: the value, how sure, where it came from and why."""

    value: V | None = Field(description="null: undecided, or not applicable (e.g. exemption of a proactive item)")
    label: str | None = Field(description="the value in Chinese")
    status: FieldStatus
    confidence: float = Field(description="how often a value so suggested is right: the raw figure calibrated on "
                                          "labelled real records (engine/calibrate.py)")
    # exclude_if: a suggestion stored before raw_confidence existed is answered as stored, without it.
    raw_confidence: float | None = Field(default=None, exclude_if=lambda v: v is None, description=(
        "the figure the rules or the model gave, before calibration; absent from suggestions stored before it"))
    rules: list[RuleRef] = Field(description="the enforce (or baseline) rules that set this value")
    contested_by: list[Contest[V]]
    adjustment: str | None = Field(description="a consistency correction, when one was made")
    source: DecisionSource
    model: ModelOpinion[V] | None = Field(description="null: no model took part")
    disagreement: str | None = Field(description="where a rule and the model disagree, for the reviewer")


class SuggestedFields(Out):
    category: FieldSuggestion[Category]
    exemption: FieldSuggestion[Exemption]
    secrecy: FieldSuggestion[Secrecy]
    column: FieldSuggestion[Column]


class MarkingSignal(Out):
    """A secrecy marking found: in the metadata, the header, the title or an attachment's note."""

    kind: Literal["marking"]
    level: Secrecy
    origin: MarkingOrigin
    field: str
    text: str
    start: int
    end: int


class RiskSignal(TypedDict):
    """Content that reads as secret (cue: what kind), or the model finding it secret-like (cue `model`,
    with its level and probability; start and end -1). Until the secrecy reviewer clears them, the
    version cannot be published."""

    kind: Literal["risk"]
    cue: str
    field: str
    level: NotRequired[Annotated[Secrecy, Field(description="the model's: the likeliest secret level")]]
    probability: NotRequired[Annotated[float, Field(description="the model's: the probability of any secret level")]]
    text: str
    start: int
    end: int


Signal = Annotated[MarkingSignal | RiskSignal, Field(discriminator="kind")]


class Match(TypedDict, total=False):
    """What matched: a word or pattern with its span in the field, or the field's value."""

    text: Annotated[str, Field(description="the word, or the text the pattern matched")]
    span: Annotated[list[int], Field(description="[start, end] in the field")]
    value: Annotated[Any, Field(description="the field's value (a long text shortened)")]


class Evidence(TypedDict):
    """One condition of the rule that held: the fact, the test, the expected value and what matched
    (left out for a condition that held by not matching)."""

    field: str
    op: str
    expected: Any
    negated: bool
    matched: NotRequired[list[Match]]


class Hit(Out):
    """A rule that fired, with its legal basis and the evidence."""

    id: str
    title: str
    mode: RuleMode
    outcome: Outcome
    legal_basis: list[LegalBasis]
    citation: str
    evidence: list[Evidence]


class ModelRef(Out):
    id: str


class Suggestion(TypedDict):
    """The suggestion for one version of a document, explained. `secrecy_signals` is left out of
    suggestions stored before it existed."""

    id: Annotated[str | None, Field(description="the document system's id")]
    title: str
    suggestion: SuggestedFields
    secrecy_flag: Annotated[bool | None, Field(description="secret at any level (null: secrecy undecided)")]
    marking: Annotated[Secrecy, Field(description="the strictest secrecy marking found anywhere in the document")]
    needs_attention: bool
    attention: Annotated[list[str], Field(description="why the item should be reviewed first")]
    secrecy_signals: NotRequired[Annotated[list[Signal], Field(
        description="every secrecy marking and secrecy-risk cue found")]]
    hits: list[Hit]
    adjustments: list[str]
    warnings: list[str]
    ruleset: RulesetRef
    model: ModelRef | None


# -- items ----------------------------------------------------------------------------------------------

class Decided(Out):
    """The reviewers' decision so far (null until the stage decides it)."""

    secrecy: Secrecy | None
    category: Category | None
    exemption: Exemption | None
    column: Column | None


class ItemSummary(Out):
    """An item as lists show it. For a caller who may not read it: `restricted`, and `title` null."""

    id: int
    origin: Origin
    source_id: str
    division: str | None
    status: ItemStatus
    version: int
    lock_version: int = Field(description="send it back as expected_version to review what you read")
    store: Store | None
    index_number: str | None = Field(description="索引号, given when the item is routed")
    marked: bool = Field(description="some version carries a secrecy marking")
    restricted: bool
    title: str | None
    decision: Decided
    risk: float = Field(description="review priority: higher is riskier")
    changed_after_review: bool
    created_at: Timestamp
    routed_at: Timestamp | None
    closed_on: Day
    due_on: Day = Field(description="条例第二十六条: 20 working days after closure")
    overdue: bool
    published_late: bool
    warnings: list[str]


class ItemVersion(TypedDict):
    """A version as received. `document` (and `suggestion`, for earlier versions) only for a caller who
    may read the item; `content_hash` null for one who may not."""

    number: int
    content_hash: str | None
    received_at: Timestamp
    received_by: str
    ruleset_revision: str
    model_id: str | None
    document: NotRequired[Annotated[dict[str, Any], Field(description="the document as received (SCHEMA's record)")]]
    suggestion: NotRequired[Annotated[Suggestion, Field(
        description="the suggestion made for this version (the current version's is the item's)")]]


class ReviewFields(TypedDict, total=False):
    """The fields a stage decides: secrecy, or category, exemption and column; `cleared_signals` (the
    secrecy-risk cues the reviewer cleared) when any were."""

    secrecy: Secrecy | None
    category: Category | None
    exemption: Exemption | None
    column: Column | None
    cleared_signals: list[str]


class Review(Out):
    """A review as recorded: what was suggested, what the reviewer decided, and why."""

    stage: ReviewStage
    version: int
    actor: str
    role: Role
    at: Timestamp
    suggested: ReviewFields
    decided: ReviewFields
    changed: bool
    reason: str | None
    leader_instruction: str | None = Field(description="领导批示意见")


class Publication(Out):
    """What the website shows of a proactive item (api/items/publication.py): the text as reviewed (`original`),
    the released text of its confirmed public copy (`redacted`), or nothing yet (`held`, with the reason)."""

    state: Literal["original", "redacted", "held"]
    reason: str | None
    release_id: int | None
    text: str | None


class Item(ItemSummary):
    """One item: its versions, the current suggestion (null for a caller who may not read it) and its
    review history."""

    versions: list[ItemVersion]
    suggestion: Suggestion | None
    reviews: list[Review]
    publication: Publication | None = Field(description="an item of the proactive store: what the website shows of "
                                                        "it (the released text of a confirmed public copy), or why "
                                                        "it is held back (条例第十五条)")


class Received(Item):
    """The item a push or an entry stored, and what it did: created a new item, found the same document
    again, or added a new version (back to the secrecy review)."""

    outcome: Literal["created", "unchanged", "new_version"]


class Page(Out):
    """One page of a list: `total` matches in all, `limit` of them from `offset`."""

    total: int
    limit: int
    offset: int


class ItemPage(Page):
    items: list[ItemSummary]


class StoreItem(ItemSummary):
    publication: Publication | None = Field(description="the proactive store's items: what the website shows")


class StorePage(Page):
    items: list[StoreItem]


class ReviewOf(Out):
    review_id: int
    item_id: int
    index_number: str | None
    division: str | None


class ReviewEntry(Review, ReviewOf):  # pydantic takes the bases' fields last base first: ReviewOf's lead
    """A review in the history, with its item."""


class ReviewPage(Page):
    reviews: list[ReviewEntry]


# -- the feed -------------------------------------------------------------------------------------------

class Published(Out):
    """Put this item on the website."""

    seq: int
    action: Literal["publish"]
    at: Timestamp
    item_id: int
    index_number: str | None
    title: str
    column: Column | None
    division: str | None
    agency: str | None
    doc_number: str | None
    date: Day | None
    body: str | None = Field(description="the text as reviewed, or the released text of its confirmed public copy "
                                          "(条例第三十七条), never the original then")
    published_at: Timestamp | None
    redacted: bool = Field(description="`body` is a redacted public copy")
    release_id: int | None = Field(description="the confirmed public copy served (GET /v1/releases/{id}/copy)")


class Held(Out):
    """Not on the website yet: its text holds a private person's data (条例第十五条) and no public copy is
    confirmed; a publish entry follows the confirmation. `reason` says what and how."""

    seq: int
    action: Literal["held"]
    at: Timestamp
    item_id: int
    index_number: str | None
    reason: str


class Withdrawn(Out):
    """`withdraw`: take the item down; `withdrawn`: a publication since withdrawn (nothing to show)."""

    seq: int
    action: Literal["withdraw", "withdrawn"]
    at: Timestamp
    item_id: int
    index_number: str | None


class FeedOut(Out):
    entries: list[Annotated[Published | Withdrawn | Held, Field(discriminator="action")]]
    cursor: int = Field(description="`after` for the next page")
    more: bool
