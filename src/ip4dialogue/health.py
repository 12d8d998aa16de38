"""A health check for load balancers and uptime monitors.

A database that answers reads can still refuse every write (a read-only file or disk, a
standby, a full disk), and then every form fails while a `SELECT 1` says all is well. So the
check writes: one row of its own table, in a transaction of its own.
"""

from datetime import datetime, timedelta

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.database import Base, UTCDateTime, utcnow
from ip4dialogue.errors import RETRY_AFTER_SECONDS
from ip4dialogue.extensions import db
from ip4dialogue.jobs.models import Delivery, OutgoingMessage

bp = Blueprint("health", __name__)

# Mail queued this long is late: worth a look, though the site itself still works.
MAIL_LATE_AFTER = timedelta(minutes=15)


class Heartbeat(Base):
    """The row the health check rewrites: proof that the database takes writes."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _database_state() -> str:
    """The database's state: ok, unwritable (it answers, but refuses the write or keeps it
    waiting for a lock past the busy timeout) or unreachable. The write is a transaction of
    its own on the engine, as the outbox's claims are, not part of the request's unit of
    work: whether a commit succeeds is what is being checked."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "unreachable"
    now = utcnow()
    try:
        with db.engine.begin() as connection:
            beat = update(Heartbeat).where(Heartbeat.id == 1).values(beat_at=now)
            if not connection.execute(beat).rowcount:
                connection.execute(insert(Heartbeat).values(id=1, beat_at=now))
    except IntegrityError:  # a check at the same moment wrote the first beat: writes work
        return "ok"
    except SQLAlchemyError:
        return "unwritable"
    return "ok"


def _late_mail() -> int:
    """Messages still queued well after they were written: a worker or SMTP server down."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutgoingMessage)
            .where(
                OutgoingMessage.state == Delivery.QUEUED,
                OutgoingMessage.created_at < utcnow() - MAIL_LATE_AFTER,
            )
        )
        or 0
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """503 when the database cannot read or write, so a balancer routes around us; 200 and
    "degraded" when the site works but mail is late, so a monitor can say so."""
    database = _database_state()
    if database != "ok":
        response = jsonify(status="unavailable", database=database)
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    late = _late_mail()
    return jsonify(status="degraded" if late else "ok", database="ok", late_mail=late)
