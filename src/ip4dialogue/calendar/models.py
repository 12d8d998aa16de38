"""What each participant was last sent for each event, so updates go out once per change."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.database import UTCDateTime, utcnow
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Registration


class CalendarDelivery(db.Model):
    """The last REQUEST or CANCEL a registration received for one event. The event's UID and
    times are copied here so a cancellation can still be sent after the item is deleted."""

    __tablename__ = "calendar_deliveries"
    __table_args__ = (UniqueConstraint("registration_id", "item_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    item_uid: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sequence: Mapped[int]  # the SEQUENCE last sent to this person
    item_sequence: Mapped[int] = mapped_column(server_default="0")  # the item's, then
    cancelled: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
