"""The declarative base and the column types every area shares."""

import enum
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Enum, MetaData, event, func, or_, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic drop and alter them the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, always aware and in UTC in Python, whatever the database keeps.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the UTC wall time is stored
    and UTC attached again on the way out. Naive values are refused: they are ambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored as an instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def contains_words(words: str, *columns: Any) -> ColumnElement[bool]:
    """Any of `columns` contains `words`, whatever the case: the search box of a list."""
    pattern = f"%{words.lower()}%"
    return or_(*(func.lower(column).like(pattern) for column in columns))


def enum_column(enum_class: type[enum.Enum], **kwargs: Any) -> Enum:
    """A portable enum: a VARCHAR with a CHECK constraint holding the members' values."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        name=enum_class.__name__.lower(),
        **kwargs,
    )


def lock_row(session: Session, instance: Any, fresh: list[str]) -> None:
    """Lock an instance's row until the transaction ends, and read `fresh` attributes again
    under the lock: SELECT ... FOR UPDATE on PostgreSQL; on SQLite, a write to the row that
    changes nothing, which takes SQLite's single write lock (others wait for it)."""
    if session.get_bind().dialect.name == "sqlite":
        table = instance.__table__
        session.execute(
            text(f"UPDATE {table.name} SET id = id WHERE id = :id"),  # noqa: S608 (our table)
            {"id": instance.id},
        )
    session.refresh(instance, fresh, with_for_update=True)


# Several workers: wait this long for the write lock rather than fail at once, but well
# within a worker's timeout (gunicorn_conf), so a lock held too long is a 503 to retry, not
# a killed worker.
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_PRAGMAS = (
    # ON DELETE rules are part of the schema, and SQLite ignores foreign keys unless asked.
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    # Let readers go on while one of them writes.
    "PRAGMA journal_mode = WAL",
)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
