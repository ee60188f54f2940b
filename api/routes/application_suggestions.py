"""The outcome the catalog and the application rules suggest for an application, recorded beside the handler's decision."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["applications"])
