"""Who an applicant is, for counting: the same person or organisation across applications (按件计收's
month count, 《政府信息公开信息处理费管理办法》第五条; 条例第四十四条's distinct applicants; repeats, 第三十六条第（六）项).

The identity document's number when one was given (case and spaces ignored: 110101…123x = 110101…123X),
otherwise the name as written (spaces ignored). A natural person and an organisation never share a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def applicant_key(kind: str, applicant: Mapping[str, Any]) -> str:
    """A stable key for `applicant` (the stored applicant record) of `kind` (natural_person, legal_person)."""
    number = "".join(str(applicant.get("id_number") or "").split()).upper()
    if number:
        return f"{kind}:id:{number}"
    return f"{kind}:name:{''.join(str(applicant.get('name') or '').split())}"
