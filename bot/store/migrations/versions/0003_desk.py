"""The busy desk: private notes, saved replies, read marks; a role line for staff.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("role_line", sa.String(80), nullable=True))
    op.create_table(
        "staff_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE", name="fk_staff_notes_conversation_id_conversations"),
            nullable=False,
        ),
        sa.Column("staff_username", sa.String(64), nullable=False),
        sa.Column("staff_name", sa.String(120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_staff_notes_conversation_id_id", "staff_notes", ["conversation_id", "id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("title", name="uq_canned_replies_title"),
    )
    op.create_table(
        "conversation_reads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_username", sa.String(64), nullable=False),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey(
                "conversations.id", ondelete="CASCADE", name="fk_conversation_reads_conversation_id_conversations"
            ),
            nullable=False,
        ),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("staff_username", "conversation_id", name="uq_conversation_reads_staff_conversation"),
    )


def downgrade() -> None:
    op.drop_table("conversation_reads")
    op.drop_table("canned_replies")
    op.drop_index("ix_staff_notes_conversation_id_id", table_name="staff_notes")
    op.drop_table("staff_notes")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("role_line")
