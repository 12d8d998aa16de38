"""Registration rules: who may register, who gets a seat, who waits, what a freed seat does.

One function per use case (register, cancel, decide ...): each checks every rule once, here,
changes and flushes, and leaves the commit to the boundary. Seats are given by the seating
engine, under the dialogue's seat lock, which is taken as late as possible: what can be read
and checked before it is, so the lock is held for the seat decision and its writing only.
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ip4dialogue.addresses import canonical_email
from ip4dialogue.audit import record
from ip4dialogue.dialogues.checks import overlapping_pairs
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    RegistrationMode,
)
from ip4dialogue.dialogues.queries import released_agenda, released_breakouts, visible_dialogue
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.extensions import db
from ip4dialogue.i18n import DEFAULT, translated
from ip4dialogue.jobs import outbox
from ip4dialogue.people.directory import person_for
from ip4dialogue.people.models import Participant, Profile
from ip4dialogue.registration import emails, questions, seating
from ip4dialogue.registration.models import (
    CONFIRMATION_LIFETIME,
    NOT_POSSIBLE,
    Answer,
    Decision,
    Invitation,
    LinkPurpose,
    Question,
    Registration,
    RegistrationLink,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.registration.queries import link_by_token
from ip4dialogue.report.queries import themes_with_ids
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import local_datetime
from ip4dialogue.tokens import digest, new_secret

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser


def issue_token(registration: Registration) -> str:
    """A further private link to a registration; the links its holder has keep working, so
    nobody who types their address into the form can break them."""
    token, token_hash = new_secret()
    registration.add_link(LinkPurpose.MANAGE, token_hash)
    return token


def replace_links(registration: Registration) -> str:
    """One new private link instead of all the others, which stop working: for a link that
    was lost or seen by someone else."""
    registration.revoke_links(LinkPurpose.MANAGE)
    return issue_token(registration)


def _confirmation_token(registration: Registration, now: datetime) -> str:
    token, token_hash = new_secret()
    registration.add_link(LinkPurpose.CONFIRM, token_hash, now + CONFIRMATION_LIFETIME)
    return token


def announce(seated: seating.Seated) -> None:
    """Tell everyone a change seated: a new link for those now in the dialogue; a note for
    those now in a break-out (unless they were seated in the dialogue by the same change)."""
    for registration in seated.registrations:
        emails.send_to_registrant("promoted", registration, issue_token(registration))
    for signup in seated.signups:
        if signup.registration not in seated.registrations:
            emails.send_to_registrant("breakout_confirmed", signup.registration)


def seat_those_waiting(dialogue: Dialogue) -> seating.Seated:
    """After a change that may have freed seats (capacity, rooms, break-outs): give them to
    those waiting, in order, and tell them."""
    seating.lock(dialogue)
    seated = seating.reseat(dialogue)
    announce(seated)
    return seated


# What pages show

# A registration's status as its holder reads it ("registration" tells translators apart a
# cancelled registration from a cancelled session).
STATUS_LABELS = {
    RegistrationStatus.UNCONFIRMED: _l("Unconfirmed"),
    RegistrationStatus.PENDING: _l("Pending"),
    RegistrationStatus.CONFIRMED: lazy_pgettext("registration", "Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waitlisted"),
    RegistrationStatus.DECLINED: _l("Declined"),
    RegistrationStatus.CANCELLED: lazy_pgettext("registration", "Cancelled"),
}


def seats_left(dialogue: Dialogue) -> int | None:
    """Free seats, or None when the dialogue has no limit."""
    return seating.dialogue_pool(dialogue).free()


def availability(free: int | None, capacity: int | None) -> str:
    """Seats as the public sees them: coarse, so that nobody can follow the count to tell
    one person's registration."""
    if free is None or capacity is None:
        return ""
    if free == 0:
        return _("full: you would join the waitlist")
    if free <= max(2, capacity // 10):
        return _("few seats left")
    return _("seats available")


@dataclass(frozen=True)
class Breakout:
    """A break-out as participants choose it: as released (its title and times), with the
    session that seats them (seats are counted as they stand, not as released)."""

    shown: ReleasedItem
    item: AgendaItem


def breakouts(dialogue: Dialogue) -> list[Breakout]:
    """The break-outs the last release offers and that still take sign-ups: two queries."""
    taking = {item.id: item for item in seating.open_breakouts(dialogue)}
    return [
        Breakout(shown, taking[shown.id])
        for shown in released_breakouts(dialogue)
        if shown.id in taking
    ]


def breakout_seats_left(offered: list[Breakout]) -> dict[int, int | None]:
    """Free seats in each of these break-outs (None: no limit), in one query."""
    items = [breakout.item for breakout in offered]
    if not items:
        return {}
    taken = dict(
        db.session.execute(
            select(SessionSignup.item_id, func.count())
            .where(
                SessionSignup.item_id.in_([item.id for item in items]),
                SessionSignup.status == SignupStatus.CONFIRMED,
            )
            .group_by(SessionSignup.item_id)
        ).all()
    )
    return {
        item.id: None if item.seats is None else max(0, item.seats - taken.get(item.id, 0))
        for item in items
    }


def waitlist_rank(registration: Registration) -> int | None:
    """Place in line among those still waiting (1 is next)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.dialogue_id == registration.dialogue_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.waitlist_position < registration.waitlist_position,
        )
    )
    return 1 + (ahead or 0)


# Registering


@dataclass
class Details:
    """What an expert tells us: about themselves, and what running the dialogue must know."""

    profile: Profile
    access_needs: str = ""
    dietary_needs: str = ""
    answers: dict[int, str] = field(default_factory=dict)  # by question id
    language: str = DEFAULT  # of every email they are sent


@dataclass
class Application:
    email: str
    details: Details
    consent_data_processing: bool
    consent_chatham_house: bool
    breakout_ids: list[int] = field(default_factory=list)
    calendar_by_email: bool = True  # else a subscription: no calendar files are sent


@dataclass
class Outcome:
    """`token` is set when the applicant may go straight to their page: they proved they own
    the address with an invitation code. Otherwise they are told to check their email, and
    `confirmation` holds the token the email carries to confirm the address, for the mail
    only (a page that showed it would prove nothing)."""

    token: str | None
    confirmation: str | None = None


def window_problem(dialogue: Dialogue, now: datetime) -> str | None:
    """Why registration is not open right now, if it is not."""
    if dialogue.status != DialogueStatus.PUBLISHED:
        return _("Registration is not open for this dialogue.")
    opens, closes = dialogue.registration_opens_at, dialogue.registration_closes_at
    if opens and now < opens:
        return _("Registration opens on %(when)s.", when=local_datetime(opens, dialogue.zone))
    if closes and now >= closes:
        return _("Registration closed on %(when)s.", when=local_datetime(closes, dialogue.zone))
    return None


INVALID_CODE = _l(
    "This invitation code is not valid for this dialogue. Check the link in your email."
)
BY_INVITATION = _l("Participation in this dialogue is by invitation.")


@dataclass
class Desk:
    """A dialogue's registration desk as one visitor finds it: the dialogue, its break-outs,
    the invitation their link carries, and why they cannot register, if they cannot."""

    dialogue: Dialogue
    breakouts: list[Breakout]
    invitation: Invitation | None
    closed: str | None

    @property
    def invitation_missing(self) -> bool:
        """Closed for want of an invitation only: one may be asked for."""
        return self.closed in (str(BY_INVITATION), str(INVALID_CODE))

    @cached_property
    def seats_left(self) -> int | None:
        return seats_left(self.dialogue)

    @cached_property
    def breakout_seats(self) -> dict[int, int | None]:
        return breakout_seats_left(self.breakouts)

    @cached_property
    def questions(self) -> list[Question]:
        return questions.questions_of(self.dialogue.id)


def invitation_by_code(dialogue: Dialogue, code: str | None) -> Invitation | None:
    if not code or len(code) > 100:
        return None
    return db.session.scalars(
        select(Invitation).where(
            Invitation.dialogue_id == dialogue.id, Invitation.code_hash == digest(code)
        )
    ).one_or_none()


def desk(slug: str, code: str | None, now: datetime) -> Desk | None:
    """The desk of a published (or cancelled) dialogue; None when there is none. An
    invitation-only dialogue, or any link with a code, needs a valid, open invitation."""
    dialogue = visible_dialogue(slug)
    if dialogue is None:
        return None
    invitation = invitation_by_code(dialogue, code)
    closed = window_problem(dialogue, now)
    if closed is None and (dialogue.registration_mode == RegistrationMode.INVITATION or code):
        if invitation is not None:
            closed = invitation.unusable_reason(now)
        else:
            closed = str(INVALID_CODE if code else BY_INVITATION)
    return Desk(dialogue, breakouts(dialogue), invitation, closed)


def _check_consents(dialogue: Dialogue, application: Application) -> None:
    if not application.consent_data_processing:
        raise RuleViolation(
            "consent_data_processing", _("We cannot register you without this agreement.")
        )
    if dialogue.chatham_house and not application.consent_chatham_house:
        raise RuleViolation(
            "consent_chatham_house",
            _(
                "This dialogue is held under the Chatham House Rule; please confirm you will "
                "respect it."
            ),
        )


def check_breakouts(offered: list[Breakout], item_ids: Iterable[int]) -> list[AgendaItem]:
    """The sessions of the chosen break-outs, refusing one not offered, and two that run at
    the same time as released."""
    by_id = {breakout.item.id: breakout for breakout in offered}
    wanted = list(dict.fromkeys(item_ids))
    if any(item_id not in by_id for item_id in wanted):
        raise RuleViolation("breakouts", _("Choose among the break-outs offered."))
    if clash := next(overlapping_pairs(by_id[i].shown for i in wanted), None):
        first, second = (translated(shown, "title") for shown in clash)
        raise RuleViolation(
            "breakouts",
            _(
                "“%(first)s” and “%(second)s” run at the same time: choose one of them.",
                first=first,
                second=second,
            ),
        )
    return [by_id[item_id].item for item_id in wanted]


def _still_open(desk: Desk, now: datetime) -> None:
    """Under the seat lock, what a concurrent change could have closed: the dialogue (read
    afresh by the lock), and the invitation, revoked or used meanwhile."""
    if problem := window_problem(desk.dialogue, now):
        raise RuleViolation(None, problem)
    if desk.invitation is not None:
        db.session.refresh(desk.invitation, ["state", "expires_at"])
        if problem := desk.invitation.unusable_reason(now):
            raise RuleViolation(None, problem)


def _likely_seated(dialogue: Dialogue) -> bool:
    """Whether a newcomer will probably get a seat, as far as can be told before the lock;
    were a seat to free meanwhile, their calendar would still be read, under the lock."""
    return dialogue.registration_mode != RegistrationMode.APPROVAL and (
        seating.dialogue_pool(dialogue).free() != 0
    )


def _registration_of(person: Participant, dialogue: Dialogue) -> Registration | None:
    return db.session.scalars(
        select(Registration).where(
            Registration.participant_id == person.id, Registration.dialogue_id == dialogue.id
        )
    ).one_or_none()


def register(desk: Desk, application: Application, now: datetime) -> Outcome:
    """Register an expert at a desk. With an invitation code, which proves the address, the
    registration joins the dialogue at once; otherwise it holds nothing until the address is
    confirmed from the email (`confirm`). An address registered already is sent a link
    instead: the answer looks the same either way, so nobody learns who is registered.
    The person is found or added, and everything checked, before the seat lock; under it,
    their registration is looked for afresh."""
    dialogue, invitation = desk.dialogue, desk.invitation
    if desk.closed:
        raise RuleViolation(None, desk.closed)
    email = canonical_email(application.email)
    if invitation is not None and invitation.email != email:
        raise RuleViolation(
            "email", _("This invitation was sent to another address: use the invited email.")
        )
    _check_consents(dialogue, application)
    chosen = check_breakouts(desk.breakouts, application.breakout_ids)
    answered = questions.checked(desk.questions, application.details.answers)
    profile = application.details.profile
    if invitation is not None and _likely_seated(dialogue):
        released_agenda(dialogue)  # for the calendar the confirmation carries: not under the lock

    participant = person_for(email, profile.name)
    if invitation is not None:  # the code proves the address: the details are theirs
        participant.describe(profile)
        participant.language = application.details.language

    seating.lock(dialogue)
    _still_open(desk, now)
    if existing := _registration_of(participant, dialogue):
        _remind_holder(existing, now)
        return Outcome(token=None)
    registration = Registration(
        participant=participant,
        dialogue=dialogue,
        invitation=invitation,
        status=RegistrationStatus.UNCONFIRMED,
        consent_data_processing_at=now,
        consent_chatham_house_at=now if application.consent_chatham_house else None,
        calendar_by_email=application.calendar_by_email,
        access_needs=application.details.access_needs.strip(),
        dietary_needs=application.details.dietary_needs.strip(),
        signups=[],
        links=[],
    )
    db.session.add(registration)
    questions.keep(registration, answered)
    if invitation is None:
        # What they asked for, in the language they asked for (see emails.language_of).
        registration.submitted_profile = profile.record() | {
            "language": application.details.language
        }
        for item in chosen:  # wishes, placed in the order of confirmation
            registration.signups.append(SessionSignup(item=item, status=SignupStatus.CANCELLED))
        db.session.flush()
        confirmation = _confirmation_token(registration, now)
        emails.send_confirmation(registration, confirmation)
        return Outcome(token=None, confirmation=confirmation)
    invitation.accept(now)
    token = issue_token(registration)
    emails.send_to_registrant(_join(registration, chosen, now), registration, token)
    return Outcome(token=token)


def _remind_holder(registration: Registration, now: datetime) -> None:
    """Someone typed a registered address: its holder is sent a further link (to confirm,
    if they have not yet), and every link they hold goes on working."""
    if registration.unconfirmed:
        emails.send_confirmation(registration, _confirmation_token(registration, now))
    else:
        emails.send_to_registrant("manage_link", registration, issue_token(registration))


def _join(registration: Registration, breakouts: Iterable[AgendaItem], now: datetime) -> str:
    """The address proven, the registration joins the dialogue: for review, or a seat while
    seats last, else the end of the line; then its break-outs. Returns the news to send."""
    registration.participant.confirm_address(now)
    registration.join()
    if registration.dialogue.registration_mode == RegistrationMode.APPROVAL:
        registration.submit()
        db.session.flush()
        kind = "received"
    else:
        seated = seating.admit(seating.dialogue_pool(registration.dialogue), registration)
        kind = "confirmed" if seated else "waitlisted"
    for item in breakouts:
        seating.join_breakout(registration, item)
    return kind


EXPIRED_CONFIRMATION = _l(
    "This confirmation link has expired or was used already. If your registration is "
    "confirmed, the link to it is in the email that said so; otherwise, register again."
)


def confirmation(token: str, now: datetime) -> Registration:
    """The unconfirmed registration a confirmation link opens, while the link works."""
    link = link_by_token(token, LinkPurpose.CONFIRM)
    if link is None or link.expires_at is None or link.expires_at <= now:
        raise RuleViolation(None, str(EXPIRED_CONFIRMATION))
    return link.registration


def confirm(registration: Registration, now: datetime) -> str:
    """Confirm the address of the registration a working link opened (see `confirmation`):
    it joins the dialogue, in the order of confirmation, and is sent its private link, which
    is returned."""
    dialogue = registration.dialogue
    _adopt_submitted_profile(registration)
    released_agenda(dialogue)  # for the calendar the news carries: read before the lock
    taking = {item.id for item in seating.open_breakouts(dialogue)}
    seating.lock_registration(registration)
    if not registration.unconfirmed:
        raise RuleViolation(None, str(EXPIRED_CONFIRMATION))
    if dialogue.status != DialogueStatus.PUBLISHED:  # the link outlives a closing date
        raise RuleViolation(None, _("Registration is not open for this dialogue."))
    wishes = [signup.item for signup in registration.signups if signup.item_id in taking]
    token = issue_token(registration)
    emails.send_to_registrant(_join(registration, wishes, now), registration, token)
    return token


def _adopt_submitted_profile(registration: Registration) -> None:
    """The details given with the registration become the person's, unless someone proved
    the address before (and keeps the details they gave). The language asked for becomes
    theirs either way: whoever confirms owns the address, and has chosen how to be written to."""
    person, submitted = registration.participant, registration.submitted_profile
    if submitted is None:
        return
    person.language = submitted.get("language", person.language)
    if person.address_confirmed_at is None:
        expertise = themes_with_ids(submitted.get("expertise", []))
        person.describe(Profile.from_record(submitted, expertise))


def purge_unconfirmed(now: datetime) -> int:
    """Delete the registrations nobody confirmed in time, and the people who were only
    ever the address typed into them. Returns how many registrations went."""
    live = select(RegistrationLink.id).where(
        RegistrationLink.registration_id == Registration.id,
        RegistrationLink.purpose == LinkPurpose.CONFIRM,
        RegistrationLink.expires_at > now,
    )
    stale = db.session.scalars(
        select(Registration).where(
            Registration.status == RegistrationStatus.UNCONFIRMED, ~live.exists()
        )
    ).all()
    typed = {registration.participant_id for registration in stale}
    for registration in stale:
        db.session.delete(registration)
    db.session.flush()
    taking_part = or_(
        select(Registration.id).where(Registration.participant_id == Participant.id).exists(),
        select(AgendaRole.id).where(AgendaRole.participant_id == Participant.id).exists(),
    )
    nobody = select(Participant).where(
        Participant.id.in_(typed), Participant.address_confirmed_at.is_(None), ~taking_part
    )
    for person in db.session.scalars(nobody):
        db.session.delete(person)
    return len(stale)


# The participant's own page


def replace_own_link(registration: Registration) -> str:
    """The holder replaces their link from their page; the new one is mailed to them too."""
    token = replace_links(registration)
    emails.send_to_registrant("link_replaced", registration, token)
    return token


def update_details(registration: Registration, details: Details) -> None:
    asked = questions.questions_of(registration.dialogue_id)
    answered = questions.checked(asked, details.answers, registration)
    questions.keep(registration, answered)
    registration.participant.describe(details.profile)
    registration.participant.language = details.language
    registration.access_needs = details.access_needs.strip()
    registration.dietary_needs = details.dietary_needs.strip()


def choose_calendar(registration: Registration, by_email: bool) -> bool:
    """Sessions by emailed invitations, or by subscription. A change is confirmed by mail,
    which brings the invitations, or cancels those sent before (the subscription holds the
    sessions now, and none should show twice). Says whether anything changed."""
    if registration.calendar_by_email == by_email:
        return False
    registration.calendar_by_email = by_email
    emails.send_to_registrant("calendar_chosen", registration)
    return True


def set_breakouts(registration: Registration, item_ids: Iterable[int]) -> None:
    """Join and leave break-outs as chosen on the participant's page."""
    offered = breakouts(registration.dialogue)
    wanted = {item.id: item for item in check_breakouts(offered, item_ids)}
    seating.lock_registration(registration)
    if not registration.status.active:
        raise RuleViolation(None, str(NOT_POSSIBLE[registration.status]))
    seated = seating.Seated()
    left = []
    for signup in registration.signups:
        if signup.item_id not in wanted and signup.active:
            left.append(signup.item)
            seated.signups += seating.leave(signup)
    joined = {signup.item_id for signup in registration.signups if signup.active}
    added = [item for item_id, item in wanted.items() if item_id not in joined]
    for item in added:
        seating.join_breakout(registration, item)
    announce(seated)
    if left or added:  # what they now hold, in writing, with their calendar brought along
        chosen = sorted(
            (signup for signup in registration.signups if signup.active),
            key=lambda signup: (signup.item.starts_at, signup.item.title),
        )
        emails.send_to_registrant("breakouts_changed", registration, chosen=chosen, left=left)


@dataclass(frozen=True)
class Leaving:
    """What giving up a registration would set off, for the page that asks first: whether a
    seat frees, who would take it, and how many break-out places go with it."""

    frees_seat: bool
    successor: Registration | None
    breakouts: int


def leaving(registration: Registration) -> Leaving:
    successor = None
    if registration.seated:
        pool = seating.dialogue_pool(registration.dialogue)
        if pool.open:
            successor = next(iter(pool.first_in_line(1, registration)), None)
    breakouts = sum(1 for signup in registration.signups if signup.active)
    return Leaving(registration.seated, successor, breakouts)


class SeatLeft(enum.StrEnum):
    """What became of the place a registration gave up, as its holder is told."""

    HANDED_ON = "handed_on"  # to the first on the waitlist
    FREED = "freed"  # nobody waited: free for the next to register
    WAITLIST = "waitlist"  # there was no seat, only a place on the waitlist
    NONE = "none"  # there was no seat: the registration waited for a decision


def _withdraw(registration: Registration, *, declined: bool = False) -> SeatLeft:
    """Leave the dialogue, cancelled or declined: its seats go to the next in line. The
    caller holds the seat lock."""
    was_seated = registration.seated
    waitlisted = registration.status == RegistrationStatus.WAITLISTED
    left = SeatLeft.WAITLIST if waitlisted else SeatLeft.NONE
    if declined:
        registration.decline()
    else:
        registration.cancel()
    seated = seating.leave_breakouts(registration)
    if was_seated:
        reseated = seating.reseat(registration.dialogue)
        left = SeatLeft.HANDED_ON if reseated.registrations else SeatLeft.FREED
        seated += reseated
    announce(seated)
    return left


def cancel(registration: Registration) -> None:
    seating.lock_registration(registration)
    seat = _withdraw(registration)
    emails.send_to_registrant("cancelled", registration, seat=seat.value)


def erase(registration: Registration) -> None:
    """An expert erases their data from their own page."""
    registration.participant.erase()


def withdraw_erased(person: Participant) -> None:
    """A person is being erased: their places go to the next in line, their needs and links
    go, and so does every invitation sent to their address."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.participant_id == person.id)
        .options(
            selectinload(Registration.dialogue),
            selectinload(Registration.signups),
            selectinload(Registration.links),
        )
    ).all()
    for registration in registrations:
        if registration.status.active and not registration.dialogue.ended:
            seating.lock_registration(registration)
            _withdraw(registration)  # of a dialogue that is over, the record stays, anonymous
        registration.forget_needs()
        registration.revoke_links()  # no link works any more
    _forget_answers(registrations)
    sent_to_them = select(Invitation).where(Invitation.email == person.email)
    for invitation in db.session.scalars(sent_to_them):
        invitation.forget()
    outbox.forget_address(person.email)


# Organisers' decisions

NOTICES = {
    Decision.APPROVE: ("approved", "waitlisted"),
    Decision.PROMOTE: ("confirmed", "confirmed"),
    Decision.WAITLIST: ("waitlisted", "waitlisted"),
}


def decide(
    registration: Registration, decision: Decision, organiser: "Organiser | None"
) -> RegistrationStatus:
    """Approve, promote, waitlist or decline, as the registration's status allows; never
    overbook. A refusal comes before any change (so decide_each can go on to the next). The
    decision goes to the audit log: statuses only, never personal data."""
    dialogue = seating.lock_registration(registration)
    registration.require(decision)
    before = registration.status
    if decision == Decision.DECLINE:
        _withdraw(registration, declined=True)
        emails.send_to_registrant("declined", registration)
    else:
        _seat_or_queue(registration, decision, dialogue)
        seated_kind, waiting_kind = NOTICES[decision]
        kind = seated_kind if registration.seated else waiting_kind
        emails.send_to_registrant(kind, registration, issue_token(registration))
    record(
        f"registration.{decision.value}",
        registration,
        organiser=organiser,
        dialogue_id=registration.dialogue_id,
        before={"status": before.value},
        after={"status": registration.status.value},
    )
    return registration.status


@dataclass
class Decided:
    """What one decision taken for many did: to whom, and whom it could not be taken for."""

    done: list[Registration] = field(default_factory=list)
    refused: list[tuple[Registration, str]] = field(default_factory=list)


def decide_each(
    registrations: Iterable[Registration], decision: Decision, organiser: "Organiser | None"
) -> Decided:
    """The same decision for each of `registrations`, in their order (so the first approved
    gets the first free seat). One that its status does not allow, or a promotion with no
    seat left, is refused alone: `decide` refuses before it changes anything."""
    decided = Decided()
    for registration in registrations:
        try:
            decide(registration, decision, organiser)
        except RuleViolation as refusal:
            decided.refused.append((registration, refusal.message))
        else:
            decided.done.append(registration)
    return decided


def can_be_written_to(registration: Registration) -> bool:
    """Whether organisers may write to the registration: to a proven address only (anyone
    can type anyone's into the form), and not to data erased."""
    return not registration.unconfirmed and registration.participant.email is not None


SENT_ALREADY = "This message was sent already: nobody gets it twice."


def write_to_each(
    registrations: Iterable[Registration],
    subject: str,
    body: str,
    organiser: "Organiser | None",
    sending: str,
) -> list[Registration]:
    """The organisers' own message to each of `registrations` that may be written to, one
    email each (nobody sees who else got it), once for each `sending` (the page it was
    written on): sent again, by a second click or the back button, it is refused. Returns
    those written to; the audit log keeps the subject and how many, never who."""
    written = [registration for registration in registrations if can_be_written_to(registration)]
    keys = {registration.id: f"letter:{sending}:{registration.id}" for registration in written}
    if outbox.keys_taken(db.session, keys.values()):
        raise RuleViolation(None, SENT_ALREADY)
    try:  # the same page sent twice at once: the second meets the first's keys, and goes
        for registration in written:  # back whole (the caller rolls back a refusal)
            emails.send_letter(registration, subject, body, keys[registration.id])
    except IntegrityError:
        raise RuleViolation(None, SENT_ALREADY) from None
    if written:
        dialogue = written[0].dialogue
        record(
            "dialogue.letter_sent",
            dialogue,
            organiser=organiser,
            dialogue_id=dialogue.id,
            after={"subject": subject, "recipients": len(written)},
        )
    return written


def _seat_or_queue(registration: Registration, decision: Decision, dialogue: Dialogue) -> None:
    pool = seating.dialogue_pool(dialogue)
    if decision == Decision.WAITLIST:  # to the end of the line; a seat given up goes on
        was_seated = registration.seated
        seating.queue(pool, registration)
        seated = seating.leave_breakouts(registration, keep_place=True)
        if was_seated:
            seated += seating.reseat(dialogue, passing_over=registration)
        announce(seated)
        return
    if decision == Decision.PROMOTE and pool.free() == 0:
        raise RuleViolation(None, "No seat is free: raise the dialogue's capacity first.")
    if seating.admit(pool, registration):
        seating.seat_breakouts_of(registration)


def send_new_link(registration: Registration, organiser: "Organiser | None") -> None:
    """Replace a private link an expert lost or exposed: the old ones stop working."""
    if registration.unconfirmed:
        raise RuleViolation(None, "Nobody has confirmed this address yet: there is no link.")
    emails.send_to_registrant("new_link", registration, replace_links(registration))
    record(
        "registration.new_link",
        registration,
        organiser=organiser,
        dialogue_id=registration.dialogue_id,
    )


def purge(before: date) -> int:
    """Remove the personal data of registrations to dialogues that ended before `before`:
    their needs, and every person who takes no part (registration or role) in a later
    dialogue. Returns how many registrations were purged; anonymous counts remain."""
    old = db.session.scalars(
        select(Registration)
        .join(Registration.dialogue)
        .where(Dialogue.end_date < before)
        .options(selectinload(Registration.participant), selectinload(Registration.links))
    ).all()
    for registration in old:
        registration.forget_needs()
        registration.revoke_links()
    _forget_answers(old)
    staying = _taking_part_later(before)
    for person in {registration.participant for registration in old}:
        if person.id not in staying:
            person.erase()
    return len(old)


def _forget_answers(registrations: Sequence[Registration]) -> None:
    """Their answers to the organisers' questions go with their needs: in one statement,
    however many, since none of them need be read first."""
    if registrations:
        db.session.execute(
            delete(Answer).where(Answer.registration_id.in_([r.id for r in registrations])),
            execution_options={"synchronize_session": False},
        )


def _taking_part_later(before: date) -> set[int]:
    """The people registered for, or with a role in, a dialogue ending on `before` or later."""
    later = Dialogue.end_date >= before
    registered = select(Registration.participant_id).join(Registration.dialogue).where(later)
    speaking = select(AgendaRole.participant_id).join(AgendaRole.item).join(AgendaItem.dialogue)
    return set(db.session.scalars(registered)) | set(db.session.scalars(speaking.where(later)))
