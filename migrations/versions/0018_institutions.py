"""Institutions, and the dialogues they convene instead of a line of conveners' names

Each name in a dialogue's `conveners` line (names were separated by semicolons) becomes an
institution, convening the dialogue at its place in the line; going back writes the line again.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 09:00:00
"""

import re
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

institutions = sa.table(
    "institutions",
    sa.column("id", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
conveners = sa.table(
    "dialogue_conveners",
    sa.column("dialogue_id", sa.Integer),
    sa.column("institution_id", sa.Integer),
    sa.column("position", sa.Integer),
)
dialogues = sa.table("dialogues", sa.column("id", sa.Integer), sa.column("conveners", sa.String))


def _slug(name: str, taken: set[str]) -> str:
    """A short name from the institution's name, unlike any taken."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", plain))[:36].strip("-") or "institution"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def upgrade() -> None:
    op.create_table(
        "institutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institutions")),
        sa.UniqueConstraint("name", name=op.f("uq_institutions_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_institutions_slug")),
    )
    op.create_table(
        "dialogue_conveners",
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_dialogue_conveners_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_dialogue_conveners_institution_id_institutions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "dialogue_id", "institution_id", name=op.f("pk_dialogue_conveners")
        ),
    )
    op.create_index(
        op.f("ix_dialogue_conveners_institution_id"),
        "dialogue_conveners",
        ["institution_id"],
        unique=False,
    )
    connection = op.get_bind()
    ids: dict[str, int] = {}
    taken: set[str] = set()
    for dialogue_id, line in connection.execute(sa.select(dialogues.c.id, dialogues.c.conveners)):
        names = list(dict.fromkeys(name.strip() for name in (line or "").split(";")))
        for position, name in enumerate(name for name in names if name):
            if name not in ids:
                ids[name] = connection.execute(
                    institutions.insert()
                    .values(slug=_slug(name, taken), name=name[:200], created_at=datetime.now(UTC))
                    .returning(institutions.c.id)
                ).scalar_one()
            connection.execute(
                conveners.insert().values(
                    dialogue_id=dialogue_id, institution_id=ids[name], position=position
                )
            )
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.drop_column("conveners")


def downgrade() -> None:
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("conveners", sa.String(length=300), server_default="", nullable=False)
        )
    connection = op.get_bind()
    lines: dict[int, list[str]] = {}
    for dialogue_id, name in connection.execute(
        sa.select(conveners.c.dialogue_id, institutions.c.name)
        .join(institutions, institutions.c.id == conveners.c.institution_id)
        .order_by(conveners.c.dialogue_id, conveners.c.position)
    ):
        lines.setdefault(dialogue_id, []).append(name)
    for dialogue_id, names in lines.items():
        connection.execute(
            dialogues.update()
            .where(dialogues.c.id == dialogue_id)
            .values(conveners="; ".join(names)[:300])
        )
    op.drop_index(op.f("ix_dialogue_conveners_institution_id"), table_name="dialogue_conveners")
    op.drop_table("dialogue_conveners")
    op.drop_table("institutions")
