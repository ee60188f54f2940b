"""Which catalog items are 规章 or 行政规范性文件, when they were issued and whether they are in force (Table 二 of
the annual report, block 第二十条第（一）项): set, read and list (api/annual/instruments.py)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["annual report"])
