"""Runs of the bulk import and the backfill, and their parts (issue 20): what makes them resumable.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import Json, UtcDateTime

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batch_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('identity', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('part_size', sa.Integer(), nullable=False),
    sa.Column('options', Json, nullable=False),
    sa.Column('started_at', UtcDateTime, nullable=False),
    sa.Column('finished_at', UtcDateTime, nullable=True),
    sa.Column('counts', Json, nullable=True),
    sa.CheckConstraint("kind IN ('import', 'backfill')", name=op.f('ck_batch_run_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_run'))
    )
    with op.batch_alter_table('batch_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_run_identity'), ['identity'], unique=False)
    op.create_table('batch_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('first', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('counts', Json, nullable=False),
    sa.Column('done_at', UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['batch_run.id'], name=op.f('fk_batch_part_run_id_batch_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_part')),
    sa.UniqueConstraint('run_id', 'part', name=op.f('uq_batch_part_run_id_part'))
    )
    with op.batch_alter_table('batch_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_part_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('batch_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_part_run_id'))
    op.drop_table('batch_part')
    with op.batch_alter_table('batch_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_run_identity'))
    op.drop_table('batch_run')
