"""Domain errors raised by the use cases (no FastAPI here); api/problems.py turns them into responses."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ServiceError):
    status, title = 404, "Not found"


class Forbidden(ServiceError):
    status, title = 403, "Forbidden"


class Conflict(ServiceError):
    """Someone else acted first, or the item is not at this stage; the response carries the current item
    and what was submitted, so nothing the reviewer entered is lost."""

    status, title = 409, "Conflict"


class Invalid(ServiceError):
    status, title = 422, "Unprocessable content"
