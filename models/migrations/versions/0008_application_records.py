"""The records around an application (issue 17): linked items, suggested outcomes, letters issued, redacted
copies (条例第三十七条), 行政复议 / 行政诉讼 cases (Table 四), 条例第四十四条 suggestions to publish; the application's
events, suggestions and letters made append-only (models/guards.py APPLICATION_RECORDS).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models import guards
from models.base import Json, UtcDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('application_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('linked_by', sa.String(length=100), nullable=False),
    sa.Column('linked_at', UtcDateTime, nullable=False),
    sa.CheckConstraint("source IN ('suggestion', 'handler')", name=op.f('ck_application_item_source')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_item_application_id_application')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_application_item_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_item')),
    sa.UniqueConstraint('application_id', 'item_id', name=op.f('uq_application_item_application_id_item_id'))
    )
    op.create_index(op.f('ix_application_item_application_id'), 'application_item', ['application_id'], unique=False)
    op.create_index(op.f('ix_application_item_item_id'), 'application_item', ['item_id'], unique=False)
    op.create_table('application_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=True),
    sa.Column('serial', sa.Integer(), nullable=True),
    sa.Column('elements', Json, nullable=False),
    sa.Column('letter', Json, nullable=False),
    sa.Column('event_seq', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_letter_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_application_letter_number'))
    )
    op.create_index(op.f('ix_application_letter_application_id'), 'application_letter', ['application_id'], unique=False)
    op.create_table('application_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('item_version', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('original_text', sa.Text(), nullable=False),
    sa.Column('redaction', Json, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('released_text', sa.Text(), nullable=True),
    sa.Column('confirmed_by', sa.String(length=100), nullable=True),
    sa.Column('confirmed_at', UtcDateTime, nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'confirmed') = (released_text IS NOT NULL AND confirmed_by IS NOT NULL AND confirmed_at IS NOT NULL)", name=op.f('ck_application_release_released_when_confirmed')),
    sa.CheckConstraint("purpose IN ('application', 'publication')", name=op.f('ck_application_release_purpose')),
    sa.CheckConstraint("status IN ('proposed', 'confirmed')", name=op.f('ck_application_release_status')),
    sa.CheckConstraint('application_id IS NOT NULL OR item_id IS NOT NULL', name=op.f('ck_application_release_of_something')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_release_application_id_application')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_application_release_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_release'))
    )
    op.create_index(op.f('ix_application_release_application_id'), 'application_release', ['application_id'], unique=False)
    op.create_index(op.f('ix_application_release_item_id'), 'application_release', ['item_id'], unique=False)
    op.create_table('application_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=48), nullable=True),
    sa.Column('details', Json, nullable=False),
    sa.Column('ruleset', sa.String(length=80), nullable=True),
    sa.Column('engine_version', sa.String(length=40), nullable=False),
    sa.Column('made_by', sa.String(length=100), nullable=False),
    sa.Column('made_at', UtcDateTime, nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('disclosed.already_public', 'disclosed', 'partial', 'withheld.state_secret', 'withheld.law_prohibited', 'withheld.security_stability', 'withheld.third_party', 'withheld.internal_affairs', 'withheld.process_info', 'withheld.enforcement_case', 'withheld.administrative_query', 'cannot_provide.not_held', 'cannot_provide.not_responsible', 'cannot_provide.needs_creation', 'cannot_provide.still_unclear', 'not_processed.petition', 'not_processed.repeat', 'not_processed.publication', 'not_processed.excessive', 'not_processed.confirm_or_reissue', 'other.no_correction', 'other.fee_unpaid', 'other.other')", name=op.f('ck_application_suggestion_outcome')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_suggestion_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_suggestion'))
    )
    op.create_index(op.f('ix_application_suggestion_application_id'), 'application_suggestion', ['application_id'], unique=False)
    op.create_table('publication_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('applicants', sa.Integer(), nullable=False),
    sa.Column('application_ids', Json, nullable=False),
    sa.Column('first_on', sa.Date(), nullable=False),
    sa.Column('last_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sent_to_review', sa.Boolean(), nullable=False),
    sa.Column('made_at', UtcDateTime, nullable=False),
    sa.CheckConstraint("status IN ('open', 'published', 'declined')", name=op.f('ck_publication_suggestion_status')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_publication_suggestion_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_suggestion'))
    )
    op.create_index(op.f('ix_publication_suggestion_item_id'), 'publication_suggestion', ['item_id'], unique=False)
    op.create_table('review_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('case_number', sa.String(length=100), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('reconsideration_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('decision', sa.String(length=200), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')", name=op.f('ck_review_case_kind')),
    sa.CheckConstraint("result IS NULL OR result IN ('maintained', 'corrected', 'other')", name=op.f('ck_review_case_result')),
    sa.CheckConstraint('(result IS NULL) = (concluded_on IS NULL)', name=op.f('ck_review_case_concluded_with_result')),
    sa.CheckConstraint('concluded_on IS NULL OR concluded_on >= filed_on', name=op.f('ck_review_case_concluded_after_filed')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_review_case_application_id_application')),
    sa.ForeignKeyConstraint(['reconsideration_id'], ['review_case.id'], name=op.f('fk_review_case_reconsideration_id_review_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_case')),
    sa.UniqueConstraint('agency', 'case_number', name=op.f('uq_review_case_agency_case_number'))
    )
    op.create_index(op.f('ix_review_case_application_id'), 'review_case', ['application_id'], unique=False)
    op.create_index(op.f('ix_review_case_concluded_on'), 'review_case', ['concluded_on'], unique=False)
    op.create_index(op.f('ix_review_case_filed_on'), 'review_case', ['filed_on'], unique=False)

    for statement in guards.create_statements(op.get_bind().dialect.name, guards.APPLICATION_RECORDS):
        op.execute(statement)


def downgrade() -> None:
    for statement in guards.drop_statements(op.get_bind().dialect.name, guards.APPLICATION_RECORDS, function=False):
        op.execute(statement)
    op.drop_index(op.f('ix_review_case_filed_on'), table_name='review_case')
    op.drop_index(op.f('ix_review_case_concluded_on'), table_name='review_case')
    op.drop_index(op.f('ix_review_case_application_id'), table_name='review_case')
    op.drop_table('review_case')
    op.drop_index(op.f('ix_publication_suggestion_item_id'), table_name='publication_suggestion')
    op.drop_table('publication_suggestion')
    op.drop_index(op.f('ix_application_suggestion_application_id'), table_name='application_suggestion')
    op.drop_table('application_suggestion')
    op.drop_index(op.f('ix_application_release_item_id'), table_name='application_release')
    op.drop_index(op.f('ix_application_release_application_id'), table_name='application_release')
    op.drop_table('application_release')
    op.drop_index(op.f('ix_application_letter_application_id'), table_name='application_letter')
    op.drop_table('application_letter')
    op.drop_index(op.f('ix_application_item_item_id'), table_name='application_item')
    op.drop_index(op.f('ix_application_item_application_id'), table_name='application_item')
    op.drop_table('application_item')
