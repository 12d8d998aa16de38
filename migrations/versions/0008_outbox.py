"""A transactional outbox for mail

Every outgoing message becomes a row (with its attachments) written in the transaction of the
change that causes it; workers deliver it and record how it went.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STATES = ("queued", "sending", "sent", "failed")


def upgrade() -> None:
    op.create_table(
        "outgoing_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("to_name", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="delivery", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_outgoing_messages_dialogue_id_dialogues"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outgoing_messages_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outgoing_messages_message_id")),
    )
    op.create_index(op.f("ix_outgoing_messages_dialogue_id"), "outgoing_messages", ["dialogue_id"])
    op.create_index("ix_outgoing_messages_due", "outgoing_messages", ["state", "not_before"])
    op.create_index("ix_outgoing_messages_recipient", "outgoing_messages", ["to_address", "id"])
    op.create_table(
        "outgoing_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("maintype", sa.String(length=40), nullable=False),
        sa.Column("subtype", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outgoing_messages.id"],
            name=op.f("fk_outgoing_attachments_message_id_outgoing_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_attachments")),
    )
    op.create_index(
        op.f("ix_outgoing_attachments_message_id"), "outgoing_attachments", ["message_id"]
    )


def downgrade() -> None:
    op.drop_table("outgoing_attachments")
    op.drop_table("outgoing_messages")
