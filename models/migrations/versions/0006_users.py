"""People who sign in to the pages, and their sessions (issue 16).

app_user: name (unique), role (CHECK: the roles of api/access/roles.py), division, the argon2 password
hash, the failed attempts and lock of the sign-in lock-out, created and disabled timestamps.
web_session: a signed-in browser, stored as the SHA-256 of its cookie with its CSRF secret, last use and
idle expiry; sign-out deletes the row.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import UtcDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The roles as this migration wrote them (a later role needs a migration that rewrites the CHECK).
ROLES = ("document_system", "clerk", "secrecy_reviewer", "disclosure_reviewer", "office", "rule_author", "supervisor",
         "admin")


def upgrade() -> None:
    op.create_table(
        'app_user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('division', sa.String(length=100), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), nullable=False),
        sa.Column('locked_until', UtcDateTime, nullable=True),
        sa.Column('created_at', UtcDateTime, nullable=False),
        sa.Column('disabled_at', UtcDateTime, nullable=True),
        sa.CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name=op.f('ck_app_user_role')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
        sa.UniqueConstraint('name', name=op.f('uq_app_user_name')),
    )
    op.create_table(
        'web_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('csrf_secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', UtcDateTime, nullable=False),
        sa.Column('last_seen', UtcDateTime, nullable=False),
        sa.Column('expires_at', UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_web_session_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
        sa.UniqueConstraint('session_hash', name=op.f('uq_web_session_session_hash')),
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_user_id'))
    op.drop_table('web_session')
    op.drop_table('app_user')
