"""The audit chain's single appender (issue 20): events numbered without a lock, linked by one appender.

Revision ID: 0011
Revises: 0010

- `audit_link` (append-only, guarded): the chain's positions after the events chained in place before 0011;
- `audit_queue`: events committed and not yet linked (models/audit/appender.py deletes a row when it links it);
- events are numbered from PostgreSQL's sequence `audit_event_seq` (on SQLite the "audit_event" counter),
  starting after the last event written before, so that numbers never repeat.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import guards

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_link',
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_seq', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_audit_link')),
    sa.UniqueConstraint('event_seq', name=op.f('uq_audit_link_event_seq')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_link_hash'))
    )
    op.create_table('audit_queue',
    sa.Column('event_seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('event_seq', name=op.f('pk_audit_queue'))
    )
    bind = op.get_bind()
    for statement in guards.create_statements(bind.dialect.name, guards.AUDIT_LINKS):
        op.execute(statement)
    last = bind.execute(sa.text("SELECT coalesce(max(seq), 0) FROM audit_event")).scalar_one()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE audit_event_seq")
        if last:
            op.execute(f"SELECT setval('audit_event_seq', {int(last)})")
    else:
        op.execute(f"INSERT INTO counter (name, value) VALUES ('audit_event', {int(last)})")


def downgrade() -> None:
    bind = op.get_bind()
    for statement in guards.drop_statements(bind.dialect.name, guards.AUDIT_LINKS, function=False):
        op.execute(statement)
    op.drop_table('audit_queue')
    op.drop_table('audit_link')
    if bind.dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS audit_event_seq")
    else:
        op.execute("DELETE FROM counter WHERE name = 'audit_event'")
