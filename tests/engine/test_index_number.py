"""索引号 templates: round trip, and templates that could repeat numbers are refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.workflow.index_number import (
    DEFAULT_TEMPLATE,
    IndexTemplateError,
    check_template,
    format_index_number,
    parse_index_number,
)

TEMPLATES = [DEFAULT_TEMPLATE, "{agency}-{year}-{serial:06d}", "GK{year}{serial:04d}/{agency}"]


@given(template=st.sampled_from(TEMPLATES), agency=st.from_regex(r"[0-9A-Z]{1,12}", fullmatch=True),
       year=st.integers(2000, 2100), serial=st.integers(1, 99_999))
def test_parse_inverts_format(template: str, agency: str, year: int, serial: int) -> None:
    number = format_index_number(template, agency=agency, year=year, serial=serial)
    assert parse_index_number(template, number) == {"agency": agency, "year": year, "serial": serial}


@pytest.mark.parametrize("template, problem", [
    ("{agency}/{serial}", "lacks ['year']"),
    ("{agency}/{year}", "lacks ['serial']"),
    ("{agency}/{year}-{serial}-{column}", "unknown field(s) ['column']"),
    ("{agency}/{year-{serial}", "index number template"),
])
def test_templates_that_cannot_give_unique_numbers_are_refused(template: str, problem: str) -> None:
    with pytest.raises(IndexTemplateError, match=re.escape(problem)):
        check_template(template)


def test_settings_refuse_a_bad_template() -> None:
    from pydantic import ValidationError

    from api.settings import Settings

    with pytest.raises(ValidationError, match="lacks"):
        Settings(index_template="{agency}")
