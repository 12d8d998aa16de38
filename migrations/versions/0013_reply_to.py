"""Messages carry a Reply-To: answers reach the dialogue's contact

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 01:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outgoing_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_to", sa.String(length=254), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("outgoing_messages", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
