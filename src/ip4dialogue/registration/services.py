"""Registration rules: who gets a seat, who waits, and what happens when a seat frees.

Seats are allocated under a lock on the dialogue's row, held to the end of the transaction:
`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite, a write to that row as the transaction's
first write, which takes SQLite's single write lock (other writers wait for it). Counting and
deciding happen after the lock, so concurrent registrations from any number of processes
never overbook and the waitlist keeps arrival order.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from ip4dialogue.accounts.models import AuditEvent, Organiser
from ip4dialogue.accounts.services import record
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.checks import overlapping_pairs
from ip4dialogue.dialogues.models import (
    AgendaItem,
    Dialogue,
    DialogueStatus,
    ItemStatus,
    RegistrationMode,
)
from ip4dialogue.dialogues.services import mark_changed
from ip4dialogue.dialogues.timezones import zone_or_none
from ip4dialogue.extensions import db
from ip4dialogue.registration import emails
from ip4dialogue.registration.models import (
    Invitation,
    InvitationState,
    Participant,
    Registration,
    RegistrationStatus,
    Sector,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.report.models import Theme
from ip4dialogue.rules import RuleViolation
from ip4dialogue.tokens import digest, new_secret

ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
PENDING, CONFIRMED, WAITLISTED, DECLINED = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.DECLINED,
)
# What can be done to a registration in each state; checked under the lock.
TRANSITIONS = {
    "approve": {PENDING, DECLINED},
    "decline": {PENDING, CONFIRMED, WAITLISTED},
    "waitlist": {PENDING, CONFIRMED},
    "promote": {WAITLISTED},
    "cancel": set(ACTIVE),
}
DECISIONS = ("approve", "promote", "waitlist", "decline")


def allowed_decisions(registration: Registration) -> list[str]:
    """The organisers' decisions open for this registration, in the order to offer them."""
    return [action for action in DECISIONS if registration.status in TRANSITIONS[action]]


def _require(action: str, registration: Registration) -> None:
    if registration.status not in TRANSITIONS[action]:
        raise RuleViolation(None, f"Not possible: the registration is {registration.status.value}.")


# Private links


def issue_token(registration: Registration) -> str:
    """A fresh private link for a registration; earlier links stop working."""
    token, registration.manage_token_hash = new_secret()
    return token


def registration_by_token(token: str) -> Registration | None:
    """The registration behind a private link. Only the digest is compared, so neither
    timing nor a leaked database reveals a working token."""
    if not token or len(token) > 100:
        return None
    query = (
        select(Registration)
        .where(Registration.manage_token_hash == digest(token))
        .options(
            selectinload(Registration.participant).selectinload(Participant.expertise),
            selectinload(Registration.dialogue)
            .selectinload(Dialogue.items)
            .selectinload(AgendaItem.room),
            selectinload(Registration.signups).selectinload(SessionSignup.item),
        )
    )
    return db.session.scalars(query).one_or_none()


# Locking and counting


def lock_dialogue(dialogue_id: int) -> Dialogue:
    """The dialogue, locked against concurrent seat allocation until commit (see above)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE dialogues SET id = id WHERE id = :id"), {"id": dialogue_id})
        query = select(Dialogue).where(Dialogue.id == dialogue_id)
    else:
        query = select(Dialogue).where(Dialogue.id == dialogue_id).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def lock_registration(registration: Registration) -> Dialogue:
    """Lock the registration's dialogue, then read the registration again: a decision taken
    on what was read before the lock (a double click, a cancellation racing an approval)
    would be a decision on stale data."""
    dialogue = lock_dialogue(registration.dialogue_id)
    db.session.refresh(registration)
    for signup in registration.signups:
        db.session.refresh(signup)
    return dialogue


def _count(model: type, *conditions: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def confirmed_count(dialogue: Dialogue) -> int:
    return _count(
        Registration,
        Registration.dialogue_id == dialogue.id,
        Registration.status == RegistrationStatus.CONFIRMED,
    )


def seats_left(dialogue: Dialogue) -> int | None:
    """Free seats, or None when the dialogue has no limit."""
    if dialogue.capacity is None:
        return None
    return max(0, dialogue.capacity - confirmed_count(dialogue))


def _next_position(model: type, owner_column: object, owner_id: int) -> int:
    highest = db.session.scalar(
        select(func.max(model.waitlist_position)).where(owner_column == owner_id)
    )
    return (highest or 0) + 1


def waitlist_rank(registration: Registration) -> int | None:
    """Place in line among those still waiting (1 is next)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return 1 + _count(
        Registration,
        Registration.dialogue_id == registration.dialogue_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.waitlist_position < registration.waitlist_position,
    )


