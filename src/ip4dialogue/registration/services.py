"""Registration rules: who may register, who gets a seat, who waits, what a freed seat does.

One function per use case (register, cancel, decide ...): each checks every rule once, here,
changes and flushes, and leaves the commit to the boundary. Seats are given by the seating
engine, under the dialogue's seat lock, which is taken as late as possible: what can be read
and checked before it is, so the lock is held for the seat decision and its writing only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import func, select
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
from ip4dialogue.jobs import outbox
from ip4dialogue.people.directory import person_with_email
from ip4dialogue.people.models import Participant, Profile
from ip4dialogue.registration import emails, seating
from ip4dialogue.registration.models import (
    Decision,
    Invitation,
    Registration,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.rules import RuleViolation
from ip4dialogue.tokens import digest, new_secret

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser


def issue_token(registration: Registration) -> str:
    """A fresh private link for a registration; earlier links stop working."""
    token, registration.manage_token_hash = new_secret()
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


def seats_left(dialogue: Dialogue) -> int | None:
    """Free seats, or None when the dialogue has no limit."""
    return seating.dialogue_pool(dialogue).free()


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


@dataclass
class Application:
    email: str
    details: Details
    consent_data_processing: bool
    consent_chatham_house: bool
    breakout_ids: list[int] = field(default_factory=list)


@dataclass
class Outcome:
    """`token` is set when the applicant may go straight to their page: they proved they own
    the address with an invitation code. Otherwise they are told to check their email."""

    token: str | None


def window_problem(dialogue: Dialogue, now: datetime) -> str | None:
    """Why registration is not open right now, if it is not."""
    if dialogue.status != DialogueStatus.PUBLISHED:
        return "Registration is not open for this dialogue."
    if dialogue.registration_opens_at and now < dialogue.registration_opens_at:
        opens = dialogue.registration_opens_at.astimezone(dialogue.zone)
        return f"Registration opens on {opens:%d %B %Y at %H:%M} ({dialogue.timezone})."
    if dialogue.registration_closes_at and now >= dialogue.registration_closes_at:
        closed = dialogue.registration_closes_at.astimezone(dialogue.zone)
        return f"Registration closed on {closed:%d %B %Y at %H:%M} ({dialogue.timezone})."
    return None


INVALID_CODE = "This invitation code is not valid for this dialogue. Check the link in your email."


@dataclass
class Desk:
    """A dialogue's registration desk as one visitor finds it: the dialogue, its break-outs,
    the invitation their link carries, and why they cannot register, if they cannot."""

    dialogue: Dialogue
    breakouts: list[Breakout]
    invitation: Invitation | None
    closed: str | None

    @cached_property
    def seats_left(self) -> int | None:
        return seats_left(self.dialogue)

    @cached_property
    def breakout_seats(self) -> dict[int, int | None]:
        return breakout_seats_left(self.breakouts)


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
        closed = INVALID_CODE if invitation is None else invitation.unusable_reason(now)
    return Desk(dialogue, breakouts(dialogue), invitation, closed)


def _check_consents(dialogue: Dialogue, application: Application) -> None:
    if not application.consent_data_processing:
        raise RuleViolation(
            "consent_data_processing", "We cannot register you without this agreement."
        )
    if dialogue.chatham_house and not application.consent_chatham_house:
        raise RuleViolation(
            "consent_chatham_house",
            "This dialogue is held under the Chatham House Rule; please confirm you will "
            "respect it.",
        )


def check_breakouts(offered: list[Breakout], item_ids: Iterable[int]) -> list[AgendaItem]:
    """The sessions of the chosen break-outs, refusing one not offered, and two that run at
    the same time as released."""
    by_id = {breakout.item.id: breakout for breakout in offered}
    wanted = list(dict.fromkeys(item_ids))
    if any(item_id not in by_id for item_id in wanted):
        raise RuleViolation("breakouts", "Choose among the break-outs offered.")
    if clash := next(overlapping_pairs(by_id[i].shown for i in wanted), None):
        first, second = clash
        raise RuleViolation(
            "breakouts",
            f"“{first.title}” and “{second.title}” run at the same time: choose one of them.",
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


def _registration_of(person: Participant | None, dialogue: Dialogue) -> Registration | None:
    if person is None:
        return None
    return db.session.scalars(
        select(Registration).where(
            Registration.participant_id == person.id, Registration.dialogue_id == dialogue.id
        )
    ).one_or_none()


def register(desk: Desk, application: Application, now: datetime) -> Outcome:
    """Register an expert at a desk, or, when the address is registered already, send its
    owner their link again: the answer looks the same either way, so nobody learns who is
    registered. Everything is checked before the seat lock; under it, who is who is read
    afresh and the seat decided."""
    dialogue, invitation = desk.dialogue, desk.invitation
    if desk.closed:
        raise RuleViolation(None, desk.closed)
    email = canonical_email(application.email)
    if invitation is not None and invitation.email != email:
        raise RuleViolation(
            "email", "This invitation was sent to another address: use the invited email."
        )
    _check_consents(dialogue, application)
    chosen = check_breakouts(desk.breakouts, application.breakout_ids)
    profile = application.details.profile
    if _likely_seated(dialogue):
        released_agenda(dialogue)  # for the calendar the confirmation carries: not under the lock

    seating.lock(dialogue)
    _still_open(desk, now)
    participant = person_with_email(email)
    if existing := _registration_of(participant, dialogue):
        emails.send_to_registrant("manage_link", existing, issue_token(existing))
        return Outcome(token=None)
    if participant is None:
        participant = Participant(email=email, name=profile.name)
        db.session.add(participant)
    if participant.id is None or invitation is not None:  # a code proves who they are
        participant.describe(profile)
    token, token_hash = new_secret()
    registration = Registration(
        participant=participant,
        dialogue=dialogue,
        invitation=invitation,
        status=RegistrationStatus.PENDING,
        manage_token_hash=token_hash,
        consent_data_processing_at=now,
        consent_chatham_house_at=now if application.consent_chatham_house else None,
        access_needs=application.details.access_needs.strip(),
        dietary_needs=application.details.dietary_needs.strip(),
        signups=[],
    )
    db.session.add(registration)
    if invitation is not None:
        invitation.accept(now)
    if dialogue.registration_mode == RegistrationMode.APPROVAL:
        kind = "received"
        db.session.flush()
    else:
        seated = seating.admit(seating.dialogue_pool(dialogue), registration)
        kind = "confirmed" if seated else "waitlisted"
    for item in chosen:
        seating.join_breakout(registration, item)
    emails.send_to_registrant(kind, registration, token)
    return Outcome(token=token if invitation is not None else None)


# The participant's own page


def update_details(registration: Registration, details: Details) -> None:
    registration.participant.describe(details.profile)
    registration.access_needs = details.access_needs.strip()
    registration.dietary_needs = details.dietary_needs.strip()


def set_breakouts(registration: Registration, item_ids: Iterable[int]) -> None:
    """Join and leave break-outs as chosen on the participant's page."""
    offered = breakouts(registration.dialogue)
    wanted = {item.id: item for item in check_breakouts(offered, item_ids)}
    seating.lock_registration(registration)
    if not registration.status.active:
        raise RuleViolation(None, f"Not possible: the registration is {registration.status.value}.")
    seated = seating.Seated()
    for signup in registration.signups:
        if signup.item_id not in wanted and signup.active:
            seated.signups += seating.leave(signup)
    joined = {signup.item_id for signup in registration.signups if signup.active}
    for item_id, item in wanted.items():
        if item_id not in joined:
            seating.join_breakout(registration, item)
    announce(seated)


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


