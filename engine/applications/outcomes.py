"""The outcomes of a public application and the annual report row each is counted in; what an
application's items add up to; and the Art. 44 suggestion to publish what many people ask for.

The mapping is data (data/applications/outcomes.yaml, versioned with the report format FMT21,
国办公开办函〔2021〕30号) so that the report, the letters and the lifecycle read one table: an outcome
without a row could never be counted, so the loader refuses a table where any outcome of
engine/vocabulary.ApplicationOutcome lacks exactly one row, or where an id or a row is unknown, and names them.

Mixed items (applications.md §1.7 [P]): the format counts a 区分处理 answer once, under （二）部分公开
(“只计这一情形，不计其他情形”, 条例第三十七条), so an application with an item given and an item not given
is `partial`; items that agree give their outcome; anything else is for the handler to choose.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from engine.paths import data_dir
from engine.vocabulary import ApplicationOutcome, Store

FORMAT = "FMT21"
OUTCOMES_FILE = Path("applications") / "outcomes.yaml"
NOT_RESPONSIBLE_SETTING = "not_responsible_row"

# 条例第三十六条第（一）（二）项 and 第三十七条: the outcomes under which the applicant gets information.
GIVEN: Final = frozenset({ApplicationOutcome.DISCLOSED_ALREADY_PUBLIC, ApplicationOutcome.DISCLOSED, ApplicationOutcome.PARTIAL})


class OutcomeMappingError(ValueError):
    """The outcome table is not one row per outcome, or an outcome is unknown; the message names them."""


class OutcomeChoiceNeeded(ValueError):
    """The items of an application disagree and do not make a partial answer: the handler picks one."""

    def __init__(self, outcomes: Sequence[str]) -> None:
        self.outcomes = tuple(sorted(set(outcomes)))
        super().__init__("the items' outcomes disagree (" + ", ".join(self.outcomes) + "): the handler must "
                         "choose the application's outcome, and the choice is recorded")


@dataclass(frozen=True)
class ReportRow:
    """One result row of Table 三: its code (e.g. （三）4) and the label printed exactly."""

    code: str
    label: str


@dataclass(frozen=True)
class OutcomeMapping:
    outcome: ApplicationOutcome
    meaning: str
    article: str  # empty for the rows with no article of the Regulations (（五）5, （六）3)
    row: ReportRow


@dataclass(frozen=True)
class OutcomeTable:
    """The checked table: every outcome with exactly one row, for one report format."""

    format: str
    rows: tuple[ReportRow, ...]
    mappings: Mapping[ApplicationOutcome, OutcomeMapping]

    def mapping(self, outcome: str) -> OutcomeMapping:
        """The mapping of `outcome`; OutcomeMappingError naming it when it is not an outcome."""
        try:
            return self.mappings[ApplicationOutcome(outcome)]
        except ValueError:
            raise OutcomeMappingError(f"unknown outcome: {outcome!r}") from None

    def row_of(self, outcome: str) -> ReportRow:
        """The Table 三 row an application with this outcome is counted in.

        Examples:
            >>> default_table().row_of("withheld.third_party").label
            '（三）4.保护第三方合法权益'
        """
        return self.mapping(outcome).row


def _rows(data: Mapping[str, Any]) -> dict[str, ReportRow]:
    rows: dict[str, ReportRow] = {}
    for entry in data.get("rows") or ():
        code, label = str(entry.get("code", "")), str(entry.get("label", ""))
        if not code or not label.startswith(code) or code in rows:
            raise OutcomeMappingError(f"row {entry!r}: a row needs a unique code and a label starting with it")
        rows[code] = ReportRow(code, label)
    if not rows:
        raise OutcomeMappingError("the table has no rows")
    return rows


def _row_code(entry: Mapping[str, Any], settings: Mapping[str, Any]) -> object:
    row = entry.get("row")
    if row == "setting":
        return settings.get(str(entry.get("setting")))
    return row


def parse_outcome_table(data: Mapping[str, Any], *, not_responsible_row: str | None = None) -> OutcomeTable:
    """Check and build the table from the YAML's data; `not_responsible_row` overrides the setting for
    条例第三十六条第（五）项 (default （四）1). OutcomeMappingError listing every problem."""
    if data.get("format") != FORMAT:
        raise OutcomeMappingError(f"the table is for format {data.get('format')!r}, not {FORMAT}")
    rows = _rows(data)
    settings = dict(data.get("settings") or {})
    if not_responsible_row is not None:
        settings[NOT_RESPONSIBLE_SETTING] = not_responsible_row
    known = {str(o) for o in ApplicationOutcome}
    problems: list[str] = []
    mappings: dict[ApplicationOutcome, OutcomeMapping] = {}
    for entry in data.get("outcomes") or ():
        outcome_id, code = str(entry.get("id")), _row_code(entry, settings)
        if outcome_id not in known:
            problems.append(f"unknown outcome {outcome_id!r}")
        elif ApplicationOutcome(outcome_id) in mappings:
            problems.append(f"outcome {outcome_id!r} is mapped twice")
        elif not isinstance(code, str) or code not in rows:
            problems.append(f"outcome {outcome_id!r} must map to exactly one row of the table, not {code!r}")
        else:
            mappings[ApplicationOutcome(outcome_id)] = OutcomeMapping(ApplicationOutcome(outcome_id), str(entry.get("meaning", "")),
                                                          str(entry.get("article") or ""), rows[code])
    named = {str(entry.get("id")) for entry in data.get("outcomes") or ()}
    unmapped = [str(o) for o in ApplicationOutcome if str(o) not in named]
    if unmapped:
        problems.append("outcomes without a report row: " + ", ".join(unmapped))
    if problems:
        raise OutcomeMappingError("; ".join(problems))
    return OutcomeTable(FORMAT, tuple(rows.values()), mappings)


def load_outcome_table(path: Path | None = None, *, not_responsible_row: str | None = None) -> OutcomeTable:
    """The table in `path` (default data/applications/outcomes.yaml under the data directory)."""
    file = path or data_dir() / OUTCOMES_FILE
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise OutcomeMappingError(f"{file}: not a mapping")
    return parse_outcome_table(data, not_responsible_row=not_responsible_row)


@lru_cache(maxsize=1)
def default_table() -> OutcomeTable:
    """The project's table, read once."""
    return load_outcome_table()


