"""Teams: organisers' roles on each dialogue, the institutions they work for, and site
administrators; every account there is becomes an administrator, so nobody loses access

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE organisers SET is_admin = :yes").bindparams(yes=True))
    op.create_table(
        "organiser_institutions",
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_organiser_institutions_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organisers.id"],
            name=op.f("fk_organiser_institutions_organiser_id_organisers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organiser_id", "institution_id", name=op.f("pk_organiser_institutions")
        ),
    )
    op.create_index(
        op.f("ix_organiser_institutions_institution_id"),
        "organiser_institutions",
        ["institution_id"],
        unique=False,
    )
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "owner",
                "editor",
                "registrar",
                "rapporteur",
                "viewer",
                name="teamrole",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_team_members_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organisers.id"],
            name=op.f("fk_team_members_organiser_id_organisers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
        sa.UniqueConstraint(
            "dialogue_id", "organiser_id", name=op.f("uq_team_members_dialogue_id_organiser_id")
        ),
    )
    op.create_index(
        op.f("ix_team_members_organiser_id"), "team_members", ["organiser_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_team_members_organiser_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_index(
        op.f("ix_organiser_institutions_institution_id"), table_name="organiser_institutions"
    )
    op.drop_table("organiser_institutions")
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
