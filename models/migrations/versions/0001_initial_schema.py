"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base
from models import guards

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('division', sa.String(length=100), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_item_id'), ['item_id'], unique=False)

    op.create_table('counter',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counter'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=False),
    sa.Column('division', sa.String(length=100), nullable=True),
    sa.Column('agency', sa.String(length=200), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_warnings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('marking', sa.String(length=16), nullable=False),
    sa.Column('marked', sa.Boolean(), nullable=False),
    sa.Column('risk', sa.Float(), nullable=False),
    sa.Column('secrecy', sa.String(length=16), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('exemption', sa.String(length=32), nullable=True),
    sa.Column('column', sa.String(length=32), nullable=True),
    sa.Column('store', sa.String(length=32), nullable=True),
    sa.Column('index_number', sa.String(length=64), nullable=True),
    sa.Column('routed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('changed_after_review', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(store IS NULL) = (status <> 'routed')", name=op.f('ck_item_routed_has_store')),
    sa.CheckConstraint("status = 'secrecy_review' OR secrecy IS NOT NULL", name=op.f('ck_item_secrecy_before_disclosure')),
    sa.CheckConstraint("status IN ('secrecy_review', 'disclosure_review', 'routed')", name=op.f('ck_item_status')),
    sa.CheckConstraint("store IS NULL OR store <> 'proactive' OR (secrecy = 'none' AND marked = false)", name=op.f('ck_item_proactive_unclassified')),
    sa.CheckConstraint("store IS NULL OR store IN ('proactive', 'on_request', 'withheld', 'not_government_info')", name=op.f('ck_item_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('index_number', name=op.f('uq_item_index_number')),
    sa.UniqueConstraint('origin', 'source_id', name=op.f('uq_item_origin_source_id'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_division'), ['division'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_store'), ['store'], unique=False)

    op.create_table('feed_entry',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_feed_entry_item_id_item')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_feed_entry'))
    )
    with op.batch_alter_table('feed_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_entry_item_id'), ['item_id'], unique=False)

    op.create_table('item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('suggestion', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ruleset_revision', sa.String(length=64), nullable=False),
    sa.Column('model_id', sa.String(length=64), nullable=True),
    sa.Column('received_by', sa.String(length=100), nullable=False),
    sa.Column('received_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_version_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_version')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_item_version_item_id_number'))
    )
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_version_item_id'), ['item_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('suggested', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decided', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('changed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('leader_instruction', sa.Text(), nullable=True),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stage IN ('secrecy_review', 'disclosure_review')", name=op.f('ck_review_stage')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_review_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_item_id'), ['item_id'], unique=False)


    # Append-only tables: UPDATE and DELETE refused by the database itself (models/guards.py).
    for statement in guards.create_statements(op.get_bind().dialect.name):
        op.execute(statement)

def downgrade() -> None:
    for statement in guards.drop_statements(op.get_bind().dialect.name, guards.FIRST):
        op.execute(statement)
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_item_id'))

    op.drop_table('review')
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_version_item_id'))

    op.drop_table('item_version')
    with op.batch_alter_table('feed_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_entry_item_id'))

    op.drop_table('feed_entry')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_store'))
        batch_op.drop_index(batch_op.f('ix_item_status'))
        batch_op.drop_index(batch_op.f('ix_item_due_on'))
        batch_op.drop_index(batch_op.f('ix_item_division'))
        batch_op.drop_index(batch_op.f('ix_item_created_at'))
        batch_op.drop_index(batch_op.f('ix_item_closed_on'))

    op.drop_table('item')
    op.drop_table('counter')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_item_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    op.drop_table('api_token')
