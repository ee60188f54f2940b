"""The annual report (issue 18): which catalog items are 规章 or 行政规范性文件 and whether they are in force
(Table 二), and each year's report with its narrative, entered cells and corrections.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import Json, UtcDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('sections', Json, nullable=False),
    sa.Column('manual', Json, nullable=False),
    sa.Column('corrections', Json, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('frozen', Json, nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=True),
    sa.Column('submitted_at', UtcDateTime, nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_annual_report_status')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_annual_report_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('agency', 'year', name=op.f('uq_annual_report_agency_year'))
    )
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_report_year'), ['year'], unique=False)

    op.create_table('catalog_instrument',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('validity', sa.String(length=16), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(validity = 'in_force') = (ended_on IS NULL)", name=op.f('ck_catalog_instrument_ended_when_not_in_force')),
    sa.CheckConstraint("instrument IN ('regulations', 'normative_documents')", name=op.f('ck_catalog_instrument_instrument')),
    sa.CheckConstraint("validity IN ('in_force', 'expired', 'repealed')", name=op.f('ck_catalog_instrument_validity')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= issued_on', name=op.f('ck_catalog_instrument_ended_after_issued')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_catalog_instrument_item_id_item')),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_catalog_instrument'))
    )
    with op.batch_alter_table('catalog_instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_instrument_ended_on'), ['ended_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_instrument_issued_on'), ['issued_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('catalog_instrument', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_instrument_issued_on'))
        batch_op.drop_index(batch_op.f('ix_catalog_instrument_ended_on'))

    op.drop_table('catalog_instrument')
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_report_year'))

    op.drop_table('annual_report')
