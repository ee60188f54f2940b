"""A rendered letter (render.Letter) as DOCX, for offices that edit, print and seal it.

The layout follows 党政机关公文格式 (GB/T 9704-2012) as answer letters use it: A4, margins 37/35/28/26 mm,
the title centred in 二号 小标宋, the body in 三号 仿宋_GB2312 with a first-line indent of two characters,
the agency's name and the date right-aligned four characters from the margin, with room above them for
the seal, which GB/T 9704 presses down over both (so no "（印章）" is printed to show under it). Word draws Chinese text with the run's East Asian font
(w:rFonts/@w:eastAsia), which python-docx's `font.name` does not set: it is set here on every run and on
the Normal style, or Word would fall back to its Latin font's substitute.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from api.letters.render import Letter

TITLE_FONT = "方正小标宋简体"  # 小标宋, the title face of official documents
BODY_FONT = "仿宋_GB2312"
NUMBER_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)   # 三号
INDENT = Pt(32)      # two characters of 三号
RIGHT_SPACE = Pt(64)  # 右空四字: the date ends four characters from the right margin
LINE_SPACING = Pt(28)  # fixed, about 22 lines a page as GB/T 9704 asks
SEAL_SPACE = 3        # empty lines left for the seal above the agency's name
# Characters XML 1.0 cannot hold (control characters pasted into a web form): python-docx refuses them, so
# an applicant's stray \x0b would stop the letter; they print as U+FFFD instead, visible to the clerk.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def to_docx(letter: Letter) -> bytes:
    """The letter as the bytes of a .docx file."""
    document = Document()
    _page(document)
    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, letter.title, TITLE_FONT, TITLE_SIZE)
    if letter.number:
        _run(_paragraph(document, WD_ALIGN_PARAGRAPH.CENTER), letter.number, NUMBER_FONT, BODY_SIZE)
    _run(_paragraph(document), "", BODY_FONT, BODY_SIZE)  # a blank line under the title block
    _run(_paragraph(document), f"{letter.addressee}：", BODY_FONT, BODY_SIZE)
    for text in letter.paragraphs:
        _run(_paragraph(document, indent=True), text, BODY_FONT, BODY_SIZE)
    for _ in range(SEAL_SPACE):
        _run(_paragraph(document), "", BODY_FONT, BODY_SIZE)
    for text in (letter.agency, letter.date):
        signed = _paragraph(document, WD_ALIGN_PARAGRAPH.RIGHT)
        signed.paragraph_format.right_indent = RIGHT_SPACE
        _run(signed, text, BODY_FONT, BODY_SIZE)
    _run(_paragraph(document), "", BODY_FONT, BODY_SIZE)
    _run(_paragraph(document), f"（{letter.contact}）", BODY_FONT, BODY_SIZE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: DocxDocument) -> None:
    """A4 with GB/T 9704's margins; the Normal style in the body font, East Asian included."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _paragraph(document: DocxDocument, align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False) -> Paragraph:
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.line_spacing, layout.space_before, layout.space_after = LINE_SPACING, Pt(0), Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        layout.first_line_indent = INDENT
        # w:firstLineChars="200": two characters whatever the size, which is how Word itself writes it.
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
    return paragraph


def _run(paragraph: Paragraph, text: str, east_asian: str, size: Pt) -> Run:
    run = paragraph.add_run(NOT_XML.sub("\ufffd", text))
    run.font.name, run.font.size = LATIN_FONT, size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    return run
