"""Who takes part, and how they got their seat.

Each status is a small state machine kept here, on the model: a move the status does not
allow is refused in one place, whatever asks for it. Secrets (manage tokens, invitation
codes) are stored only as SHA-256 digests: a leaked database lets nobody act as a participant.
"""

import enum
from datetime import datetime, timedelta
from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.i18n import babel_locale, known_language, language_column
from ip4dialogue.people.models import Participant
from ip4dialogue.rules import RuleViolation

TOKEN_HASH_LENGTH = 64  # hex SHA-256
# A confirmation link works for this long; a registration left unconfirmed is then deleted.
CONFIRMATION_HOURS = 48
CONFIRMATION_LIFETIME = timedelta(hours=CONFIRMATION_HOURS)


class Decision(enum.StrEnum):
    """What organisers decide about a registration."""

    APPROVE = "approve"
    PROMOTE = "promote"
    WAITLIST = "waitlist"
    DECLINE = "decline"


class RegistrationStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # the address is not confirmed yet: no seat, no review
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        """Holding or wanting a seat."""
        return self in _ACTIVE

    @property
    def moves(self) -> frozenset["RegistrationStatus"]:
        """The statuses a registration in this one may move to."""
        return _MOVES[self]

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """The organisers' decisions open in this status, in the order to offer them."""
        return _DECISIONS[self]


_UNCONFIRMED, _PENDING, _CONFIRMED, _WAITLISTED, _DECLINED, _CANCELLED = RegistrationStatus
_ACTIVE = frozenset({_PENDING, _CONFIRMED, _WAITLISTED})
_MOVES = {
    _UNCONFIRMED: frozenset({_PENDING, _CONFIRMED, _WAITLISTED, _CANCELLED}),
    _PENDING: frozenset({_CONFIRMED, _WAITLISTED, _DECLINED, _CANCELLED}),
    _CONFIRMED: frozenset({_WAITLISTED, _DECLINED, _CANCELLED}),
    _WAITLISTED: frozenset({_CONFIRMED, _DECLINED, _CANCELLED}),
    _DECLINED: frozenset({_CONFIRMED, _WAITLISTED}),  # approved after all
    _CANCELLED: frozenset(),
}
_DECISIONS = {
    _UNCONFIRMED: (),
    _PENDING: (Decision.APPROVE, Decision.WAITLIST, Decision.DECLINE),
    _CONFIRMED: (Decision.WAITLIST, Decision.DECLINE),
    _WAITLISTED: (Decision.PROMOTE, Decision.DECLINE),
    _DECLINED: (Decision.APPROVE,),
    _CANCELLED: (),
}


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"  # also the state of a sign-up just made, before it is placed


# Why a registration, or a place in a break-out, can change nothing more: whole sentences, as
# each language words them.
NOT_POSSIBLE = {
    RegistrationStatus.UNCONFIRMED: _l("Not possible: the registration is unconfirmed."),
    RegistrationStatus.PENDING: _l("Not possible: the registration is pending."),
    RegistrationStatus.CONFIRMED: _l("Not possible: the registration is confirmed."),
    RegistrationStatus.WAITLISTED: _l("Not possible: the registration is waitlisted."),
    RegistrationStatus.DECLINED: _l("Not possible: the registration is declined."),
    RegistrationStatus.CANCELLED: _l("Not possible: the registration is cancelled."),
}
PLACE_NOT_POSSIBLE = {  # a table of its own: the statuses' values are the same strings
    SignupStatus.CONFIRMED: _l("Not possible: this place is confirmed."),
    SignupStatus.WAITLISTED: _l("Not possible: this place is waitlisted."),
    SignupStatus.CANCELLED: _l("Not possible: this place is cancelled."),
}


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


# Why an invitation's code no longer opens registration, in the invitee's words.
UNUSABLE = {
    InvitationState.EXPIRED: _l(
        "This invitation has expired. Please ask the organisers for a new one."
    ),
    InvitationState.ACCEPTED: _l("This invitation is no longer open (it was accepted)."),
    InvitationState.DECLINED: _l("This invitation is no longer open (it was declined)."),
    InvitationState.REVOKED: _l("This invitation is no longer open (it was revoked)."),
}


