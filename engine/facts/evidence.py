"""Evidence: why a derived fact has its value (the words found, in which field, at which span)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One finding behind a fact; `text` is what an explanation shows (masked for personal data)."""

    fact: str
    value: str
    field: str
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "value": self.value, "field": self.field, "span": [self.start, self.end],
                "text": self.text}
