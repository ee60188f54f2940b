"""The model registry (issue 19): every trained model the service has held, and which one it serves.

A model is held whole in the database, its two files as `gongkai train` wrote them (model.npz: arrays only,
loaded without pickle; metadata.json: what it learnt from and how good it was found), so that every worker of
every machine serves the same one, and any past one can be served again (rollback) or compared. Like the rule
sets (tables.RuleSetRow, RuleActivationRow): versions are written once, activations appended, the latest
activation is the model in service.

The files are as sensitive as the database they may have been trained from (a model trained on reviewers'
decisions has read the documents): the API never serves them, only their metadata's figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Json, UtcDateTime, utc_now

MODEL_ACTIONS = ("start", "activate", "rollback")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ModelVersionRow(Base):
    """One trained model: its id (engine/classifier/build.py: time and data hash), its files, who registered it."""

    __tablename__ = "model_version"

    model_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of model.npz: what was validated is what is served
    # Deferred: ~1 MB of arrays and ~100 KB of figures, read only to load the model or show its figures, never by
    # the look-ups (does this id exist, which sha256) that every start and validation makes.
    npz: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    model_metadata: Mapped[dict[str, Any]] = mapped_column(Json, deferred=True)
    source: Mapped[str] = mapped_column(String(200))  # a directory, or the database its decisions came from
    trained_until: Mapped[str | None] = mapped_column(String(40))  # the last decision learnt from (ISO), if any
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class ModelActivationRow(Base):
    """From this moment the service serves this model: who, when, how, why, and the validation it passed
    (activate), none for a start or a rollback. Append-only; the latest row is the model in service."""

    __tablename__ = "model_activation"
    __table_args__ = (CheckConstraint(_in("action", MODEL_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("model_version.model_id"), index=True)
    previous: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    validation: Mapped[dict[str, Any] | None] = mapped_column(Json)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
