"""Letters issued on an application (applications.md §2): issue one from the case, list them, each as JSON, DOCX or printable HTML."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["applications"])
