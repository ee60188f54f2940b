"""Service settings, from GONGKAI_* environment variables (or a .env file), validated at start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.paths import data_dir, model_dir, rules_dir
from engine.vocabulary import ReviewStage, Role
from engine.workflow.index_number import DEFAULT_TEMPLATE, check_template


def _default_database() -> str:
    return f"sqlite:///{data_dir() / 'runtime' / 'gongkai.db'}"


MIN_AUDIT_KEY_BYTES = 32


def read_key_file(path: Path) -> bytes:
    """The audit key held in `path` (surrounding whitespace is not part of it); ValueError naming the
    setting when it cannot be read or is too short."""
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ValueError(f"GONGKAI_AUDIT_KEY_FILE={path} cannot be read: {exc.strerror or exc}") from None
    if len(key) < MIN_AUDIT_KEY_BYTES:
        raise ValueError(f"GONGKAI_AUDIT_KEY_FILE={path} holds {len(key)} bytes; the audit key needs at least "
                         f"{MIN_AUDIT_KEY_BYTES} (make one with: python -c \"import secrets; "
                         "print(secrets.token_hex(32))\")")
    return key


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
    # Days a new token works (api/access/tokens.py); `token create --days` and POST /v1/tokens may ask for another span.
    token_days: int = Field(default=180, ge=1, le=3650, description="days a newly issued or rotated token works")
    # Roles that may read the bodies of items whose secrecy is not none.
    cleared_roles: frozenset[Role] = frozenset({Role.SECRECY_REVIEWER, Role.DISCLOSURE_REVIEWER, Role.ADMIN})
    # Clerks (处室信息员) read their own division's items ("division"), or every division's ("all") for
    # agencies that want it; a clerk token without a division reads only the items it entered.
    clerk_scope: Literal["division", "all"] = "division"
    # Separation of duties: whoever entered or pushed an item does not review it, and one person does not
    # do both reviews of one version (a person is a token's holder name).
    separate_duties: bool = True
    migrate_on_start: bool = True
    # Sign-in lock-out (api/access/users.py): this many failures in a row lock the account for that many minutes,
    # so a password cannot be guessed faster than a few tries an hour.
    signin_max_failures: int = Field(default=5, ge=1, le=100)
    signin_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # The session cookie's Secure flag even when the request reached the service over plain HTTP (a proxy
    # that ends TLS in front of it); a request seen as HTTPS always gets it.
    cookie_secure: bool = False
    # Supervision: calendar days an item may wait at a review stage before it is reported.
    review_wait_days: dict[str, int] = Field(default_factory=lambda: {stage.value: 5 for stage in ReviewStage})
    # The key of the audit log's HMACs, kept outside the database (api/audit_key.py says how): a file
    # holding it, or the key itself. Neither set: on SQLite, data/runtime/audit.key is made at first start.
    audit_key_file: Path | None = None
    audit_key: SecretStr | None = None

    @field_validator("model", mode="before")
    @classmethod
    def _empty_model(cls, value: object) -> object:
        return None if value in ("", None) else value  # GONGKAI_MODEL= serves the rules alone

    @field_validator("audit_key_file", mode="before")
    @classmethod
    def _empty_key_file(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("audit_key_file")
    @classmethod
    def _readable_key_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            read_key_file(value)  # a clear error at start, not at the first audit event
        return value

    @field_validator("audit_key", mode="before")
    @classmethod
    def _empty_key(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("audit_key")
    @classmethod
    def _long_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip().encode("utf-8")) < MIN_AUDIT_KEY_BYTES:
            raise ValueError(f"GONGKAI_AUDIT_KEY is shorter than {MIN_AUDIT_KEY_BYTES} bytes; use a random key "
                             "of at least that length (python -c \"import secrets; print(secrets.token_hex(32))\")")
        return value

    @model_validator(mode="after")
    def _one_key(self) -> "Settings":
        if self.audit_key is not None and self.audit_key_file is not None:
            raise ValueError("GONGKAI_AUDIT_KEY and GONGKAI_AUDIT_KEY_FILE are both set: set only one, so that "
                             "there is no doubt which key the audit log is written with")
        return self

    @field_validator("index_template")
    @classmethod
    def _template(cls, value: str) -> str:
        check_template(value)
        return value


    # Letters and receipts of public applications (issue 17, api/letters; applications.md §1.8, §2). Empty by
    # default on purpose: a letter is refused ("not configured") rather than printed with a wrong authority.
    # The agency's name as printed above its seal, and how an applicant reaches its disclosure office.
    agency_name: str = Field(default="", max_length=100, description="本机关名称, printed on every letter")
    contact_person: str = Field(default="", max_length=40, description="letters' 联系人")
    contact_phone: str = Field(default="", max_length=40, description="letters' 联系电话")
    # 行政复议机关 and the court of 行政诉讼 (行政复议法 Art. 20/24, 行政诉讼法 Art. 46): stored per agency, never
    # guessed — since the 2023 行政复议法 the 复议机关 of a department is usually the 本级人民政府, not the
    # "上一级主管部门" old templates print. A letter that decides an application needs both.
    review_authority: str = Field(default="", max_length=100, description="行政复议机关, e.g. 北京市人民政府")
    court: str = Field(default="", max_length=100, description="行政诉讼的管辖法院, e.g. 北京市某区人民法院")
    # 文号 of letters: {code} the letter type's short code (data/letters), {year}, {seq} its number that year.
    letter_number_pattern: str = Field(default="", max_length=100,
                                       description="e.g. 京某依申公{code}〔{year}〕{seq}号")
    # How an applicant checks progress, printed on the receipt (a URL, a phone number, a counter).
    progress_query: str = Field(default="", max_length=200, description="申请进度查询方式, on the receipt")
    letters: Path = Field(default_factory=lambda: data_dir() / "letters",
                          description="the letter templates (YAML), editable by legal staff")
    # 条例第四十四条: an on_request item asked for by this many distinct applicants within 12 months is suggested
    # for proactive publication and sent to its disclosure review (the Regulations name no number).
    art44_applicants: int = Field(default=3, ge=1, le=1000,
                                  description="distinct applicants within 12 months that raise a 第四十四条 suggestion")
    # The annual report (issue 18). Which 行政复议 / 行政诉讼 cases a year's Table 四 counts is not defined by the
    # format [U]: by default the cases filed in the year plus earlier ones concluded in it (engine/applications/
    # cases.py); legal staff who read it otherwise set `filed`.
    case_scope: Literal["filed_or_concluded", "filed"] = Field(
        default="filed_or_concluded", description="Table 四's counting scope: filed_or_concluded or filed")
    # 条例第四十九条: the day of the next year by which the annual report is published ("MM-DD"): 31 January for a
    # department's report (first paragraph), "03-31" for a local government's (second paragraph); the
    # supervision report's annual_report_due_soon and annual_report_overdue (api/reports/annual_events.py).
    annual_report_deadline: str = Field(default="01-31", pattern=r"^\d{2}-\d{2}$",
                                        description="MM-DD of the next year: 01-31 (a department), 03-31 (a local government)")

    @field_validator("annual_report_deadline")
    @classmethod
    def _deadline_day(cls, value: str) -> str:
        try:
            dt.date(2001, int(value[:2]), int(value[3:]))  # a day of every year (not 02-29)
        except ValueError:
            raise ValueError(f"GONGKAI_ANNUAL_REPORT_DEADLINE {value!r} is not a day of the year (MM-DD, e.g. 01-31)") from None
        return value