def application_outcome(item_outcomes: Sequence[str], *, chosen: str | None = None) -> ApplicationOutcome:
    """The outcome of an application from its items' outcomes (条例第三十七条; applications.md §1.7).

    Any item given and any item not given ⇒ partial, counted once (T18); items that agree ⇒ theirs;
    otherwise the handler's `chosen` outcome, which must be one of the items'; without it
    OutcomeChoiceNeeded. A `chosen` outcome the items contradict is refused.

    Examples:
        >>> application_outcome(["disclosed", "withheld.third_party"])
        <ApplicationOutcome.PARTIAL: 'partial'>
        >>> application_outcome(["cannot_provide.not_held", "withheld.state_secret"],
        ...                     chosen="withheld.state_secret")
        <ApplicationOutcome.WITHHELD_STATE_SECRET: 'withheld.state_secret'>
    """
    if not item_outcomes:
        raise ValueError("an application's outcome needs at least one item outcome")
    unknown = sorted({o for o in item_outcomes if o not in {str(x) for x in ApplicationOutcome}})
    if unknown:
        raise OutcomeMappingError("unknown outcome: " + ", ".join(unknown))
    outcomes = {ApplicationOutcome(o) for o in item_outcomes}
    decided: ApplicationOutcome | None = None
    if outcomes & GIVEN and outcomes - GIVEN:
        decided = ApplicationOutcome.PARTIAL
    elif len(outcomes) == 1:
        decided = next(iter(outcomes))
    if decided is not None:
        if chosen is not None and chosen != decided:
            raise ValueError(f"the items decide the outcome ({decided}); {chosen!r} cannot be chosen")
        return decided
    if chosen is None:
        raise OutcomeChoiceNeeded(list(item_outcomes))
    if chosen not in outcomes:
        raise ValueError(f"the chosen outcome {chosen!r} is none of the items' ({', '.join(sorted(outcomes))})")
    return ApplicationOutcome(chosen)


# 条例第四十四条: information many applicants ask for, that can be disclosed, should be published proactively.
# How many distinct applicants within how long is practice, not law (applications.md §1.5 [P]): settings.
DEFAULT_APPLICANT_THRESHOLD = 3
WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Request:
    """One application as Art. 44 reads it: who asked (the principal's identity), for which stored item,
    in which store that item lies, and the legal receipt date."""

    applicant: str
    item_id: str
    store: str
    received_on: datetime.date


@dataclass(frozen=True)
class PublicationSuggestion:
    """An Art. 44 suggestion: this on_request item was asked for by these applicants; the service routes
    it into the disclosure review of the item (on_request → proactive), where people decide."""

    item_id: str
    applicants: tuple[str, ...]
    first_on: datetime.date
    last_on: datetime.date
    article: str = "条例第四十四条"


def _window_start(on: datetime.date) -> datetime.date:
    """The first day inside the 12 months that end on `on` (29 February falls back to the 28th)."""
    try:
        return on.replace(year=on.year - 1) + datetime.timedelta(days=1)
    except ValueError:
        return on.replace(year=on.year - 1, day=28) + datetime.timedelta(days=1)


def publication_suggestions(requests: Iterable[Request], *, on: datetime.date,
                            threshold: int = DEFAULT_APPLICANT_THRESHOLD) -> list[PublicationSuggestion]:
    """条例第四十四条: every on_request item that at least `threshold` distinct applicants asked for in the
    12 months ending on `on`, in item order. Items in other stores are not suggested: proactive ones are
    public already, withheld and non-government ones cannot be published."""
    if threshold < 1:
        raise ValueError("the threshold is at least one applicant")
    start = _window_start(on)
    asked: dict[str, list[Request]] = defaultdict(list)
    for request in requests:
        if request.store == Store.ON_REQUEST and start <= request.received_on <= on:
            asked[request.item_id].append(request)
    suggestions = []
    for item_id in sorted(asked):
        applicants = tuple(sorted({r.applicant for r in asked[item_id]}))
        if len(applicants) >= threshold:
            dates = [r.received_on for r in asked[item_id]]
            suggestions.append(PublicationSuggestion(item_id, applicants, min(dates), max(dates)))
    return suggestions
