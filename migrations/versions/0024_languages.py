"""Languages: each participant's and invitation's, and text given in Japanese and Korean

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 15:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TRANSLATABLE = ("series", "reports", "dialogues", "agenda_items", "themes", "recommendations")
WITH_LANGUAGE = ("participants", "invitations")


def upgrade() -> None:
    for table in TRANSLATABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("translations", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
            )
    for table in WITH_LANGUAGE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
            )
            batch.create_check_constraint(
                op.f(f"ck_{table}_known_language"), "language IN ('en', 'ja', 'ko')"
            )


def downgrade() -> None:
    for table in WITH_LANGUAGE:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_known_language"), type_="check")
            batch.drop_column("language")
    for table in TRANSLATABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("translations")
