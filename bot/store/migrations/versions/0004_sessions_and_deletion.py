"""Staff session version: signing out, disabling or a new password ends every session of the account.
A visitor's deletion request waiting for their crisis ticket to close.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("delete_requested_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("delete_requested_at")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("session_version")