def _set_status(registration: Registration, status: RegistrationStatus) -> None:
    """Change status; joining the waitlist means a place at its end. The place is counted
    before anything changes, as the query would flush a half-made change otherwise."""
    position = (
        _next_position(Registration, Registration.dialogue_id, registration.dialogue_id)
        if status == RegistrationStatus.WAITLISTED
        else None
    )
    registration.status, registration.waitlist_position = status, position
    registration.status_changed_at = utcnow()


def _place(registration: Registration, dialogue: Dialogue) -> RegistrationStatus:
    """Confirm while seats last, else join the end of the waitlist. Caller holds the lock."""
    free = seats_left(dialogue)
    status = (
        RegistrationStatus.CONFIRMED if free is None or free > 0 else RegistrationStatus.WAITLISTED
    )
    _set_status(registration, status)
    db.session.flush()
    if status == RegistrationStatus.CONFIRMED:
        _allocate_signups(registration)
    return status


def fill_free_seats(dialogue: Dialogue) -> list[Registration]:
    """Promote people from the waitlist, first come first served, while seats are free; each
    gets an email. Caller holds the lock."""
    promoted = []
    while (free := seats_left(dialogue)) is None or free > 0:
        first = db.session.scalars(
            select(Registration)
            .where(
                Registration.dialogue_id == dialogue.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.waitlist_position)
            .limit(1)
        ).first()
        if first is None:
            break
        _set_status(first, RegistrationStatus.CONFIRMED)
        db.session.flush()
        _allocate_signups(first)
        emails.send_to_registrant("promoted", first, issue_token(first))
        promoted.append(first)
    return promoted


# Break-outs


def signup_items(dialogue: Dialogue) -> list[AgendaItem]:
    return [
        item
        for item in dialogue.items
        if item.signup_required and item.status != ItemStatus.CANCELLED
    ]


def item_capacity(item: AgendaItem) -> int | None:
    """A break-out's own limit, else its room's, else none."""
    if item.capacity is not None:
        return item.capacity
    return item.room.capacity if item.room is not None else None


def breakout_seats_left(dialogue: Dialogue) -> dict[int, int | None]:
    """Free seats in each break-out of a dialogue (None: no limit), in one query."""
    items = signup_items(dialogue)
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
        item.id: None
        if (capacity := item_capacity(item)) is None
        else max(0, capacity - taken.get(item.id, 0))
        for item in items
    }


def _item_seats_left(item: AgendaItem) -> int | None:
    capacity = item_capacity(item)
    if capacity is None:
        return None
    taken = _count(
        SessionSignup,
        SessionSignup.item_id == item.id,
        SessionSignup.status == SignupStatus.CONFIRMED,
    )
    return max(0, capacity - taken)


def _set_signup_status(signup: SessionSignup, status: SignupStatus) -> None:
    signup.registration.status_changed_at = utcnow()  # the personal schedule's version moves
    position = (
        _next_position(SessionSignup, SessionSignup.item_id, signup.item_id)
        if status == SignupStatus.WAITLISTED
        else None
    )
    signup.status, signup.waitlist_position = status, position


def _has_seat_for(registration: Registration, item: AgendaItem) -> bool:
    free = _item_seats_left(item)
    return registration.status == RegistrationStatus.CONFIRMED and (free is None or free > 0)


def _join_breakout(registration: Registration, item: AgendaItem) -> None:
    """A seat in the break-out for a confirmed participant while seats last, else a place in
    its line; people not yet confirmed wait in line. Caller holds the lock."""
    signup = next((signup for signup in registration.signups if signup.item_id == item.id), None)
    if signup is None:
        signup = SessionSignup(registration=registration, item=item, status=SignupStatus.CANCELLED)
        db.session.add(signup)
        db.session.flush()
    seated = _has_seat_for(registration, item)
    _set_signup_status(signup, SignupStatus.CONFIRMED if seated else SignupStatus.WAITLISTED)
    db.session.flush()


def _allocate_signups(registration: Registration) -> None:
    """Once confirmed, a participant's waiting break-outs get seats where some are free."""
    for signup in registration.signups:
        if signup.status == SignupStatus.WAITLISTED and _has_seat_for(registration, signup.item):
            _set_signup_status(signup, SignupStatus.CONFIRMED)
            db.session.flush()


