"""Confirmed addresses before seats, and private links that last

A registration starts unconfirmed until its address is confirmed from the email; it may
have several private links, kept as digests in their own table, instead of one that every
new sending replaced. Existing registrations keep their link, and count as confirmed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:40:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATUSES = ("pending", "confirmed", "waitlisted", "declined", "cancelled")


def _status(*extra: str) -> sa.Enum:
    return sa.Enum(
        *extra,
        *STATUSES,
        name="registrationstatus",
        native_enum=False,
        create_constraint=True,
        length=max(len(status) for status in (*extra, *STATUSES)),
    )


def upgrade() -> None:
    op.create_table(
        "registration_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "manage", "confirm", name="linkpurpose", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_links_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_registration_links_token_hash")),
    )
    with op.batch_alter_table("registration_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_links_registration_id"), ["registration_id"], unique=False
        )
    op.execute(
        "INSERT INTO registration_links (registration_id, purpose, token_hash, created_at) "
        "SELECT id, 'manage', manage_token_hash, created_at FROM registrations"
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("submitted_profile", sa.JSON(), nullable=True))
        batch_op.drop_constraint("uq_registrations_manage_token_hash", type_="unique")
        batch_op.drop_column("manage_token_hash")
        batch_op.alter_column(
            "status", existing_type=_status(), type_=_status("unconfirmed"), existing_nullable=False
        )
    op.execute("UPDATE registrations SET joined_at = created_at")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE participants SET address_confirmed_at = created_at WHERE email IS NOT NULL "
        "AND id IN (SELECT participant_id FROM registrations)"
    )


def downgrade() -> None:
    op.execute("DELETE FROM registrations WHERE status = 'unconfirmed'")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("address_confirmed_at")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manage_token_hash", sa.String(length=64), nullable=True))
    # Each registration keeps its newest link; one that has none gets a link nobody holds.
    op.execute(
        "UPDATE registrations SET manage_token_hash = (SELECT token_hash FROM registration_links "
        "WHERE registration_id = registrations.id AND purpose = 'manage' "
        "ORDER BY id DESC LIMIT 1)"
    )
    connection = op.get_bind()
    unlinked = connection.execute(
        sa.text("SELECT id FROM registrations WHERE manage_token_hash IS NULL")
    ).scalars()
    for registration_id in list(unlinked):
        connection.execute(
            sa.text("UPDATE registrations SET manage_token_hash = :hash WHERE id = :id"),
            {"hash": secrets.token_hex(32), "id": registration_id},
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status("unconfirmed"), type_=_status(), existing_nullable=False
        )
        batch_op.alter_column("manage_token_hash", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_registrations_manage_token_hash"), ["manage_token_hash"]
        )
        batch_op.drop_column("submitted_profile")
        batch_op.drop_column("joined_at")
    op.drop_table("registration_links")
