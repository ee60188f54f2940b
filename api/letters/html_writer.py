"""A rendered letter (render.Letter) as one printable HTML page (A4), from api/templates/letters/.

Every value is autoescaped: a letter carries the applicant's own words (name, the description of what
was asked for), which must print as text and never run as markup. The page has no script and no external
address (an intranet has no internet); its print CSS is in its own <style>, which a caller serving it
allows by hash as the 办文单 does (api/headers.page_policy).
"""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined

from api.letters.render import Letter

TEMPLATE = "letters/letter.html.j2"


def to_html(letter: Letter) -> str:
    """The letter as a self-contained HTML page to print on A4."""
    return _environment().get_template(TEMPLATE).render(letter=letter)


@functools.cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("api", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)
