"""rule_hit: one row per rule that fired for a version (the accuracy report's index), filled from the
stored suggestions of the versions already there; and an index covering the reports' read of versions.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from models import guards
from models.base import Json

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None
BATCH = 2_000


def upgrade() -> None:
    op.create_table(
        'rule_hit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('version_number', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.String(length=200), nullable=False),
        sa.Column('mode', sa.String(length=16), nullable=True),
        sa.Column('outcome', Json, nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['item_version.id'], name=op.f('fk_rule_hit_version_id_item_version')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_hit')),
    )
    with op.batch_alter_table('rule_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_hit_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rule_hit_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rule_hit_version_id'), ['version_id'], unique=False)
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.create_index('ix_item_version_report',
                              ['item_id', 'number', 'ruleset_revision', 'model_id', 'received_at'], unique=False)
    _backfill(op.get_bind())
    for statement in guards.create_statements(op.get_bind().dialect.name, guards.RULE_HITS):
        op.execute(statement)


def _backfill(connection: sa.Connection) -> None:
    """The hits of every version already stored, read from its suggestion in batches by id."""
    version = sa.table('item_version', sa.column('id'), sa.column('item_id'), sa.column('number'),
                       sa.column('suggestion', Json))
    hit = sa.table('rule_hit', sa.column('version_id'), sa.column('item_id'), sa.column('version_number'),
                   sa.column('rule_id'), sa.column('mode'), sa.column('outcome', Json))
    last = 0
    while True:
        rows = connection.execute(sa.select(version).where(version.c.id > last).order_by(version.c.id)
                                  .limit(BATCH)).all()
        if not rows:
            return
        values = []
        for row in rows:
            suggestion = row.suggestion if isinstance(row.suggestion, dict) else json.loads(row.suggestion or "{}")
            values += [{"version_id": row.id, "item_id": row.item_id, "version_number": row.number,
                        "rule_id": h["id"], "mode": h.get("mode"), "outcome": h.get("outcome") or {}}
                       for h in suggestion.get("hits", ())]
        if values:
            connection.execute(sa.insert(hit), values)
        last = rows[-1].id


def downgrade() -> None:
    for statement in guards.drop_statements(op.get_bind().dialect.name, guards.RULE_HITS, function=False):
        op.execute(statement)
    with op.batch_alter_table('rule_hit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_hit_version_id'))
        batch_op.drop_index(batch_op.f('ix_rule_hit_rule_id'))
        batch_op.drop_index(batch_op.f('ix_rule_hit_item_id'))
    op.drop_table('rule_hit')
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.drop_index('ix_item_version_report')
