"""The audit log: what organisers did, with the values before and after, append-only.

An event names its subject, and any person in its values, by id, never by name: pages show
their current names, so erasing a person never has to edit the log.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.database import UTCDateTime, utcnow
from ip4dialogue.extensions import db

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    dialogue_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogues.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(80))
    subject_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    organiser: Mapped["Organiser | None"] = relationship()

    def people(self) -> set[int]:
        """The ids of the people its values name (in roles), for showing their names."""
        return {
            role["person"]
            for values in (self.before, self.after)
            for role in (values or {}).get("roles", [])
            if role.get("person") is not None
        }


def record(
    action: str,
    subject: Any,
    *,
    organiser: "Organiser | None",
    dialogue_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        organiser_id=organiser.id if organiser else None,
        dialogue_id=dialogue_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
