"""Redacted copies (条例第三十七条): propose from the detected personal data, decide span by span, confirm, release."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["applications"])
