"""How a redacted copy is shown: the release under review (spans, proposed masks, decisions, history, the
preview) and the released copy as JSON, printable HTML or DOCX."""

from __future__ import annotations

import html
import io
import re
from typing import Any

from docx import Document
from docx.shared import Pt
from sqlalchemy.orm import Session

from api.applications.releases import stale
from engine.applications.redaction_mask import mask_text, render
from engine.applications.redaction_records import redaction_from_dict, span_from_dict
from models.application_records import ReleaseRow
from models.tables import ItemRow

# Characters XML 1.0 cannot hold: python-docx refuses them, so they print as U+FFFD (visible, not lost).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _stamp(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def release_view(session: Session, row: ReleaseRow) -> dict[str, Any]:
    """The release as the handler reviews it. `preview` masks the decided spans as decided and the undecided
    ones as proposed: what would leave if every open span were accepted now."""
    redaction = redaction_from_dict(row.redaction)
    record = row.redaction
    spans = []
    for entry in record["spans"]:
        span = span_from_dict(entry)
        shown = {k: entry[k] for k in ("index", "start", "end", "text", "kind", "label", "confidence", "reason",
                                       "source", "decision")}
        spans.append({**shown, "proposed_mask": render(span.text, span.kind, redaction.style_of(span.kind),
                                                       redaction.mask)})
    undecided = redaction.undecided()
    masked = redaction.masked_spans() + [redaction.spans[i] for i in undecided]
    item = session.get(ItemRow, row.item_id) if row.item_id is not None else None
    released = record.get("released") or {}
    return {
        "id": row.id, "purpose": row.purpose, "application_id": row.application_id, "item_id": row.item_id,
        "item_version": row.item_version, "current_version": item.current_version if item is not None else None,
        "stale": row.status != "confirmed" and stale(session, row), "status": row.status,
        "lock_version": row.lock_version, "original_sha256": row.original_sha256, "original_text": row.original_text,
        "spans": spans, "undecided": undecided, "history": record["history"],
        "preview": mask_text(row.original_text, masked, dict(redaction.styles), redaction.mask).text,
        "released_sha256": released.get("released_sha256"), "confirmed_by": row.confirmed_by,
        "confirmed_at": _stamp(row.confirmed_at), "created_by": row.created_by, "created_at": _stamp(row.created_at),
    }


def copy_view(row: ReleaseRow) -> dict[str, Any]:
    """The released copy: its text and where (never what) was masked; only for a confirmed release."""
    released = row.redaction["released"]
    return {"release_id": row.id, "purpose": row.purpose, "application_id": row.application_id,
            "item_id": row.item_id, "item_version": row.item_version, "text": row.released_text,
            "original_sha256": released["original_sha256"], "released_sha256": released["released_sha256"],
            "confirmed_by": released["confirmed_by"], "confirmed_at": released["confirmed_at"],
            "masked": released["masked"], "regions": released["regions"]}


def _title(row: ReleaseRow) -> str:
    what = "公开件" if row.purpose == "publication" else "答复附件"
    return f"（区分处理）{what}：信息 {row.item_id} 第 {row.item_version} 版"


def copy_html(row: ReleaseRow) -> str:
    """A printable page of the copy: its text as written, the masks as they read, nothing of the original."""
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in (row.released_text or "").splitlines())
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(_title(row))}</title></head><body>\n<h1>{html.escape(_title(row))}</h1>\n"
            f"{paragraphs}\n<p class=\"note\">依据《中华人民共和国政府信息公开条例》第三十七条区分处理，"
            f"已隐去部分内容。</p>\n</body></html>\n")


def copy_docx(row: ReleaseRow) -> bytes:
    """The copy as a Word document: a title, one paragraph per line of the copy, the note on what was done."""
    document = Document()
    document.add_heading(NOT_XML.sub("\ufffd", _title(row)), level=1)
    for line in (row.released_text or "").splitlines():
        paragraph = document.add_paragraph()
        paragraph.add_run(NOT_XML.sub("\ufffd", line)).font.size = Pt(16)
    document.add_paragraph("依据《中华人民共和国政府信息公开条例》第三十七条区分处理，已隐去部分内容。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
