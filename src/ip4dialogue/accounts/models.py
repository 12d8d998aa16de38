"""Organisers: the people who plan dialogues and log in to do it, the institutions they work
for, and their roles on each dialogue's team."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint, false
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
    # Two-factor authentication (RFC 6238): on since `two_factor_since`; a code works once,
    # so the time step of the last one used is kept.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]

    institutions: Mapped[list[Institution]] = relationship(
        secondary=organiser_institutions, order_by=Institution.name
    )
    memberships: Mapped[list["TeamMember"]] = relationship(
        back_populates="organiser", cascade="all, delete-orphan", passive_deletes=True
    )
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def two_factor(self) -> bool:
        return self.two_factor_since is not None

    @property
    def sees_personal_data(self) -> bool:
        """Whether some role of theirs shows registrants' personal data: such accounts may
        have to prove themselves with a second factor."""
        return self.is_admin or any(member.role.sees_personal_data for member in self.memberships)

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


class RecoveryCode(db.Model):
    """A one-time code that stands in for a lost authenticator; only its digest is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordLink(db.Model):
    """A link that sets an account's password: asked for when it is forgotten, or sent with
    an account an administrator made. It works once, until it expires; only its digest is
    kept."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organiser: Mapped[Organiser] = relationship()

    def works_at(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.organiser.active


class AccountEventKind(enum.StrEnum):
    SIGNED_IN = "signed_in"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (what happened, not a password)
    UNKNOWN_ACCOUNT = "unknown_account"
    WRONG_CODE = "wrong_code"
    RECOVERY_CODE_USED = "recovery_code_used"
    PASSWORD_RESET_ASKED = "password_reset_asked"  # noqa: S105
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere"

    @property
    def label(self) -> str:
        return ACCOUNT_EVENT_LABELS[self]


ACCOUNT_EVENT_LABELS = {
    AccountEventKind.SIGNED_IN: "Logged in",
    AccountEventKind.WRONG_PASSWORD: "Failed login: wrong password",
    AccountEventKind.UNKNOWN_ACCOUNT: "Failed login: no such account",
    AccountEventKind.WRONG_CODE: "Failed login: wrong code",
    AccountEventKind.RECOVERY_CODE_USED: "Recovery code used",
    AccountEventKind.PASSWORD_RESET_ASKED: "New password asked for by email",
    AccountEventKind.PASSWORD_CHANGED: "Password changed",
    AccountEventKind.TWO_FACTOR_ON: "Second factor set up",
    AccountEventKind.TWO_FACTOR_OFF: "Second factor turned off",
    AccountEventKind.RECOVERY_CODES_RENEWED: "New recovery codes",
    AccountEventKind.LOGGED_OUT_EVERYWHERE: "Logged out everywhere",
}


class AccountEvent(db.Model):
    """What happened to an account's security: sign-ins, failed attempts, new passwords and
    second factors, with the address and browser they came from. A failed login for an
    address without an account is kept without the address typed (it may be a password)."""

    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_organiser", "organiser_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE")
    )
    kind: Mapped[AccountEventKind] = mapped_column(enum_column(AccountEventKind))
    address: Mapped[str] = mapped_column(String(45), default="")
    agent: Mapped[str] = mapped_column(String(200), default="")


class SiteSettings(db.Model):
    """The site's own settings, changed by its administrators: one row."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Accounts that see personal data (administrators, owners, registrars) must use a second
    # factor: until they set one up, they reach nothing but the page that does.
    two_factor_required: Mapped[bool] = mapped_column(default=False, server_default=false())
