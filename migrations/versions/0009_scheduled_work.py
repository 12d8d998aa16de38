"""Work done by the clock: reminders, day-before schedules, the organisers' digest

Each dialogue gets a contact address and the settings of what is sent by the clock; each
invitation counts the reminders it was sent.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_email", sa.String(length=254), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("invitation_reminder_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("invitation_reminder_limit", sa.Integer(), server_default="2", nullable=False)
        )
        batch_op.add_column(sa.Column("closing_notice_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("day_before_schedule", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("pending_digest", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("pending_digest_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_sent", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("reminders_sent")
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        for column in (
            "pending_digest_at",
            "pending_digest",
            "day_before_schedule",
            "closing_notice_days",
            "invitation_reminder_limit",
            "invitation_reminder_days",
            "contact_email",
        ):
            batch_op.drop_column(column)