def _promote_signups(item: AgendaItem) -> None:
    """Seat the next confirmed people waiting for this break-out, while seats are free."""
    while (free := _item_seats_left(item)) is None or free > 0:
        waiting = db.session.scalars(
            select(SessionSignup)
            .join(SessionSignup.registration)
            .where(
                SessionSignup.item_id == item.id,
                SessionSignup.status == SignupStatus.WAITLISTED,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(SessionSignup.waitlist_position)
            .limit(1)
        ).first()
        if waiting is None:
            return
        _set_signup_status(waiting, SignupStatus.CONFIRMED)
        db.session.flush()
        emails.send_to_registrant("breakout_confirmed", waiting.registration)


def _leave_breakout(signup: SessionSignup) -> None:
    """Give up a place; a seat given up goes to the next confirmed person in that line."""
    was_seated = signup.status == SignupStatus.CONFIRMED
    _set_signup_status(signup, SignupStatus.CANCELLED)
    db.session.flush()
    if was_seated:
        _promote_signups(signup.item)


def _release_signups(registration: Registration) -> None:
    for signup in registration.signups:
        if signup.status != SignupStatus.CANCELLED:
            _leave_breakout(signup)


def check_breakouts(dialogue: Dialogue, item_ids: Iterable[int]) -> list[AgendaItem]:
    """The chosen break-outs, refusing unknown ones and two that run at the same time."""
    offered = {item.id: item for item in signup_items(dialogue)}
    wanted = list(dict.fromkeys(item_ids))
    if any(item_id not in offered for item_id in wanted):
        raise RuleViolation("breakouts", "Choose among the break-outs offered.")
    chosen = [offered[item_id] for item_id in wanted]
    if clash := next(overlapping_pairs(chosen), None):
        first, second = clash
        raise RuleViolation(
            "breakouts",
            f"“{first.title}” and “{second.title}” run at the same time: choose one of them.",
        )
    return chosen


def set_breakouts(registration: Registration, item_ids: Iterable[int]) -> None:
    """Join and leave break-outs as chosen on the participant's page."""
    lock_registration(registration)
    _require("cancel", registration)  # break-outs are for active registrations only
    wanted = {item.id: item for item in check_breakouts(registration.dialogue, item_ids)}
    for signup in registration.signups:
        if signup.item_id not in wanted and signup.status != SignupStatus.CANCELLED:
            _leave_breakout(signup)
    active = {s.item_id for s in registration.signups if s.status != SignupStatus.CANCELLED}
    for item_id, item in wanted.items():
        if item_id not in active:
            _join_breakout(registration, item)
    db.session.commit()


# Registering


@dataclass
class Details:
    """What an expert tells us about themselves."""

    name: str
    affiliation: str
    position: str
    country_code: str
    sector: Sector
    home_timezone: str | None
    expertise_ids: list[int] = field(default_factory=list)
    consent_to_be_listed: bool = False
    access_needs: str = ""
    dietary_needs: str = ""


@dataclass
class Application:
    email: str
    details: Details
    consent_data_processing: bool
    consent_chatham_house: bool
    breakout_ids: list[int] = field(default_factory=list)
    code: str | None = None


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


def invitation_by_code(dialogue: Dialogue, code: str | None) -> Invitation | None:
    if not code or len(code) > 100:
        return None
    return db.session.scalars(
        select(Invitation).where(
            Invitation.dialogue_id == dialogue.id, Invitation.code_hash == digest(code)
        )
    ).one_or_none()


def invitation_problem(invitation: Invitation | None, now: datetime) -> str | None:
    if invitation is None:
        return "This invitation code is not valid for this dialogue. Check the link in your email."
    if invitation.state == InvitationState.PENDING and invitation.expires_at <= now:
        return "This invitation has expired. Please ask the organisers for a new one."
    if invitation.state != InvitationState.PENDING:
        return f"This invitation is no longer open (it was {invitation.state.value})."
    return None


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


def _apply_details(participant: Participant, details: Details) -> None:
    participant.name = details.name.strip()
    participant.affiliation = details.affiliation.strip()
    participant.position = details.position.strip()
    participant.country_code = details.country_code
    participant.sector = details.sector
    participant.home_timezone = (
        details.home_timezone if zone_or_none(details.home_timezone) else None
    )
    participant.consent_to_be_listed = details.consent_to_be_listed
    ids = details.expertise_ids
    participant.expertise = (
        list(db.session.scalars(select(Theme).where(Theme.id.in_(ids)))) if ids else []
    )


def register(dialogue_id: int, application: Application, now: datetime) -> Outcome:
    """Register an expert, or, when the address is registered already, send its owner their
    link again: the answer looks the same either way, so nobody learns who is registered."""
    dialogue = lock_dialogue(dialogue_id)
    if problem := window_problem(dialogue, now):
        raise RuleViolation(None, problem)
    email = application.email.strip().lower()
    invitation = None
    if dialogue.registration_mode == RegistrationMode.INVITATION or application.code:
        invitation = invitation_by_code(dialogue, application.code)
        if problem := invitation_problem(invitation, now):
            raise RuleViolation(None, problem)
        if invitation.email != email:
            raise RuleViolation(
                "email", "This invitation was sent to another address: use the invited email."
            )
    _check_consents(dialogue, application)
    breakouts = check_breakouts(dialogue, application.breakout_ids)

    participant = db.session.scalars(
        select(Participant).where(Participant.email == email)
    ).one_or_none()
    existing = participant and next(
        (reg for reg in participant.registrations if reg.dialogue_id == dialogue.id), None
    )
    if existing is not None:
        emails.send_to_registrant("manage_link", existing, issue_token(existing))
        db.session.commit()
        return Outcome(token=None)

    if participant is None:
        participant = Participant(email=email, name=application.details.name)
        db.session.add(participant)
        _apply_details(participant, application.details)
    elif invitation is not None:
        _apply_details(participant, application.details)  # the code proves who they are
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
    )
    db.session.add(registration)
    db.session.flush()
    if invitation is not None:
        invitation.state, invitation.responded_at = InvitationState.ACCEPTED, now
    if dialogue.registration_mode == RegistrationMode.APPROVAL:
        kind = "received"
    else:
        kind = _place(registration, dialogue).value
    for item in breakouts:
        _join_breakout(registration, item)
    emails.send_to_registrant(kind, registration, token)
    db.session.commit()
    return Outcome(token=token if invitation is not None else None)