def waitlist_position_check() -> CheckConstraint:
    """A place in line exactly when waitlisted, so the order of a waitlist is never ambiguous."""
    return CheckConstraint(
        "(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
        name="waitlist_position_iff_waitlisted",
    )


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
    # How their calendar gets their sessions: emailed invitations, one a session, which
    # update themselves; or (False) a subscription to their schedule, with no files sent.
    calendar_by_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    access_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    # What someone who has not proven the address told about the person: it becomes theirs
    # only when the address is confirmed, so that no stranger can rewrite a person.
    submitted_profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the address was confirmed (or proven by an invitation) and it joined the dialogue.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship()
    dialogue: Mapped[Dialogue] = relationship()
    invitation: Mapped["Invitation | None"] = relationship()
    signups: Mapped[list["SessionSignup"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )
    links: Mapped[list["RegistrationLink"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def seated(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def unconfirmed(self) -> bool:
        return self.status == RegistrationStatus.UNCONFIRMED

    def add_link(
        self, purpose: "LinkPurpose", token_hash: str, expires_at: datetime | None = None
    ) -> None:
        link = RegistrationLink(purpose=purpose, token_hash=token_hash, expires_at=expires_at)
        self.links.append(link)

    def revoke_links(self, purpose: "LinkPurpose | None" = None) -> None:
        """No link of this purpose (of any, for None) opens the registration any more."""
        self.links = [
            link for link in self.links if purpose is not None and link.purpose != purpose
        ]

    def join(self) -> None:
        """The address is proven: the confirmation links are spent. The time is taken now,
        under the seat lock, so that it follows the order in which people joined."""
        self.joined_at, self.submitted_profile = utcnow(), None
        self.revoke_links(LinkPurpose.CONFIRM)

    def submit(self) -> None:
        """Up for the organisers' review, the address confirmed."""
        self._move(RegistrationStatus.PENDING)

    def confirm(self) -> None:
        """A seat in the dialogue."""
        self._move(RegistrationStatus.CONFIRMED)

    def wait(self, position: int) -> None:
        """A place in the line for a seat."""
        self._move(RegistrationStatus.WAITLISTED, position)

    def decline(self) -> None:
        self._move(RegistrationStatus.DECLINED)

    def cancel(self) -> None:
        self._move(RegistrationStatus.CANCELLED)

    def require(self, decision: Decision) -> None:
        if decision not in self.status.decisions:
            raise RuleViolation(None, str(NOT_POSSIBLE[self.status]))

    def forget_needs(self) -> None:
        """Drop what only the running of the dialogue needed to know (the answers to its
        questions go too, in bulk: see the services' erasure and purge)."""
        self.access_needs = self.dietary_needs = ""

    def answer_to(self, question: "Question") -> str:
        given = self._answer_of(question)
        return given.value if given else ""

    def answer(self, question: "Question", value: str) -> None:
        """Keep `value` as the answer to `question` (changed in place: one row a question);
        an empty one is no answer."""
        given = self._answer_of(question)
        if given is None and value:
            self.answers.append(Answer(question=question, value=value))
        elif given is not None and value:
            given.value = value
        elif given is not None:
            self.answers.remove(given)

    def _answer_of(self, question: "Question") -> "Answer | None":
        return next((a for a in self.answers if a.question is question), None)

    def _move(self, status: RegistrationStatus, position: int | None = None) -> None:
        if status not in self.status.moves:
            raise RuleViolation(None, str(NOT_POSSIBLE[self.status]))
        self.status, self.waitlist_position = status, position
        self.status_changed_at = utcnow()


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"

    @property
    def label(self) -> str:
        return QUESTION_KIND_LABELS[self]


QUESTION_KIND_LABELS = {
    QuestionKind.TEXT: "Text",
    QuestionKind.CHOICE: "One of several answers",
    QuestionKind.YES_NO: "Yes or no",
}
YES_NO_ANSWERS = {"yes": "Yes", "no": "No"}
ANSWER_MAX_LENGTH = 2000


class Question(db.Model):
    """A question of the organisers' own, put to everyone who registers for the dialogue
    (their role, a visa letter, the dinner...). Answers are kept by their text: an option
    renamed later leaves the answers given as they were given."""

    __tablename__ = "registration_questions"
    __table_args__ = (Index("ix_registration_questions_dialogue", "dialogue_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    label: Mapped[str] = mapped_column(String(300))
    hint: Mapped[str] = mapped_column(String(500), default="")
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dialogue: Mapped[Dialogue] = relationship()

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The answers offered, as (value, label), for a choice or a yes-or-no question."""
        if self.kind == QuestionKind.YES_NO:
            return list(YES_NO_ANSWERS.items())
        return [(option, option) for option in self.options]

    def problem(self, value: str) -> str | None:
        """Why `value` cannot be the answer to this question, if it cannot."""
        if not value:
            return _("Answer this question.") if self.required else None
        if self.kind == QuestionKind.TEXT:
            if len(value) > ANSWER_MAX_LENGTH:
                return _(
                    "Answer in at most %(count)s characters.",
                    count=format_decimal(ANSWER_MAX_LENGTH, locale=babel_locale()),
                )
            return None
        if value not in dict(self.choices):
            return _("Choose one of the answers offered.")
        return None

    def shown(self, value: str) -> str:
        """An answer as the organisers read it."""
        return YES_NO_ANSWERS.get(value, value) if self.kind == QuestionKind.YES_NO else value


class Answer(db.Model):
    __tablename__ = "registration_answers"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("registration_questions.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(Text)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class LinkPurpose(enum.StrEnum):
    MANAGE = "manage"  # the private page and personal calendar: works until replaced
    CONFIRM = "confirm"  # confirms the address: once, before it expires


class RegistrationLink(db.Model):
    """A private link to a registration, kept as the digest of its token. A registration may
    have several that work: sending a new one never breaks one its holder keeps."""

    __tablename__ = "registration_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose))
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="links")


_SIGNUP_MOVES = {
    SignupStatus.CONFIRMED: frozenset({SignupStatus.WAITLISTED, SignupStatus.CANCELLED}),
    SignupStatus.WAITLISTED: frozenset({SignupStatus.CONFIRMED, SignupStatus.CANCELLED}),
    SignupStatus.CANCELLED: frozenset({SignupStatus.CONFIRMED, SignupStatus.WAITLISTED}),
}


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

    @property
    def seated(self) -> bool:
        return self.status == SignupStatus.CONFIRMED

    @property
    def active(self) -> bool:
        return self.status != SignupStatus.CANCELLED

    def confirm(self) -> None:
        self._move(SignupStatus.CONFIRMED)

    def wait(self, position: int) -> None:
        self._move(SignupStatus.WAITLISTED, position)

    def cancel(self) -> None:
        self._move(SignupStatus.CANCELLED)

    def _move(self, status: SignupStatus, position: int | None = None) -> None:
        if status not in _SIGNUP_MOVES[self.status]:
            raise RuleViolation("breakouts", str(PLACE_NOT_POSSIBLE[self.status]))
        self.status, self.waitlist_position = status, position
        self.registration.status_changed_at = utcnow()  # the personal schedule's version moves


ERASED_ADDRESS_DOMAIN = "@invalid"  # RFC 2606: never delivered


class Invitation(db.Model):
    """An invitation to one dialogue; its code is only valid for the invited email."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("dialogue_id", "email"), known_language())

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # in its emails
    language: Mapped[str] = language_column()  # of its mails
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
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dialogue: Mapped[Dialogue] = relationship()

    def state_at(self, now: datetime) -> InvitationState:
        """The state as it stands at `now`: a pending invitation past its date has expired."""
        if self.state == InvitationState.PENDING and self.expires_at <= now:
            return InvitationState.EXPIRED
        return self.state

    def unusable_reason(self, now: datetime) -> str | None:
        """Why its code cannot be used to register at `now`, if it cannot."""
        state = self.state_at(now)
        return None if state == InvitationState.PENDING else str(UNUSABLE[state])

    def accept(self, now: datetime) -> None:
        self._respond(InvitationState.ACCEPTED, now)

    def decline(self, now: datetime) -> None:
        self._respond(InvitationState.DECLINED, now)

    def revoke(self, now: datetime) -> None:
        if self.state_at(now) != InvitationState.PENDING:
            raise RuleViolation(None, f"This invitation was {self.state_at(now).value} already.")
        self.state = InvitationState.REVOKED

    @property
    def erased(self) -> bool:
        return self.email.endswith(ERASED_ADDRESS_DOMAIN)

    @property
    def can_be_resent(self) -> bool:
        return self.state != InvitationState.ACCEPTED and not self.erased

    def reopen(self, code_hash: str, expires_at: datetime, now: datetime) -> None:
        """Send it again with a new code (the old link stops working), reopening it if it
        had expired, was declined (minds change) or revoked; an accepted one is done."""
        if self.erased:
            raise RuleViolation(None, "The invitee's data was erased: it cannot be re-sent.")
        if not self.can_be_resent:
            raise RuleViolation(
                None, f"This invitation was {self.state.value}; it cannot be re-sent."
            )
        self.state, self.code_hash, self.sent_at = InvitationState.PENDING, code_hash, now
        self.reminders_sent = 0  # the reminders count from the organisers' latest sending
        self.expires_at = max(self.expires_at, expires_at)

    def reminder_due(self, now: datetime, every: timedelta, limit: int) -> bool:
        """Still unanswered `every` after the last message it was sent, and reminded fewer than
        `limit` times."""
        return (
            self.state_at(now) == InvitationState.PENDING
            and self.reminders_sent < limit
            and now - self.last_sent_at >= every
        )

    @property
    def last_sent_at(self) -> datetime:
        """When the invitee was last written to: the invitation, a resend or a reminder."""
        return max(filter(None, (self.sent_at, self.reminded_at)), default=self.created_at)

    def remind(self, code_hash: str, now: datetime) -> None:
        """A reminder carries a new code (codes are kept only hashed, so the old one cannot be
        sent again), which replaces the old one."""
        if self.state_at(now) != InvitationState.PENDING:
            raise RuleViolation(None, f"This invitation is {self.state_at(now).value}.")
        self.code_hash, self.reminded_at = code_hash, now
        self.reminders_sent += 1

    def forget(self) -> None:
        """The invitee is erased: their name and address go, and the link with them; the
        row stays, so the dialogue's counts stay true."""
        self.email = f"erased-{self.id}{ERASED_ADDRESS_DOMAIN}"
        self.name = self.affiliation = ""
        if self.state == InvitationState.PENDING:
            self.state = InvitationState.REVOKED

    def _respond(self, state: InvitationState, now: datetime) -> None:
        if problem := self.unusable_reason(now):
            raise RuleViolation(None, problem)
        self.state, self.responded_at = state, now
