"""Index for the registrant list

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 02:02:45.212964
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrations_dialogue_created", ["dialogue_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_dialogue_created")
