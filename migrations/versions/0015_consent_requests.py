"""People added by organisers can be asked, by a link, to be named in public

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 02:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_request_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("consent_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_participants_consent_request_hash"), ["consent_request_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_participants_consent_request_hash"), type_="unique")
        batch_op.drop_column("consent_requested_at")
        batch_op.drop_column("consent_request_hash")
