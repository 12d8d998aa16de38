"""Organisers: the people who plan dialogues and log in to do it, the institutions they work
for, and their roles on each dialogue's team."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.access import DIALOGUE_PERMISSIONS, SITE_PERMISSIONS, Permission, TeamRole
from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution

EVERYTHING = SITE_PERMISSIONS | DIALOGUE_PERMISSIONS

organiser_institutions = Table(
    "organiser_institutions",
    db.metadata,
    Column("organiser_id", ForeignKey("organisers.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "institution_id",
        ForeignKey("institutions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Organiser(UserMixin, db.Model):
    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # A site administrator manages institutions and accounts, and acts as an owner of every
    # dialogue. The first account ever made is one.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every session carries the version it began under; raising it ends them all at once,
    # wherever a copy of the cookie is.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    institutions: Mapped[list[Institution]] = relationship(
        secondary=organiser_institutions, order_by=Institution.name
    )
    memberships: Mapped[list["TeamMember"]] = relationship(
        back_populates="organiser", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def end_sessions(self) -> None:
        """Log out everywhere: on logout, and whenever what proves who they are changes."""
        self.session_version += 1

    def role_on(self, dialogue_id: int) -> TeamRole | None:
        return next((m.role for m in self.memberships if m.dialogue_id == dialogue_id), None)

    def permissions(self, dialogue_id: int | None = None) -> frozenset[Permission]:
        """What they may do on the site, or on one dialogue. Anyone who works for an
        institution may start a dialogue (and owns it); administrators may do everything."""
        if self.is_admin:
            return EVERYTHING
        if dialogue_id is None:
            if self.institutions:
                return frozenset({Permission.ORGANISE, Permission.CREATE_DIALOGUE})
            return frozenset({Permission.ORGANISE})
        role = self.role_on(dialogue_id)
        return role.permissions if role else frozenset()

    def dialogue_ids(self) -> set[int] | None:
        """The dialogues they have a role on; None for an administrator, who has them all."""
        return None if self.is_admin else {member.dialogue_id for member in self.memberships}

    def __repr__(self) -> str:
        return f"<Organiser {self.id}>"


class TeamMember(db.Model):
    """An organiser's role on one dialogue's team."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("dialogue_id", "organiser_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dialogue: Mapped[Dialogue] = relationship()
    organiser: Mapped[Organiser] = relationship(back_populates="memberships")

    def __repr__(self) -> str:
        return f"<TeamMember {self.organiser_id} {self.role} of {self.dialogue_id}>"


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


class TeamInvitation(db.Model):
    """An owner's invitation to join a dialogue's team in a role: a link that works once,
    for the address it was sent to, until it expires. Only the link's digest is stored."""

    __tablename__ = "team_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogues.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dialogue: Mapped[Dialogue] = relationship()
    invited_by: Mapped[Organiser | None] = relationship()

    def state_at(self, now: datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if now >= self.expires_at:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def __repr__(self) -> str:
        return f"<TeamInvitation {self.id} {self.role} of {self.dialogue_id}>"
