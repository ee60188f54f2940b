"""Service settings, from GONGKAI_* environment variables (or a .env file), validated at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.index_number import DEFAULT_TEMPLATE, check_template
from engine.paths import data_dir, model_dir, rules_dir


def _default_database() -> str:
    return f"sqlite:///{data_dir() / 'runtime' / 'gongkai.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GONGKAI_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=_default_database,
                              description="SQLAlchemy URL: sqlite:///path (default, under data/runtime) or "
                                          "postgresql+psycopg://user@host/db")
    rules: Path = Field(default_factory=rules_dir)
    model: Path | None = Field(default_factory=model_dir, description="model directory; empty for rules only")
    calendar: Path = Field(default_factory=lambda: data_dir() / "calendar" / "holidays.yaml")
    agency_code: str = Field(default="000000000", min_length=1, max_length=40,
                             description="the agency's code in 索引号")
    index_template: str = DEFAULT_TEMPLATE
    max_body_bytes: int = Field(default=12 * 1024 * 1024, ge=1024, description="larger requests get 413")
    # Roles that may read the bodies of items whose secrecy is not none.
    cleared_roles: frozenset[str] = frozenset({"secrecy_reviewer", "disclosure_reviewer", "admin"})
    migrate_on_start: bool = True
    # Supervision: calendar days an item may wait at a review stage before it is reported.
    review_wait_days: dict[str, int] = Field(default_factory=lambda: {"secrecy_review": 5, "disclosure_review": 5})

    @field_validator("model", mode="before")
    @classmethod
    def _empty_model(cls, value: object) -> object:
        return None if value in ("", None) else value  # GONGKAI_MODEL= serves the rules alone

    @field_validator("index_template")
    @classmethod
    def _template(cls, value: str) -> str:
        check_template(value)
        return value

