"""Staff accounts, audit log, sign-in throttling, corrections; intents on messages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("intent", sa.String(120), nullable=True))
        batch.add_column(sa.Column("intent_confidence", sa.Float(), nullable=True))
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("username", name="uq_staff_username"),
        sa.CheckConstraint("role IN ('staff', 'admin')", name="ck_staff_role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_conversation_id", "audit_log", ["conversation_id"])
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor", "at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sign_in_failures_username_at", "sign_in_failures", ["username", "at"])
    op.create_index("ix_sign_in_failures_ip_at", "sign_in_failures", ["ip", "at"])
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Integer(),
                  sa.ForeignKey("messages.id", ondelete="CASCADE", name="fk_corrections_message_id_messages"),
                  nullable=False),
        sa.Column("conversation_id", sa.String(32),
                  sa.ForeignKey("conversations.id", ondelete="CASCADE",
                                name="fk_corrections_conversation_id_conversations"),
                  nullable=False),
        sa.Column("intent", sa.String(120), nullable=False),
        sa.Column("new_topic", sa.Boolean(), nullable=False),
        sa.Column("staff_username", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("message_id", name="uq_corrections_message_id"),
    )
    op.create_index("ix_corrections_created_at", "corrections", ["created_at"])


def downgrade() -> None:
    op.drop_table("corrections")
    op.drop_table("sign_in_failures")
    op.drop_table("audit_log")
    op.drop_table("staff")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("intent_confidence")
        batch.drop_column("intent")
