"""A letter's values from the case (applications.md §2, "common frame" and "optional recitals"): the
registration, the applicant, what was asked, the letter's date, its outcome, and the handling history the
answers print (common.yaml's `history`) read from the stored events — 补正, 延期 (with the extension
notice's 文号 as issued), 征求意见, 缴费. The person issuing gives only the letter type's own elements.

Nothing here reads an item of the stores: a letter prints the case and what its issuer wrote, so it cannot
carry the title of an item the issuer may not read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from api.letters.elements import text_of
from engine.vocabulary import APPLICATION_LABELS_ZH, FeeMethod
from models.tables import ApplicationEventRow, ApplicationLetterRow, ApplicationRow

EXTENSION = "extension"
CONSULTED = {"consult_third_party": "第三方", "consult_agency": "有关行政机关"}


def frame(row: ApplicationRow, today: dt.date) -> dict[str, Any]:
    """The frame every letter may print, from the registration."""
    return {"reg_no": row.reg_no, "applicant": (row.applicant or {}).get("name", ""), "received_on": row.received_on,
            "channel": row.channel, "description": row.description, "date": today, "outcome": row.outcome}


def from_transition(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Elements the transition a notice goes with already holds — the deadlines the clock computed for an
    extension (条例第三十三条第二款), the date fixed for a delayed answer (第三十五条), the fee assessed
    (第四十二条) — so the issuer need not retype them; what the issuer gives is printed instead."""
    if kind == "extension":
        return {key: params[source] for key, source in (("original_deadline", "deadline"),
                                                        ("new_deadline", "extended_to")) if params.get(source)}
    if kind == "delay" and params.get("delayed_until"):
        return {"new_deadline": params["delayed_until"]}
    fee = params.get("fee")
    if kind == "fee_notice" and isinstance(fee, Mapping) and fee.get("method"):
        method = str(fee["method"])
        unit = "页" if method == FeeMethod.BY_PAGES else "件"
        found = {"method": APPLICATION_LABELS_ZH.get(method, method)}
        if fee.get("basis") is not None:
            found["quantity"] = f"{fee['basis']}{unit}"
        if fee.get("amount") is not None:
            found["amount"] = str(fee["amount"])
        return found
    return {}


def _params(event: ApplicationEventRow) -> dict[str, Any]:
    return dict((event.details or {}).get("params") or {})


def _day(value: Any, default: dt.date) -> dt.date:
    return dt.date.fromisoformat(str(value)) if value else default


def history(events: Sequence[ApplicationEventRow], letters: Sequence[ApplicationLetterRow]) -> dict[str, Any]:
    """What happened on the way, as common.yaml's history names it; only what happened (the last of each)."""
    found: dict[str, Any] = {}
    consultations: list[str] = []
    for event in sorted(events, key=lambda e: e.seq):
        params = _params(event)
        if event.kind == "request_correction":
            found["correction_notice_on"] = event.on
        elif event.kind == "correction_received":
            found["correction_received_on"] = _day(params.get("received_on"), event.on)
        elif event.kind == "extend":
            found["extension_notice_on"] = _day(params.get("notice_sent_on"), event.on)
        elif event.kind in CONSULTED:
            consultations.append(f"于{text_of(event.on)}向{CONSULTED[event.kind]}征求意见")
        elif event.kind == "consultation_ended" and consultations:
            replied = params.get("replied_on")
            consultations[-1] += (f"，于{text_of(_day(replied, event.on))}收到回复" if replied
                                  else "，对方在规定期限内未提出意见")
        elif event.kind == "fee_paid":
            found["fee_paid_on"] = event.on
    if consultations:
        found["consultation"] = "；".join(consultations)
    numbers = [letter.number for letter in sorted(letters, key=lambda r: r.id)
               if letter.kind == EXTENSION and letter.number]
    if numbers:
        found["extension_notice"] = numbers[-1]
    return found
