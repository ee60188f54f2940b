"""Partial disclosure and redaction (条例第三十七条 区分处理; 第十五条 个人隐私): a redacted copy proposed from
the personal data and third-party details found in a text, reviewed by the handler span by span, and
released only once every span has a decision and the handler has confirmed the whole.

A `Redaction` is immutable: each step (a decision, a span added by hand, the confirmation) returns a new
one, so the service can store every state it passed through. It holds the original's SHA-256, never the
original itself: the service keeps the original and the released copy side by side, and the released
copy names the original's hash (`ReleasedCopy.original_sha256`), so each can be found from the other and
a copy can never be made from a different text (a mismatch is refused).

- `propose_redaction(text)`: the spans to mask (engine/applications/redaction_detect), none decided;
- `accept`, `reject`, `change(index, other span)`: a decision on one proposed span, with who and when
  (a decision may be revised until the confirmation; every one is kept in `history`);
- `add(span)`: a span the proposal missed, accepted by the one who added it;
- `confirm(by, at)`: refused while any span is undecided; after it nothing changes;
- `release(original)` / `released_text(original)`: refused before the confirmation or for another text.

Masking is engine/applications/redaction_mask (the partial forms and the practice behind them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from engine.applications.redaction_detect import propose_spans
from engine.applications.redaction_mask import DEFAULT_MASK, DEFAULT_STYLES, MaskedRegion, mask_text
from engine.applications.redaction_spans import MaskStyle, RedactionKind, RedactionSpan

__all__ = ["Decision", "MaskStyle", "Redaction", "RedactionKind", "RedactionRefused", "RedactionSpan",
           "ReleasedCopy", "Verdict", "propose_redaction", "text_sha256"]


class RedactionRefused(ValueError):
    """A step the redaction may not take (an undecided span, no confirmation, another original …)."""


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # masked as proposed
    REJECTED = "rejected"  # left visible
    CHANGED = "changed"  # masked as another span (other bounds or kind) instead


@dataclass(frozen=True)
class Decision:
    """The handler's decision on one span: who, when, and for a change the span masked instead."""

    verdict: Verdict
    by: str
    at: datetime
    changed_to: RedactionSpan | None = None
    note: str = ""


@dataclass(frozen=True)
class ReleasedCopy:
    """The copy that may leave: its text, where its masks lie, and the original it was made from."""

    text: str
    original_sha256: str
    released_sha256: str
    confirmed_by: str
    confirmed_at: datetime
    masked: tuple[RedactionSpan, ...]
    regions: tuple[MaskedRegion, ...]


