"""The annual report's page for the disclosure office (issue 18): the report in the national layout with its
checks marked on the cells, the narrative and the entered cells to edit, corrections with their reason, and
submission."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
