"""What the use cases need besides a database session: loaded rules and model, calendar, settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from api.settings import Settings
from engine.suggest import Suggester
from engine.workflow.working_days import Due, WorkingCalendar, publication_due


@dataclass(frozen=True)
class Actor:
    """Who is acting: a token's name and role (and a clerk's division)."""

    name: str
    role: str
    division: str | None = None
    token_id: int | None = None


@dataclass
class Context:
    # The rules in service. Replaced whole on activation (api/rulesets/activation.py); a request reads it once.
    suggester: Suggester
    calendar: WorkingCalendar
    settings: Settings
    # The rule_activation row this process serves, and when it last looked for a newer one (api/rulesets/activation.py).
    activation_id: int | None = None
    rules_checked_at: float = 0.0
    # The model_activation row this process serves (api/rulesets/classifier.py); None: the model of the settings
    # (or none), never yet recorded. Looked for at the rules' pace.
    model_activation_id: int | None = None
    _due: dict[dt.date, Due] = field(default_factory=dict)

    def due(self, closed_on: dt.date) -> Due:
        """条例第二十六条's due date, remembered per closing date (the calendar walk is pure Python)."""
        found = self._due.get(closed_on)
        if found is None:
            found = self._due[closed_on] = publication_due(closed_on, self.calendar)
        return found
