"""索引号: the catalog's index number, formatted from a configurable template.

The template is a Python format string over `agency` (the agency's code), `year` (the year the
information was formed) and `serial` (gapless within agency and year, allocated by the service);
the default gives the common form 机关代码/年份-流水号, e.g. 11010000/2025-00017.
"""

from __future__ import annotations

import re
import string

DEFAULT_TEMPLATE = "{agency}/{year}-{serial:05d}"
FIELDS = frozenset({"agency", "year", "serial"})


class IndexTemplateError(ValueError):
    pass


def check_template(template: str) -> None:
    """Refuse a template that cannot give unique numbers (one without year or serial) or names unknown fields."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise IndexTemplateError(f"index number template {template!r}: {exc}") from None
    unknown = names - FIELDS
    if unknown:
        raise IndexTemplateError(f"index number template {template!r}: unknown field(s) {sorted(unknown)}; "
                                 f"use {sorted(FIELDS)}")
    missing = {"year", "serial"} - names
    if missing:
        raise IndexTemplateError(f"index number template {template!r} lacks {sorted(missing)}: numbers would repeat")


def format_index_number(template: str, *, agency: str, year: int, serial: int) -> str:
    """Examples:
        >>> format_index_number(DEFAULT_TEMPLATE, agency="11010000", year=2025, serial=17)
        '11010000/2025-00017'
    """
    return template.format(agency=agency, year=year, serial=serial)


def parse_index_number(template: str, number: str) -> dict[str, str | int]:
    """The fields of a formatted number (the inverse of format_index_number).

    Examples:
        >>> parse_index_number(DEFAULT_TEMPLATE, "11010000/2025-00017")
        {'agency': '11010000', 'year': 2025, 'serial': 17}
    """
    pattern = ""
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if name is not None:
            pattern += {"year": r"(?P<year>\d{4})", "serial": r"(?P<serial>\d+)"}.get(name, f"(?P<{name}>.+?)")
    match = re.fullmatch(pattern, number)
    if match is None:
        raise ValueError(f"{number!r} does not have the form {template!r}")
    return {k: int(v) if k in ("year", "serial") else v for k, v in match.groupdict().items()}
