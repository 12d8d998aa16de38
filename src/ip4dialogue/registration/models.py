"""Who takes part, and how they got their seat.

Secrets (manage tokens, invitation codes) are stored only as SHA-256 digests: a leaked
database does not let anyone act as a participant.
"""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.countries.models import Country
from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.dialogues.models import AgendaItem, AgendaRole, Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.report.models import Theme

if TYPE_CHECKING:
    from ip4dialogue.calendar.models import CalendarDelivery

TOKEN_HASH_LENGTH = 64  # hex SHA-256


class Sector(enum.StrEnum):
    GOVERNMENT = "government"
    ARMED_FORCES = "armed_forces"
    PARLIAMENT = "parliament"
    THINK_TANK = "think_tank"
    INDUSTRY = "industry"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    MEDIA = "media"
    CIVIL_SOCIETY = "civil_society"

    @property
    def label(self) -> str:
        special = {
            "armed_forces": "Armed forces",
            "think_tank": "Think tank or academia",
            "international_organisation": "International organisation",
        }
        return special.get(self.value, self.value.replace("_", " ").capitalize())


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


def waitlist_position_check() -> CheckConstraint:
    """A place in line exactly when waitlisted, so the order of a waitlist is never ambiguous."""
    return CheckConstraint(
        "(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
        name="waitlist_position_iff_waitlisted",
    )


participant_expertise = Table(
    "participant_expertise",
    db.metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Participant(db.Model):
    """An expert. Erasure clears the personal fields and keeps the row for anonymous counts."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR erased_at IS NOT NULL", name="email_unless_erased"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str | None] = mapped_column(
        ForeignKey("countries.code", ondelete="RESTRICT")
    )
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector))
    home_timezone: Mapped[str | None] = mapped_column(String(64))
    consent_to_be_listed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship()
    expertise: Mapped[list[Theme]] = relationship(
        secondary=participant_expertise, order_by=Theme.position
    )
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )
    roles: Mapped[list[AgendaRole]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class Registration(db.Model):
    """A participant's place in one dialogue; `waitlist_position` orders the waitlist."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("participant_id", "dialogue_id"),
        UniqueConstraint("dialogue_id", "waitlist_position"),
        waitlist_position_check(),
        # Seat counts and the waitlist: WHERE dialogue_id = ? AND status = ?
        Index("ix_registrations_dialogue_status", "dialogue_id", "status"),
        # The organisers' list, in order of arrival: WHERE dialogue_id = ? ORDER BY created_at
        Index("ix_registrations_dialogue_created", "dialogue_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    waitlist_position: Mapped[int | None]
    consent_data_processing_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_chatham_house_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    access_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    manage_token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="registrations")
    dialogue: Mapped[Dialogue] = relationship(back_populates="registrations")
    invitation: Mapped["Invitation | None"] = relationship()
    signups: Mapped[list["SessionSignup"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )
    deliveries: Mapped[list["CalendarDelivery"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )


class SessionSignup(db.Model):
    """A registration's place in a breakout that needs sign-up."""

    __tablename__ = "session_signups"
    __table_args__ = (
        UniqueConstraint("registration_id", "item_id"),
        UniqueConstraint("item_id", "waitlist_position"),
        waitlist_position_check(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus))
    waitlist_position: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="signups")
    item: Mapped[AgendaItem] = relationship()


class Invitation(db.Model):
    """An invitation to one dialogue; its code is only valid for the invited email."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("dialogue_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    code_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    state: Mapped[InvitationState] = mapped_column(
        enum_column(InvitationState), default=InvitationState.PENDING
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dialogue: Mapped[Dialogue] = relationship(back_populates="invitations")
