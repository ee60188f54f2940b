"""The HTTP contract's answers (for the OpenAPI document and the callers that read it): what the service
sends back, field by field. The requests are in api/schemas.py; the answers of one feature live next to
it (api/items/schemas.py, api/rulesets/schemas.py, api/access/schemas.py) and this module holds what
they share, with the answers of meta (health, versions).

The routes build their answers as dicts (api/items/views.py and the use cases) and name one of these
models as `response_model`: FastAPI checks the dict against it and sends exactly its declared fields.
So every key a view writes is declared in its model, or it would be dropped from the answer
(tests/service/test_contract.py compares every answer with the dict it was made from). Values are
declared as they are sent: timestamps and dates stay the strings the views write (a `datetime` would be
re-rendered, `+00:00` becoming `Z`); a count that may be an integer or a fraction is `int | float`
(a `float` would send 3 as 3.0). An object some of whose keys are present only sometimes (a hit's
`matched`, a version's `document`) is a TypedDict with those keys NotRequired: pydantic sends the
keys that are there and no others (a model would send the missing ones as null), and the OpenAPI
document lists them as not required.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
"""A moment in UTC as ISO 8601 with its offset, e.g. 2026-12-07T06:45:27.123456+00:00."""
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
"""A date, YYYY-MM-DD."""
Number = int | float  # a figure sent as computed: 3 stays 3, 0.75 stays 0.75


class Out(BaseModel):
    """Part of an answer."""


# -- meta ----------------------------------------------------------------------------------------------

class HealthOut(Out):
    status: Literal["ok"]


class RulesetRef(Out):
    name: str
    revision: str = Field(description="sha256 of the rules directory's files")


class VersionOut(Out):
    gongkai: str = Field(description="the service's version")
    ruleset: RulesetRef = Field(description="the rules in service")
    model: str | None = Field(description="the model's id (null: the rules alone)")
