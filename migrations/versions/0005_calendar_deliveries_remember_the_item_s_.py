"""Calendar deliveries remember the item's sequence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 02:51:57.442234
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("item_sequence", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_deliveries", schema=None) as batch_op:
        batch_op.drop_column("item_sequence")
