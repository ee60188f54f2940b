"""Public applications (依申请公开, issue 17): the application and its lifecycle's events.

application: receipt (channel, the records of 条例第三十一条, the receipt day and its basis, the confirmation
record), applicant and agent, the request, the handling division, status, outcome and its Table 三 row, the
answer clock's statutory and effective deadlines (denormalised, indexed), lock_version; reg_no unique per
agency. application_event: each accepted transition in order (seq), dated, attributed, with its facts.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import Json, UtcDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The closed lists as this migration wrote them (a later value needs a migration that rewrites the CHECK).
STATUSES = ("awaiting_confirmation", "registered", "answered_on_the_spot", "correction_requested",
            "reason_requested", "in_progress", "third_party_consultation", "interagency_consultation",
            "fee_notice_sent", "answer_draft", "answer_approved", "answered", "served", "closed", "archived")
OUTCOMES = ("disclosed.already_public", "disclosed", "partial", "withheld.state_secret", "withheld.law_prohibited",
            "withheld.security_stability", "withheld.third_party", "withheld.internal_affairs",
            "withheld.process_info", "withheld.enforcement_case", "withheld.administrative_query",
            "cannot_provide.not_held", "cannot_provide.not_responsible", "cannot_provide.needs_creation",
            "cannot_provide.still_unclear", "not_processed.petition", "not_processed.repeat",
            "not_processed.publication", "not_processed.excessive", "not_processed.confirm_or_reissue",
            "other.no_correction", "other.fee_unpaid", "other.other")
CHANNELS = ("in_person", "oral", "post_signed", "post_ordinary", "online", "email", "fax")
BASES = ("handed_in", "signed_for", "confirmed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        'application',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency', sa.String(length=40), nullable=False),
        sa.Column('reg_no', sa.String(length=40), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('submitted_at', UtcDateTime, nullable=True),
        sa.Column('arrived_on', sa.Date(), nullable=True),
        sa.Column('signed_for_on', sa.Date(), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('receipt_basis', sa.String(length=16), nullable=False),
        sa.Column('confirmed_at', UtcDateTime, nullable=True),
        sa.Column('confirmed_way', sa.String(length=50), nullable=True),
        sa.Column('confirmed_by', sa.String(length=100), nullable=True),
        sa.Column('applicant_kind', sa.String(length=16), nullable=False),
        sa.Column('org_subtype', sa.String(length=16), nullable=True),
        sa.Column('applicant', Json, nullable=False),
        sa.Column('agent', Json, nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('form_requested', sa.String(length=16), nullable=False),
        sa.Column('delivery', sa.String(length=16), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('handler_division', sa.String(length=100), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('outcome', sa.String(length=48), nullable=True),
        sa.Column('report_row', sa.String(length=16), nullable=True),
        sa.Column('concluded_on', sa.Date(), nullable=True),
        sa.Column('statutory_deadline', sa.Date(), nullable=True),
        sa.Column('effective_deadline', sa.Date(), nullable=True),
        sa.Column('deadline_provisional', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', UtcDateTime, nullable=False),
        sa.Column('lock_version', sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f('ck_application_status')),
        sa.CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name=op.f('ck_application_outcome')),
        sa.CheckConstraint(_in("channel", CHANNELS), name=op.f('ck_application_channel')),
        sa.CheckConstraint(_in("receipt_basis", BASES), name=op.f('ck_application_receipt_basis')),
        sa.CheckConstraint("(status = 'awaiting_confirmation' AND received_on IS NULL) OR "
                           "(status <> 'awaiting_confirmation' AND (received_on IS NOT NULL OR "
                           "status IN ('closed', 'archived')))", name=op.f('ck_application_received_when_registered')),
        sa.CheckConstraint("(outcome IS NULL) = (report_row IS NULL)", name=op.f('ck_application_outcome_has_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
        sa.UniqueConstraint('agency', 'reg_no', name=op.f('uq_application_agency_reg_no')),
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        for column in ('received_on', 'handler_division', 'status', 'concluded_on', 'effective_deadline'):
            batch_op.create_index(batch_op.f(f'ix_application_{column}'), [column], unique=False)
    op.create_table(
        'application_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('at', UtcDateTime, nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('why', sa.Text(), nullable=False),
        sa.Column('from_status', sa.String(length=32), nullable=True),
        sa.Column('to_status', sa.String(length=32), nullable=False),
        sa.Column('details', Json, nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'],
                                name=op.f('fk_application_event_application_id_application')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_event')),
        sa.UniqueConstraint('application_id', 'seq', name=op.f('uq_application_event_application_id_seq')),
    )
    with op.batch_alter_table('application_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_event_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('application_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_event_application_id'))
    op.drop_table('application_event')
    with op.batch_alter_table('application', schema=None) as batch_op:
        for column in ('received_on', 'handler_division', 'status', 'concluded_on', 'effective_deadline'):
            batch_op.drop_index(batch_op.f(f'ix_application_{column}'))
    op.drop_table('application')