def _withdraw(registration: Registration, *, declined: bool = False) -> None:
    """Leave the dialogue, cancelled or declined: its seats go to the next in line. The
    caller holds the seat lock."""
    was_seated = registration.seated
    if declined:
        registration.decline()
    else:
        registration.cancel()
    seated = seating.leave_breakouts(registration)
    if was_seated:
        seated += seating.reseat(registration.dialogue)
    announce(seated)


def cancel(registration: Registration) -> None:
    seating.lock_registration(registration)
    _withdraw(registration)
    emails.send_to_registrant("cancelled", registration)


def erase(registration: Registration) -> None:
    """An expert erases their data from their own page."""
    registration.participant.erase()


def withdraw_erased(person: Participant) -> None:
    """A person is being erased: their places go to the next in line, their needs and links
    go, and so does every invitation sent to their address."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.participant_id == person.id)
        .options(selectinload(Registration.dialogue), selectinload(Registration.signups))
    ).all()
    for registration in registrations:
        if registration.status.active and not registration.dialogue.ended:
            seating.lock_registration(registration)
            _withdraw(registration)  # of a dialogue that is over, the record stays, anonymous
        registration.forget_needs()
        issue_token(registration)  # no link works any more
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
    overbook. The decision goes to the audit log: statuses only, never personal data."""
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
    """Replace a private link an expert lost or exposed: the old one stops working."""
    emails.send_to_registrant("new_link", registration, issue_token(registration))
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
        .options(selectinload(Registration.participant))
    ).all()
    for registration in old:
        registration.forget_needs()
        issue_token(registration)
    staying = _taking_part_later(before)
    for person in {registration.participant for registration in old}:
        if person.id not in staying:
            person.erase()
    return len(old)


def _taking_part_later(before: date) -> set[int]:
    """The people registered for, or with a role in, a dialogue ending on `before` or later."""
    later = Dialogue.end_date >= before
    registered = select(Registration.participant_id).join(Registration.dialogue).where(later)
    speaking = select(AgendaRole.participant_id).join(AgendaRole.item).join(AgendaItem.dialogue)
    return set(db.session.scalars(registered)) | set(db.session.scalars(speaking.where(later)))
