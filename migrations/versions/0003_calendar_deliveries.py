"""Calendar deliveries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 01:34:45.393710
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("item_uid", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_calendar_deliveries_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_deliveries")),
        sa.UniqueConstraint(
            "registration_id",
            "item_uid",
            name=op.f("uq_calendar_deliveries_registration_id_item_uid"),
        ),
    )
    with op.batch_alter_table("calendar_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_deliveries_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_deliveries_registration_id"))

    op.drop_table("calendar_deliveries")
