"""Conversations, messages and handoffs.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("channel", "address", name="uq_conversations_channel"),
        sa.CheckConstraint("mode IN ('bot', 'waiting', 'human', 'closed')", name="ck_conversations_mode"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(32),
                  sa.ForeignKey("conversations.id", ondelete="CASCADE",
                                name="fk_messages_conversation_id_conversations"),
                  nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("channel_message_id", sa.String(128), nullable=True),
        sa.Column("staff_name", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("channel", "channel_message_id", name="uq_messages_channel"),
        sa.CheckConstraint("author IN ('visitor', 'bot', 'staff', 'system')", name="ck_messages_author"),
    )
    op.create_index("ix_messages_conversation_id_id", "messages", ["conversation_id", "id"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(32),
                  sa.ForeignKey("conversations.id", ondelete="CASCADE",
                                name="fk_handoffs_conversation_id_conversations"),
                  nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("claimed_by", sa.String(120), nullable=True),
        sa.Column("callback_number", sa.String(40), nullable=True),
        sa.Column("callback_time", sa.String(200), nullable=True),
        sa.Column("crisis_lines_repeated", sa.Boolean(), nullable=False),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("priority IN ('normal', 'urgent', 'crisis')", name="ck_handoffs_priority"),
        sa.CheckConstraint("status IN ('open', 'claimed', 'resolved')", name="ck_handoffs_status"),
    )
    op.create_index("ix_handoffs_status_created_at", "handoffs", ["status", "created_at"])
    op.create_index("ix_handoffs_conversation_id", "handoffs", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("handoffs")
    op.drop_table("messages")
    op.drop_table("conversations")
