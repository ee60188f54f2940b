"""Ownership of items, what readers may search, the version the website published, and expiry of
tokens (issue 14).

item.owner: the account (token holder name) that first pushed or entered the item; a later push or entry
of the same id from another account or division is refused. Items stored before this migration take the
account that received their first version.
item.suggested_secrecy: the secrecy suggested for the current version, a column so that searches,
filters and counts can leave out what a caller may not read in SQL (api/access/visibility.py); filled from each
item's current suggestion.
feed_entry.version: the version a publish entry put on the website; the feed serves that version's text
and nothing later (a new version is reviewed again before it is published).
api_token.expires_at: when a token stops working (set at creation); tokens issued before this migration
keep working until they are rotated or revoked (NULL: no expiry recorded).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy import bindparam, text

from models.base import UtcDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None
BATCH = 2_000


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('suggested_secrecy', sa.String(length=16), nullable=True))
    with op.batch_alter_table('feed_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
    op.execute("UPDATE item SET owner = (SELECT v.received_by FROM item_version v "
               "WHERE v.item_id = item.id AND v.number = 1)")
    # Publish entries already in the feed published the item's version current at the time; the
    # nearest record of it is the version current now (a later version withdraws it from here on).
    op.execute("UPDATE feed_entry SET version = (SELECT i.current_version FROM item i WHERE i.id = feed_entry.item_id)")
    _fill_suggested_secrecy()
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', UtcDateTime, nullable=True))


def _fill_suggested_secrecy() -> None:
    """Read in batches by id (a suggestion is ~10 KB of JSON; 100k of them do not fit in memory)."""
    bind = op.get_bind()
    update = text("UPDATE item SET suggested_secrecy = :level WHERE id = :id").bindparams(
        bindparam("level", type_=sa.String()), bindparam("id", type_=sa.Integer()))
    last = 0
    while True:
        rows = bind.execute(text(
            "SELECT i.id, v.suggestion FROM item i JOIN item_version v ON v.item_id = i.id "
            "AND v.number = i.current_version WHERE i.id > :last ORDER BY i.id LIMIT :batch"),
            {"last": last, "batch": BATCH}).all()
        if not rows:
            return
        values = []
        for item_id, suggestion in rows:
            data = json.loads(suggestion) if isinstance(suggestion, str) else (suggestion or {})
            level = ((data.get("suggestion") or {}).get("secrecy") or {}).get("value")
            values.append({"id": item_id, "level": level})
        bind.execute(update, values)
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('suggested_secrecy')
        batch_op.drop_column('owner')
    with op.batch_alter_table('feed_entry', schema=None) as batch_op:
        batch_op.drop_column('version')
