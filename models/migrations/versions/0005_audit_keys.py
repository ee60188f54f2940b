"""The keyed audit log: an HMAC on each event, the rows an event records, and a keyed checkpoint.

audit_event.mac: HMAC-SHA256 of the event's hash with the audit key (kept outside the database,
api/audit_key.py); NULL on the events already stored, which `gongkai audit verify` reports as
predating the keyed chain (they are still checked by their SHA-256 chain, and the first keyed event
links to the last of them, so they cannot be rewritten either without breaking a MAC).
audit_event.covers: the digest of the review or document version an event records.
audit_checkpoint: the log's head (seq, hash, at) with its HMAC, one row rewritten by every append;
a trigger refuses DELETE. It is made by the first append after this migration (the migration has no
key), so it starts empty.

Columns are added with plain ALTER TABLE, not batch mode: rebuilding audit_event on SQLite would drop
its append-only triggers.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import guards
from models.base import Json, UtcDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audit_event', sa.Column('covers', Json, nullable=True))
    op.add_column('audit_event', sa.Column('mac', sa.String(length=64), nullable=True))
    op.create_table(
        'audit_checkpoint',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('at', UtcDateTime, nullable=False),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('origin', Json, nullable=False),
        sa.Column('origin_mac', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_checkpoint_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint')),
    )
    for statement in guards.never_deleted_statements(op.get_bind().dialect.name, guards.NEVER_DELETED):
        op.execute(statement)


def downgrade() -> None:
    for statement in guards.drop_statements(op.get_bind().dialect.name, guards.NEVER_DELETED):
        op.execute(statement)
    op.drop_table('audit_checkpoint')
    op.drop_column('audit_event', 'mac')
    op.drop_column('audit_event', 'covers')
