"""Letters and receipts of public applications (issue 17; applications.md §1.8, §2, §4.2): the 申请登记回执,
every notice (补正, 延期, 征求意见, 收费…) and every answer (Art. 36 (1)–(7), 37, 38, 30, 39, 35), rendered from
templates legal staff edit without code (data/letters/, GONGKAI_LETTERS) to DOCX and to printable HTML.

    letter = render("withheld", values, settings)   # MissingElements names what is missing
    to_docx(letter), to_html(letter)                # one content, two layouts

The letter's values are plain (a dict of texts, dates, flags and lists): this package does not read the
database, so the application's own module passes what it has.
"""

from api.letters.docx_writer import to_docx
from api.letters.elements import Missing, MissingElements
from api.letters.html_writer import to_html
from api.letters.render import Letter, answer_kind, render, required, templates_at
from api.letters.templates import TemplateError, Templates, load

__all__ = ["Letter", "Missing", "MissingElements", "TemplateError", "Templates", "answer_kind", "load", "render",
           "required", "templates_at", "to_docx", "to_html"]