# The participant's own page


def _announce_people_changed(participant: Participant) -> None:
    """Names appear in programmes and calendar files: a change to a person's name or consent
    gives each item they have a role in a new version, so no copy keeps the old name."""
    for role in participant.roles:
        mark_changed(role.item, scheduling=False)


def update_details(registration: Registration, details: Details) -> None:
    person = registration.participant
    shown = (person.name, person.affiliation, person.consent_to_be_listed)
    _apply_details(person, details)
    if (person.name, person.affiliation, person.consent_to_be_listed) != shown:
        _announce_people_changed(person)
    registration.access_needs = details.access_needs.strip()
    registration.dietary_needs = details.dietary_needs.strip()
    db.session.commit()


def _withdraw(registration: Registration, action: str, status: RegistrationStatus) -> None:
    """Leave the dialogue (cancelled or declined): seats go to the next in line."""
    dialogue = lock_registration(registration)
    _require(action, registration)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    _set_status(registration, status)
    db.session.flush()
    _release_signups(registration)
    if was_confirmed and dialogue.end_date >= utcnow().date():  # nobody promoted to the past
        fill_free_seats(dialogue)


def cancel(registration: Registration) -> None:
    _withdraw(registration, "cancel", RegistrationStatus.CANCELLED)
    emails.send_to_registrant("cancelled", registration)
    db.session.commit()


ERASED = "[erased participant]"


def _scrub_audit_log(participant: Participant) -> None:
    """The audit log keeps agenda changes, roles included ("speaker: Name"); an erased
    person's name becomes an anonymous marker there too."""
    if not participant.name:
        return
    suffix = f": {participant.name}"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "AgendaItem"))
    for event in events:
        for side in ("before", "after"):
            values = getattr(event, side)
            if values and any(str(v).endswith(suffix) for v in values.get("roles", [])):
                roles = [
                    v[: -len(suffix)] + f": {ERASED}" if str(v).endswith(suffix) else v
                    for v in values["roles"]
                ]
                setattr(event, side, values | {"roles": roles})


def erase(participant: Participant) -> None:
    """Remove a person's personal data everywhere; anonymous counts (status, country group
    and sector, for the balance of the room) remain. Their seats go to the next in line."""
    for registration in participant.registrations:
        if registration.status in ACTIVE:
            _withdraw(registration, "cancel", RegistrationStatus.CANCELLED)
        registration.access_needs = registration.dietary_needs = ""
        registration.manage_token_hash = new_secret()[1]  # no link works any more
    for invitation in db.session.scalars(
        select(Invitation).where(Invitation.email == participant.email)
    ):
        invitation.email = f"erased-{invitation.id}@invalid"
        invitation.name = invitation.affiliation = ""
    _scrub_audit_log(participant)
    _announce_people_changed(participant)
    participant.roles.clear()
    participant.expertise = []
    participant.erased_at = utcnow()
    participant.name = participant.affiliation = participant.position = ""
    participant.email = participant.home_timezone = None
    participant.consent_to_be_listed = False
    db.session.commit()


