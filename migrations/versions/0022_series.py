"""A series with editions and reports

Where there is a report or a dialogue, one series, the Indo-Pacific Security Dialogue, is made:
every report and every dialogue belongs to it, so the existing report is its first report and
the existing dialogues its editions. Going back forgets the series.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:34:21
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SLUG, TITLE = "indo-pacific-security-dialogue", "Indo-Pacific Security Dialogue"
MEMBERS = ("reports", "dialogues")
series = sa.table("series", sa.column("id", sa.Integer), sa.column("slug"), sa.column("title"))


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("slug", name=op.f("uq_series_slug")),
    )
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_dialogues_series_id_series"),
            "series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_series_id_series"),
            "series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _gather_into_one_series()


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reports_series_id_series"), type_="foreignkey")
        batch_op.drop_column("series_id")

    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_dialogues_series_id_series"), type_="foreignkey")
        batch_op.drop_column("series_id")

    op.drop_table("series")


def _gather_into_one_series() -> None:
    connection = op.get_bind()
    members = [sa.table(name, sa.column("id"), sa.column("series_id")) for name in MEMBERS]
    if not any(connection.execute(sa.select(table.c.id).limit(1)).first() for table in members):
        return
    series_id = connection.execute(
        sa.insert(series).values(slug=SLUG, title=TITLE).returning(series.c.id)
    ).scalar_one()
    for table in members:
        connection.execute(sa.update(table).values(series_id=series_id))
