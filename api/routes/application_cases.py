"""行政复议 and 行政诉讼 cases about the agency's disclosure work (Table 四): record, conclude, list."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["applications"])