# Organisers' decisions


def _audit(
    registration: Registration, action: str, before: RegistrationStatus, organiser: Organiser | None
) -> None:
    """Organisers' decisions go to the audit log: statuses only, never personal data."""
    record(
        f"registration.{action}",
        registration,
        organiser=organiser,
        dialogue_id=registration.dialogue_id,
        before={"status": before.value},
        after={"status": registration.status.value},
    )


def approve(registration: Registration, organiser: Organiser | None = None) -> RegistrationStatus:
    """Give a seat if one is free, else a place on the waitlist: never overbook."""
    dialogue = lock_registration(registration)
    _require("approve", registration)
    before = registration.status
    status = _place(registration, dialogue)
    kind = "approved" if status == RegistrationStatus.CONFIRMED else "waitlisted"
    emails.send_to_registrant(kind, registration, issue_token(registration))
    _audit(registration, "approve", before, organiser)
    db.session.commit()
    return status


def decline(registration: Registration, organiser: Organiser | None = None) -> None:
    before = registration.status
    _withdraw(registration, "decline", RegistrationStatus.DECLINED)
    emails.send_to_registrant("declined", registration)
    _audit(registration, "decline", before, organiser)
    db.session.commit()


def move_to_waitlist(registration: Registration, organiser: Organiser | None = None) -> None:
    """To the end of the line; a seat given up goes to whoever was first."""
    dialogue = lock_registration(registration)
    _require("waitlist", registration)
    before = registration.status
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    _set_status(registration, RegistrationStatus.WAITLISTED)
    db.session.flush()
    for signup in registration.signups:
        if signup.status == SignupStatus.CONFIRMED:
            _leave_breakout(signup)
            _join_breakout(registration, signup.item)  # back in line for it
    if was_confirmed:
        fill_free_seats(dialogue)
    emails.send_to_registrant("waitlisted", registration, issue_token(registration))
    _audit(registration, "waitlist", before, organiser)
    db.session.commit()


def promote(registration: Registration, organiser: Organiser | None = None) -> None:
    dialogue = lock_registration(registration)
    _require("promote", registration)
    before = registration.status
    if (free := seats_left(dialogue)) is not None and free == 0:
        raise RuleViolation(None, "No seat is free: raise the dialogue's capacity first.")
    _place(registration, dialogue)
    emails.send_to_registrant("confirmed", registration, issue_token(registration))
    _audit(registration, "promote", before, organiser)
    db.session.commit()


def purge(before: date) -> int:
    """Remove the personal data of registrations to dialogues that ended before `before`:
    their needs, and every person who has no registration in a later dialogue. Returns how
    many registrations were purged; anonymous counts remain."""
    old = db.session.scalars(
        select(Registration)
        .join(Registration.dialogue)
        .where(Dialogue.end_date < before)
        .options(selectinload(Registration.participant).selectinload(Participant.registrations))
    ).all()
    for registration in old:
        registration.access_needs = registration.dietary_needs = ""
        registration.manage_token_hash = new_secret()[1]
    for person in {registration.participant for registration in old}:
        later = [r for r in person.registrations if r.dialogue.end_date >= before]
        if not later and person.erased_at is None:
            erase(person)
    db.session.commit()
    return len(old)


def send_new_link(registration: Registration, organiser: Organiser | None = None) -> None:
    """Replace a private link an expert lost or exposed: the old one stops working."""
    emails.send_to_registrant("new_link", registration, issue_token(registration))
    record(
        "registration.new_link",
        registration,
        organiser=organiser,
        dialogue_id=registration.dialogue_id,
    )
    db.session.commit()


def seat_waiting(dialogue_id: int) -> list[Registration]:
    """After organisers changed the dialogue or its agenda (a larger capacity, a bigger room):
    give free seats, in the dialogue and its break-outs, to those waiting, in order."""
    dialogue = lock_dialogue(dialogue_id)
    promoted = fill_free_seats(dialogue)
    for item in signup_items(dialogue):
        _promote_signups(item)
    db.session.commit()
    return promoted
