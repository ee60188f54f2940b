"""Deciding past cases with two rule sets at once: the Comparer behind `gongkai rules backtest`
(engine/authoring/backtest.py runs it over every case and reports).

Each case is a document and its final human decision (a reviewed item, or a labelled record). Both
rule sets decide it the way the service does (engine/combine.py, with the model when one is given;
the model's prediction does not depend on the rules, so it is made once). Facts and model terms are
derived once per case; the conditions of both sets are pooled and each distinct one evaluated once
(rules/flag_backend.py); the second combination runs only when the two sets' hits differ.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

from engine.authoring.evaluate import NULL, UNDECIDED, LabelError, read_labels
from engine.authoring.records import decode
from engine.combine import DEFAULT_POLICY, Policy, combine
from engine.decision import Decision, RuleHit
from engine.facts.derive import derive_facts
from engine.facts.document import RecordError, document_from_record
from engine.rules.flag_backend import ConditionSet
from engine.rules.rulebook import Rule, Rulebook
from engine.vocabulary import DECIDED_FIELDS, FieldStatus, Secrecy


@dataclass(frozen=True)
class Case:
    """One past decision: an id to show, the document as JSON text (or bytes, or a decoded record)
    and the final decision per field ("null" for none). A line of a labelled file has gold None (the
    record's own `labels` are read) and its line number: it is shown by the record's id, else
    "line N", and a line that cannot be read is reported by its number."""

    id: str
    document: str | bytes | Mapping[str, Any]
    gold: Mapping[str, str] | None = None
    line: int | None = None
    seq: int = 0  # the case's place in the source (item id, line number): results are reported in this order


class Outcome(NamedTuple):
    """What both sets suggested for one case (shown values: a value, "null" or "undecided")."""

    id: str
    error: str | None
    gold: Mapping[str, str]
    marked: bool
    active: tuple[str, ...]
    candidate: tuple[str, ...]
    active_hits: tuple[str, ...]
    candidate_hits: tuple[str, ...]
    seq: int = 0
    title: str | None = None  # None where it may not be shown (see `_title`)


def _signature(rule: Rule) -> tuple[Any, ...]:
    """What of a rule the decision depends on (not its title, citation, file or line)."""
    return rule.id, rule.mode, rule.confidence, tuple(sorted(rule.outcome.items()))


def _title(facts: Any, gold: Mapping[str, str], *shown: tuple[str, ...]) -> str | None:
    """The title, unless the document is marked or secret by its decision or by either suggestion
    (api/visibility.is_secret's rule: a secret item is shown to cleared roles only). A secrecy left
    undecided is not known to be none, so it hides the title too."""
    secrecy = DECIDED_FIELDS.index("secrecy")
    levels = {gold.get("secrecy", NULL), *(s[secrecy] for s in shown)}
    if facts["marking_level"] != Secrecy.NONE or not levels <= {Secrecy.NONE, NULL}:
        return None
    return facts["title"]


def _shown(decision: Decision) -> tuple[str, ...]:
    out = []
    for name in DECIDED_FIELDS:
        fd = decision.fields[name]
        out.append(UNDECIDED if fd.status == FieldStatus.UNDECIDED else (fd.value or NULL))
    return tuple(out)


SAME_MODEL: Any = object()  # Comparer's default candidate model: the active side's


class Comparer:
    """The active and the candidate rule set (and the model) ready to decide documents both ways."""

    def __init__(self, active: Rulebook, candidate: Rulebook, model: Any = None,
                 policy: Policy = DEFAULT_POLICY, candidate_model: Any = SAME_MODEL) -> None:
        """`candidate_model`: the model the candidate side combines with, when a model is what is being compared
        (the model registry's validation: the same rules, two models); by default the active side's."""
        self.active_book, self.candidate_book, self.model, self.policy = active, candidate, model, policy
        self.candidate_model = model if candidate_model is SAME_MODEL else candidate_model
        self.conditions = ConditionSet(r.when for book in (active, candidate) for r in book.active())
        self._active = self._by_slot(active)
        self._candidate = self._by_slot(candidate)
        self._same_precedence = active.precedence.order == candidate.precedence.order

    def _by_slot(self, book: Rulebook) -> dict[int, list[tuple[int, RuleHit, tuple[Any, ...], bool]]]:
        """Per condition slot, the rules of the book on it: (book order, its hit, signature, dated)."""
        out: dict[int, list[tuple[int, RuleHit, tuple[Any, ...], bool]]] = {}
        for order, rule in enumerate(book.active()):
            dated = bool(rule.effective_from or rule.effective_until)
            out.setdefault(self.conditions.index[rule.when], []).append((order, RuleHit(rule), _signature(rule), dated))
        return out

    @staticmethod
    def _hits(rules: dict[int, list[tuple[int, RuleHit, tuple[Any, ...], bool]]], held: list[int], on: dt.date
              ) -> tuple[list[RuleHit], list[tuple[Any, ...]]]:
        """The hits of one book on the conditions that held, in book order, as Suggester.hits (rules
        in effect on the document's date; a hit's evidence is not needed here)."""
        found = sorted(entry for slot in held for entry in rules.get(slot, ()))
        found = [e for e in found if not e[3] or e[1].rule.in_effect(on)]
        return [e[1] for e in found], [e[2] for e in found]

    @staticmethod
    def _predictions(model: Any, good: Sequence[tuple[Case, Any, Mapping[str, str]]]) -> Iterator[Any]:
        if model is None:
            return iter([None] * len(good))
        return iter(model.predict_many([model.terms(facts) for _, facts, _ in good]))

    def outcomes(self, cases: Sequence[Case]) -> list[Outcome]:
        """Both suggestions for each case; a case that cannot be read comes back with its error."""
        parsed: list[tuple[Case, Any, Mapping[str, str]] | Outcome] = []
        for case in cases:
            record, error = (case.document, None) if isinstance(case.document, Mapping) else decode(case.document)
            if error is None:
                try:
                    document = document_from_record(record)
                    gold: Mapping[str, str] = dict(case.gold) if case.gold is not None else read_labels(record)
                except (RecordError, LabelError) as exc:
                    error = str(exc)
            if error is not None:
                parsed.append(Outcome(case.id, error, {}, False, (), (), (), (), case.seq))
                continue
            if case.line is not None and isinstance(record.get("id"), str) and record["id"]:
                case = Case(record["id"], "", gold, case.line, case.seq)
            parsed.append((case, derive_facts(document), gold))
        good = [p for p in parsed if not isinstance(p, Outcome)]
        predictions = self._predictions(self.model, good)
        two_models = self.candidate_model is not self.model
        candidate_predictions = self._predictions(self.candidate_model, good) if two_models else None
        out = []
        for entry in parsed:
            if isinstance(entry, Outcome):
                out.append(entry)
                continue
            case, facts, gold = entry
            prediction = next(predictions)
            candidate_prediction = next(candidate_predictions) if candidate_predictions is not None else prediction
            try:
                on = dt.date.fromisoformat(facts["date"]) if facts["date"] else dt.date.today()
            except ValueError:  # as Suggester.hits: a document without a usable date is dated today
                on = dt.date.today()
            held = self.conditions.held(facts)
            marking = facts["marking_level"]
            hits_a, sig_a = self._hits(self._active, held, on)
            hits_c, sig_c = self._hits(self._candidate, held, on)
            shown_a = _shown(combine(hits_a, self.active_book.precedence, marking, prediction, self.policy))
            if sig_a == sig_c and self._same_precedence and not two_models:
                shown_c = shown_a
            else:
                shown_c = _shown(combine(hits_c, self.candidate_book.precedence, marking, candidate_prediction,
                                         self.policy))
            out.append(Outcome(case.id, None, gold, marking != Secrecy.NONE, shown_a, shown_c,
                               tuple(h.rule.id for h in hits_a), tuple(h.rule.id for h in hits_c), case.seq,
                               _title(facts, gold, shown_a, shown_c) if shown_a != shown_c else None))
        return out
