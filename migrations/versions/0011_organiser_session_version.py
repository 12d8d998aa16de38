"""Organisers' sessions can all be ended at once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.drop_column("session_version")
