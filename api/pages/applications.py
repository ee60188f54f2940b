"""The application pages (依申请公开): the list by deadline and the case page."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
