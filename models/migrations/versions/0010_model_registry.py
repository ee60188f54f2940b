"""The model registry (issue 19): trained models held whole, and which one is served.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import Json, UtcDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('model_version',
    sa.Column('model_id', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('npz', sa.LargeBinary(), nullable=False),
    sa.Column('model_metadata', Json, nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('trained_until', sa.String(length=40), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint('model_id', name=op.f('pk_model_version'))
    )
    op.create_table('model_activation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.String(length=64), nullable=False),
    sa.Column('previous', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('validation', Json, nullable=True),
    sa.Column('at', UtcDateTime, nullable=False),
    sa.CheckConstraint("action IN ('start', 'activate', 'rollback')", name=op.f('ck_model_activation_action')),
    sa.ForeignKeyConstraint(['model_id'], ['model_version.model_id'], name=op.f('fk_model_activation_model_id_model_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_activation'))
    )
    with op.batch_alter_table('model_activation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_activation_model_id'), ['model_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('model_activation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_activation_model_id'))
    op.drop_table('model_activation')
    op.drop_table('model_version')
