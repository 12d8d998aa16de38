"""Audit events name their dialogue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 01:04:19.866768
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dialogue_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_events_dialogue_id"), ["dialogue_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_dialogue_id_dialogues"),
            "dialogues",
            ["dialogue_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_dialogue_id_dialogues"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_events_dialogue_id"))
        batch_op.drop_column("dialogue_id")
