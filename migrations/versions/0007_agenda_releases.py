"""Agenda releases: the public sees a dialogue's last release, not the working copy

Every dialogue that was ever published gets release 1: its agenda as the public saw it, each
session with the SEQUENCE and stamp its calendar files carried, so no feed changes a byte.
The sequence and stamp move from the working copy to the releases; `published_at` goes (a
dialogue's releases say when). Dialogues gain the setting that sends calendar updates as soon
as a release is published; each release keeps the time zone its times are shown in; a session
deleted while a release still has it is kept, removed, until then.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:00:00
"""

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

dialogues = sa.table(
    "dialogues",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("venue", sa.String),
    sa.column("city", sa.String),
    sa.column("timezone", sa.String),
    sa.column("published_at", sa.DateTime(timezone=True)),
)
items = sa.table(
    "agenda_items",
    sa.column("id", sa.Integer),
    sa.column("dialogue_id", sa.Integer),
    sa.column("uid", sa.String),
    sa.column("kind", sa.String),
    sa.column("title", sa.String),
    sa.column("description", sa.Text),
    sa.column("starts_at", sa.DateTime(timezone=True)),
    sa.column("ends_at", sa.DateTime(timezone=True)),
    sa.column("room_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("signup_required", sa.Boolean),
    sa.column("sequence", sa.Integer),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)
rooms = sa.table(
    "rooms",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("join_url", sa.String),
)
item_themes = sa.table("agenda_item_themes", sa.column("item_id"), sa.column("theme_id"))
item_recommendations = sa.table(
    "agenda_item_recommendations", sa.column("item_id"), sa.column("recommendation_id")
)
roles = sa.table(
    "agenda_roles",
    sa.column("id", sa.Integer),
    sa.column("item_id"),
    sa.column("participant_id"),
    sa.column("role", sa.String),
)


def _instant(value: datetime | str) -> str:
    """As the app stores instants: UTC, aware (SQLite hands back naive UTC, or text)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _links(connection: Any, table: Any, column: str) -> dict[int, list[int]]:
    linked: dict[int, list[int]] = defaultdict(list)
    for item_id, target in connection.execute(sa.select(table.c.item_id, table.c[column])):
        linked[item_id].append(target)
    return linked


def _entries(connection: Any, dialogue: Any) -> list[dict[str, Any]]:
    themes = _links(connection, item_themes, "theme_id")
    recommendations = _links(connection, item_recommendations, "recommendation_id")
    people: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item_id, person, role in connection.execute(
        sa.select(roles.c.item_id, roles.c.participant_id, roles.c.role).order_by(roles.c.id)
    ):
        people[item_id].append({"role": role, "person": person})
    rows = connection.execute(
        sa.select(items, rooms.c.name, rooms.c.join_url)
        .outerjoin(rooms, rooms.c.id == items.c.room_id)
        .where(items.c.dialogue_id == dialogue.id)
        .order_by(items.c.starts_at, items.c.id)
    ).mappings()
    cancelled = dialogue.status == "cancelled"
    return [
        {
            "id": row["id"],
            "uid": row["uid"],
            "kind": row["kind"],
            "title": row["title"],
            "description": row["description"],
            "starts_at": _instant(row["starts_at"]),
            "ends_at": _instant(row["ends_at"]),
            "status": "cancelled" if cancelled else row["status"],
            "signup_required": bool(row["signup_required"]),
            "room": {"name": row["name"], "join_url": row["join_url"]} if row["name"] else None,
            "location": ", ".join(p for p in (row["name"], dialogue.venue, dialogue.city) if p),
            "themes": sorted(themes[row["id"]]),
            "recommendations": sorted(recommendations[row["id"]]),
            "roles": people[row["id"]],
            "sequence": row["sequence"],
            "stamp": _instant(row["changed_at"]),
        }
        for row in rows
    ]


def upgrade() -> None:
    releases = op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_releases_number_from_one")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_releases_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["released_by_id"],
            ["organisers.id"],
            name=op.f("fk_releases_released_by_id_organisers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint("dialogue_id", "number", name=op.f("uq_releases_dialogue_id_number")),
    )
    connection = op.get_bind()
    published = connection.execute(
        sa.select(dialogues).where(dialogues.c.published_at.is_not(None))
    ).all()
    for dialogue in published:
        entries = _entries(connection, dialogue)
        new = [
            {"title": e["title"], "what": "new", "fields": [], "before": None, "after": e}
            for e in entries
        ]
        op.bulk_insert(
            releases,
            [
                {
                    "dialogue_id": dialogue.id,
                    "number": 1,
                    "released_at": dialogue.published_at,
                    "timezone": dialogue.timezone,
                    "note": "",
                    "entries": entries,
                    "changes": new,
                }
            ],
        )
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "send_updates_on_release", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )
        batch_op.drop_column("published_at")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agenda_items_sequence_not_negative"), type_="check")
        batch_op.drop_column("sequence")
        batch_op.drop_column("changed_at")
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """The working copy takes back the last release's sequence and stamps; the first
    release's time becomes the publication time; sessions kept only for a release go."""
    # SQLite keeps foreign keys off while migrating: what hangs on those sessions goes first.
    kept = sa.table("agenda_items", sa.column("id"), sa.column("removed_at"))
    removed = sa.select(kept.c.id).where(kept.c.removed_at.is_not(None)).scalar_subquery()
    for name in (
        "session_signups",
        "agenda_roles",
        "agenda_item_themes",
        "agenda_item_recommendations",
    ):
        linked = sa.table(name, sa.column("item_id"))
        op.execute(sa.delete(linked).where(linked.c.item_id.in_(removed)))
    op.execute(sa.delete(kept).where(kept.c.removed_at.is_not(None)))
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column(
                "changed_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.current_timestamp(),
                nullable=False,
            )
        )
        batch_op.create_check_constraint("sequence_not_negative", "sequence >= 0")
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column("send_updates_on_release")
    connection = op.get_bind()
    releases = sa.table(
        "releases",
        sa.column("dialogue_id"),
        sa.column("number"),
        sa.column("released_at", sa.DateTime(timezone=True)),
        sa.column("entries", sa.JSON),
    )
    for dialogue_id, number, released_at, entries in connection.execute(
        sa.select(releases).order_by(releases.c.dialogue_id, releases.c.number)
    ):
        if number == 1:
            connection.execute(
                dialogues.update()
                .where(dialogues.c.id == dialogue_id)
                .values(published_at=released_at)
            )
        for entry in entries:
            connection.execute(
                items.update()
                .where(items.c.uid == entry["uid"])
                .values(
                    sequence=entry["sequence"], changed_at=datetime.fromisoformat(entry["stamp"])
                )
            )
    op.drop_table("releases")
