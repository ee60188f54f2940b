"""rule_set and rule_activation: every rule set the service has served, with its files, and every
activation (start, activate, rollback) with who and when; both append-only.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import guards
from models.base import Json, UtcDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rule_set',
        sa.Column('revision', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('rules', sa.Integer(), nullable=False),
        sa.Column('files', Json, nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint('revision', name=op.f('pk_rule_set')),
    )
    op.create_table(
        'rule_activation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.String(length=64), nullable=False),
        sa.Column('previous', sa.String(length=64), nullable=True),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('at', UtcDateTime, nullable=False),
        sa.CheckConstraint("action IN ('start', 'activate', 'rollback')", name=op.f('ck_rule_activation_action')),
        sa.ForeignKeyConstraint(['revision'], ['rule_set.revision'], name=op.f('fk_rule_activation_revision_rule_set')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_activation')),
    )
    with op.batch_alter_table('rule_activation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_activation_revision'), ['revision'], unique=False)
    for statement in guards.create_statements(op.get_bind().dialect.name, guards.RULE_REVISIONS):
        op.execute(statement)


def downgrade() -> None:
    for statement in guards.drop_statements(op.get_bind().dialect.name, guards.RULE_REVISIONS, function=False):
        op.execute(statement)
    with op.batch_alter_table('rule_activation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_activation_revision'))
    op.drop_table('rule_activation')
    op.drop_table('rule_set')
