"""The outbox: every message written in the transaction of the change that causes it."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation


class Delivery(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def pending(self) -> bool:
        """Still on its way: a later message to the same address waits for it."""
        return self in {Delivery.QUEUED, Delivery.SENDING}


class OutgoingMessage(db.Model):
    """One message and its delivery. Its content is kept only until it is delivered: bodies
    carry private links whose tokens are otherwise stored hashed."""

    __tablename__ = "outgoing_messages"
    __table_args__ = (
        Index("ix_outgoing_messages_due", "state", "not_before"),
        Index("ix_outgoing_messages_recipient", "to_address", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogues.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    # Scheduled messages name what they are about ("reminder:invitation-7:1"): written once.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    to_name: Mapped[str] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[Delivery] = mapped_column(enum_column(Delivery), default=Delivery.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    size: Mapped[int | None]

    attachments: Mapped[list["OutgoingAttachment"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="OutgoingAttachment.id"
    )

    @property
    def resendable(self) -> bool:
        """Only a failed message: a sent one keeps no content, a queued one is on its way."""
        return self.state is Delivery.FAILED

    def resend(self) -> None:
        """Back in the queue with a fresh count of attempts, its content unchanged."""
        if not self.resendable:
            raise RuleViolation(
                None, f"This message is {self.state.value}: only a failed one can be sent again."
            )
        self.state, self.attempts, self.not_before, self.claimed_at = Delivery.QUEUED, 0, None, None


class OutgoingAttachment(db.Model):
    """A file that goes with a message: above all the calendar parts (text/calendar)."""

    __tablename__ = "outgoing_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outgoing_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    maintype: Mapped[str] = mapped_column(String(40))
    subtype: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    content: Mapped[bytes] = mapped_column(LargeBinary)