def text_sha256(text: str) -> str:
    """The hash that ties a copy to its original (surrogatepass: a text read from bad UTF-16 still hashes)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _who_when(by: str, at: datetime) -> None:
    if not by.strip():
        raise RedactionRefused("a decision names who took it")
    if at.tzinfo is None or at.utcoffset() is None:
        raise RedactionRefused(f"a decision's time carries its time zone, not {at.isoformat()}")


@dataclass(frozen=True)
class Redaction:
    """The proposed spans of one original, the decisions on them and the confirmation."""

    original_sha256: str
    original_length: int
    spans: tuple[RedactionSpan, ...]
    history: tuple[tuple[int, Decision], ...] = ()  # (index in spans, decision), in the order taken
    styles: tuple[tuple[RedactionKind, MaskStyle], ...] = ()  # kinds whose style differs from the default
    mask: str = DEFAULT_MASK
    confirmed_by: str = ""
    confirmed_at: datetime | None = field(default=None)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def decision(self, index: int) -> Decision | None:
        """The latest decision on span `index`, or None."""
        return next((d for i, d in reversed(self.history) if i == index), None)

    def undecided(self) -> list[int]:
        """The indexes of the spans with no decision yet."""
        decided = {i for i, _ in self.history}
        return [i for i in range(len(self.spans)) if i not in decided]

    def style_of(self, kind: RedactionKind) -> MaskStyle:
        return dict(self.styles).get(kind, DEFAULT_STYLES[kind])

    def accept(self, index: int, by: str, at: datetime, note: str = "") -> Redaction:
        return self._decide(index, Decision(Verdict.ACCEPTED, by, at, None, note))

    def reject(self, index: int, by: str, at: datetime, note: str = "") -> Redaction:
        return self._decide(index, Decision(Verdict.REJECTED, by, at, None, note))

    def change(self, index: int, to: RedactionSpan, by: str, at: datetime, note: str = "") -> Redaction:
        """Mask `to` instead of span `index` (wider, narrower or of another kind: it must overlap it;
        a span elsewhere is a rejection and a span added by hand)."""
        self._check_index(index)
        if not to.overlaps(self.spans[index]):
            raise RedactionRefused(f"span #{index} may be changed only to a span over it: reject it and add "
                                   f"[{to.start}, {to.end}) by hand")
        self._check_bounds(to)
        return self._decide(index, Decision(Verdict.CHANGED, by, at, to, note))

    def add(self, span: RedactionSpan, by: str, at: datetime, note: str = "") -> Redaction:
        """A span the proposal missed, masked: accepted by whoever adds it."""
        self._check_open()
        _who_when(by, at)
        self._check_bounds(span)
        added = replace(span, source="hand", confidence=1.0) if span.source != "hand" else span
        index = len(self.spans)
        return replace(self, spans=(*self.spans, added),
                       history=(*self.history, (index, Decision(Verdict.ACCEPTED, by, at, None, note))))

    def confirm(self, by: str, at: datetime) -> Redaction:
        """The handler's confirmation of the whole: refused while a span is undecided."""
        self._check_open()
        _who_when(by, at)
        missing = self.undecided()
        if missing:
            named = "、".join(f"#{i} {self.spans[i].label}“{self.spans[i].text}”" for i in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise RedactionRefused(f"{len(missing)} span(s) have no decision yet: {named}{more}")
        return replace(self, confirmed_by=by, confirmed_at=at)

    def masked_spans(self) -> list[RedactionSpan]:
        """The spans the released copy masks: accepted ones, and for a change the span chosen instead."""
        out: list[RedactionSpan] = []
        for index, span in enumerate(self.spans):
            decision = self.decision(index)
            if decision is None or decision.verdict is Verdict.REJECTED:
                continue
            out.append(decision.changed_to if decision.changed_to is not None else span)
        return out

    def release(self, original: str) -> ReleasedCopy:
        """The released copy of `original`: refused before the confirmation or for any other text."""
        if self.confirmed_at is None:
            missing = self.undecided()
            why = f"{len(missing)} span(s) are undecided" if missing else "every span is decided"
            raise RedactionRefused(f"no copy is released before the handler confirms the redaction ({why})")
        self.check_original(original)
        masked = self.masked_spans()
        for span in masked:
            if original[span.start:span.end] != span.text:
                raise RedactionRefused(f"span [{span.start}, {span.end}) says {span.text!r}, the original "
                                       f"{original[span.start:span.end]!r}")
        result = mask_text(original, masked, dict(self.styles), self.mask)
        return ReleasedCopy(result.text, self.original_sha256, text_sha256(result.text), self.confirmed_by,
                            self.confirmed_at, tuple(masked), result.regions)

    def released_text(self, original: str) -> str:
        """The released copy's text (see `release`)."""
        return self.release(original).text

    def check_original(self, text: str) -> None:
        """Refuse a text that is not the original this redaction was proposed for."""
        if len(text) != self.original_length or text_sha256(text) != self.original_sha256:
            raise RedactionRefused("this text is not the original of the redaction (its SHA-256 differs): "
                                   "propose a new redaction for it")

    def _decide(self, index: int, decision: Decision) -> Redaction:
        self._check_open()
        self._check_index(index)
        _who_when(decision.by, decision.at)
        return replace(self, history=(*self.history, (index, decision)))

    def _check_open(self) -> None:
        if self.confirmed:
            raise RedactionRefused(f"the redaction was confirmed by {self.confirmed_by}: it changes no more; "
                                   "propose a new one")

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.spans):
            raise RedactionRefused(f"there is no span #{index} (the redaction has {len(self.spans)})")

    def _check_bounds(self, span: RedactionSpan) -> None:
        if span.end > self.original_length:
            raise RedactionRefused(f"span [{span.start}, {span.end}) runs past the end of the original "
                                   f"({self.original_length} characters)")


def propose_redaction(text: str, styles: Mapping[RedactionKind, MaskStyle] | None = None,
                      mask: str = DEFAULT_MASK) -> Redaction:
    """The redaction proposed for `text`: every span found, none decided yet."""
    mask_text("", (), styles, mask)  # checks the mask character before anyone decides anything
    chosen = tuple((kind, style) for kind, style in (styles or {}).items() if style is not DEFAULT_STYLES[kind])
    return Redaction(text_sha256(text), len(text), tuple(propose_spans(text)), styles=chosen, mask=mask)
