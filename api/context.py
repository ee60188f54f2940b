"""What the use cases need besides a database session: loaded rules and model, calendar, settings."""

from __future__ import annotations

from dataclasses import dataclass

from api.settings import Settings
from engine.suggest import Suggester
from engine.working_days import WorkingCalendar


@dataclass(frozen=True)
class Actor:
    """Who is acting: a token's name and role (and a clerk's division)."""

    name: str
    role: str
    division: str | None = None
    token_id: int | None = None


@dataclass
class Context:
    suggester: Suggester
    calendar: WorkingCalendar
    settings: Settings
