"""The audit log names people by id, not by name

Roles in item events were kept as "speaker: Name" strings, which erasure had to find and
rewrite. They become {"role": "speaker", "person": id}: the log shows the person's current
name, or that they were erased. A name that matches no one (already scrubbed, or ambiguous)
becomes a person of None, shown as erased.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:00:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("subject_type", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)
participants = sa.table(
    "participants",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("erased_at", sa.DateTime),
)


def _role_by_id(text: str, people: dict[str, int | None]) -> dict[str, Any]:
    role, _, name = text.partition(": ")
    return {"role": role, "person": people.get(name)}


def _role_by_name(role: dict[str, Any], names: dict[int, str]) -> str:
    return f"{role['role']}: {names.get(role['person'], '[erased participant]')}"


def _rewrite(convert: Any) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.before, events.c.after).where(
            events.c.subject_type == "AgendaItem"
        )
    ).all()
    for event_id, before, after in rows:
        changed = {}
        for side, values in (("before", before), ("after", after)):
            if values and values.get("roles"):
                changed[side] = values | {"roles": [convert(role) for role in values["roles"]]}
        if changed:
            connection.execute(events.update().where(events.c.id == event_id).values(**changed))


def upgrade() -> None:
    people: dict[str, int | None] = {}
    for person_id, name in op.get_bind().execute(
        sa.select(participants.c.id, participants.c.name).where(participants.c.erased_at.is_(None))
    ):
        people[name] = None if name in people else person_id  # two of a name: nobody
    _rewrite(lambda role: role if isinstance(role, dict) else _role_by_id(role, people))


def downgrade() -> None:
    names = dict(op.get_bind().execute(sa.select(participants.c.id, participants.c.name)).all())
    _rewrite(lambda role: _role_by_name(role, names) if isinstance(role, dict) else role)
