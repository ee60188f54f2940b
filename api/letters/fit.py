"""Which letter fits which case (applications.md §2, §1.7): a letter goes with what happened on the
application, never ahead of it.

- An answer (a template with `outcomes:`) fits only the application's outcome as set (set_outcome,
  draft_answer, answer_on_the_spot, or a lapse): its template must list that outcome (条例第三十六条).
- A notice goes with its transition (NOTICES): a 补正告知书 with the request for correction (第三十条), a
  延期答复告知书 with the extension (第三十三条第二款), a 收费通知书 with the fee notice (第四十二条), …; it
  cannot be issued before that transition is on file.
- The 申请登记回执 needs the receipt day (第三十一条).
- Nothing is issued while the receipt day awaits its confirmation (第三十一条).

Every letter type of data/letters must be one of the three (`uncovered` names any that is not, so a
template added by legal staff without its place here is refused at issue time, not issued unchecked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from api.letters.templates import LetterTemplate, Templates

RECEIPT = "receipt"


@dataclass(frozen=True)
class Notice:
    """A notice's transition: the event kinds that must be on file, in this order (the letter goes with the
    last), a parameter the last one must carry, and the article that ties them."""
    events: tuple[str, ...]
    article: str
    param: str | None = None


NOTICES: Mapping[str, Notice] = {
    "correction": Notice(("request_correction",), "条例第三十条"),
    "reason_request": Notice(("request_reason",), "条例第三十五条"),
    "delay": Notice(("reason_accepted",), "条例第三十五条", param="delayed_until"),
    "extension": Notice(("extend",), "条例第三十三条第二款"),
    "third_party_consultation": Notice(("consult_third_party",), "条例第三十二条"),
    # The decision to disclose despite the third party's objection comes after its answer (or silence).
    "third_party_decision": Notice(("consult_third_party", "consultation_ended"), "条例第三十二条"),
    "agency_consultation": Notice(("consult_agency",), "条例第三十四条"),
    "fee_notice": Notice(("send_fee_notice",), "条例第四十二条、《政府信息公开信息处理费管理办法》"),
}


@dataclass(frozen=True)
class Misfit(Exception):
    """A letter that does not fit the case: the rule, the article and why."""
    rule: str
    article: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Event:
    """What fit needs of a stored event."""
    seq: int
    kind: str
    params: Mapping[str, Any]


def is_answer(letter: LetterTemplate) -> bool:
    """A letter that answers the application (it names the outcomes it answers with)."""
    return bool(letter.outcomes)


def uncovered(templates: Templates) -> list[str]:
    """The letter types this table has no place for (none, as long as it is kept with the templates)."""
    return sorted(kind for kind, letter in templates.letters.items()
                  if not is_answer(letter) and kind not in NOTICES and kind != RECEIPT)


def check(letter: LetterTemplate, status: str, outcome: str | None, received: bool,
          events: Sequence[Event], event_seq: int | None) -> int | None:
    """The seq of the event the letter goes with (the one given, or the notice's last transition), or
    Misfit. `events` in their order."""
    if status == "awaiting_confirmation" or not received:
        raise Misfit("state", "条例第三十一条", f"{letter.name} cannot be issued: the application awaits the "
                     "confirmation of its receipt day")
    given = None
    if event_seq is not None:
        given = next((e for e in events if e.seq == event_seq), None)
        if given is None:
            raise Misfit("event", letter.basis or "条例第三十六条", f"the application has no event {event_seq}")
    if letter.kind == RECEIPT:
        return event_seq
    if is_answer(letter):
        _answer(letter, outcome)
        return event_seq
    notice = NOTICES.get(letter.kind)
    if notice is None:
        raise Misfit("unknown_letter", letter.basis, f"{letter.name}（{letter.kind}）has no place in the table of "
                     "which letter goes with which transition (api/letters/fit.py): it cannot be issued")
    return _notice(letter, notice, events, given)


def _answer(letter: LetterTemplate, outcome: str | None) -> None:
    if outcome is None:
        raise Misfit("outcome", "条例第三十六条", f"{letter.name} answers with {list(letter.outcomes)}, and the "
                     "application has no outcome yet (set_outcome or draft_answer with its outcome)")
    if outcome not in letter.outcomes:
        raise Misfit("outcome", letter.basis or "条例第三十六条",
                     f"{letter.name} answers with {list(letter.outcomes)}; the application's outcome is “{outcome}”")


def _notice(letter: LetterTemplate, notice: Notice, events: Sequence[Event], given: Event | None) -> int:
    """The notice's transition on file (after its predecessors), or Misfit naming what has not happened."""
    position, found = 0, None
    for wanted in notice.events:
        found = next((e for e in events[position:] if e.kind == wanted), None)
        if found is None:
            break
        position = events.index(found) + 1
    last = notice.events[-1]
    matching = [e for e in events[position - 1:] if e.kind == last] if found is not None else []
    if notice.param:
        matching = [e for e in matching if e.params.get(notice.param)]
    if not matching:
        wanted_text = " then ".join(notice.events) + (f" (with {notice.param})" if notice.param else "")
        raise Misfit("transition", notice.article, f"{letter.name} goes with {wanted_text}, which has not "
                     "happened on this application")
    if given is None:
        return matching[-1].seq
    if given not in matching:
        raise Misfit("event", notice.article, f"{letter.name} goes with {last}; event {given.seq} is {given.kind}")
    return given.seq
