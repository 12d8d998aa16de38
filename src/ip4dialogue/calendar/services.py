"""Calendar feeds and updates: which items a file holds, how to tell cheaply whether it changed
(one query, for ETag and Last-Modified), and which REQUEST or CANCEL each participant is owed."""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ip4dialogue import mail
from ip4dialogue.calendar import builders
from ip4dialogue.calendar.models import CalendarDelivery
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemStatus,
)
from ip4dialogue.dialogues.versions import Version, latest, make_version
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import (
    Registration,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.templating import external_url
from ip4dialogue.tokens import digest


def schedule_version(token: str) -> Version | None:
    """The personal schedule's version, in one query with correlated subqueries: the agenda's
    latest change and size, and which break-out seats the participant holds."""
    in_dialogue = AgendaItem.dialogue_id == Registration.dialogue_id
    seated = and_(
        SessionSignup.registration_id == Registration.id,
        SessionSignup.status == SignupStatus.CONFIRMED,
    )
    row = db.session.execute(
        select(
            Registration.id,
            Registration.status,
            Dialogue.status,
            select(func.count(AgendaItem.id)).where(in_dialogue).scalar_subquery(),
            select(func.count(SessionSignup.id)).where(seated).scalar_subquery(),
            select(func.coalesce(func.sum(SessionSignup.item_id), 0))
            .where(seated)
            .scalar_subquery(),
            Registration.status_changed_at,
            Dialogue.updated_at,
            select(func.max(AgendaItem.changed_at)).where(in_dialogue).scalar_subquery(),
        )
        .join(Registration.dialogue)
        .where(Registration.manage_token_hash == digest(token))
    ).first()
    if row is None:
        return None
    *keys, registration_changed, updated, changed = row
    return make_version(*keys, registration_changed, latest(registration_changed, updated, changed))


def links() -> builders.Links:
    return builders.Links(current_app.config["BASE_URL"])


def schedule_items(registration: Registration) -> list[AgendaItem]:
    """A participant's own programme: everything open to all, the break-outs where they hold
    a seat, and every item they have a role in."""
    seated = {s.item_id for s in registration.signups if s.status == SignupStatus.CONFIRMED}
    person = registration.participant_id
    return [
        item
        for item in registration.dialogue.items
        if not item.signup_required
        or item.id in seated
        or any(role.participant_id == person for role in item.roles)
    ]


def load_for_schedule(registration_id: int) -> Registration:
    query = (
        select(Registration)
        .where(Registration.id == registration_id)
        .options(
            selectinload(Registration.participant),
            selectinload(Registration.signups),
            selectinload(Registration.deliveries),
            selectinload(Registration.dialogue)
            .selectinload(Dialogue.items)
            .options(
                selectinload(AgendaItem.room),
                selectinload(AgendaItem.themes),
                selectinload(AgendaItem.recommendations),
                selectinload(AgendaItem.roles).selectinload(AgendaRole.participant),
            ),
        )
    )
    return db.session.scalars(query).one()


def personal_calendar(registration: Registration) -> builders.Calendar:
    items = (
        schedule_items(registration) if registration.status == RegistrationStatus.CONFIRMED else []
    )
    return builders.personal_feed(
        registration.dialogue, items, registration.participant.name, links()
    )


# Updates: one message per person, whatever the number of edits since the last one.


@dataclass
class Owed:
    """What one participant is owed: REQUESTs for new or changed events, CANCELs for events
    cancelled or gone from their schedule."""

    registration: Registration
    requests: list[AgendaItem] = field(default_factory=list)
    cancellations: list[CalendarDelivery] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requests or self.cancellations)


def _is_off(item: AgendaItem) -> bool:
    return item.status == ItemStatus.CANCELLED or item.dialogue.status == DialogueStatus.CANCELLED


def owed(registration: Registration) -> Owed:
    sent = {delivery.item_uid: delivery for delivery in registration.deliveries}
    wanted = (
        schedule_items(registration) if registration.status == RegistrationStatus.CONFIRMED else []
    )
    result = Owed(registration)
    for item in wanted:
        delivery = sent.get(item.uid)
        if _is_off(item):
            if delivery is not None and not delivery.cancelled:
                result.cancellations.append(delivery)
        elif delivery is None or delivery.cancelled or item.sequence > delivery.item_sequence:
            result.requests.append(item)
    wanted_uids = {item.uid for item in wanted}
    result.cancellations += [
        delivery
        for uid, delivery in sent.items()
        if uid not in wanted_uids and not delivery.cancelled
    ]
    return result


def pending_updates(dialogue_id: int) -> list[Owed]:
    """Everyone owed something for a dialogue: the preview organisers see before sending."""
    ids = db.session.scalars(
        select(Registration.id)
        .where(Registration.dialogue_id == dialogue_id)
        .order_by(Registration.id)
    ).all()
    return [due for due in (owed(load_for_schedule(i)) for i in ids) if due]


def _sequence(item: AgendaItem, delivery: CalendarDelivery | None) -> int:
    """Above anything this participant was sent for the event (their copy may have been
    cancelled and reinstated), and never below the item's own."""
    return item.sequence if delivery is None else max(item.sequence, delivery.sequence + 1)


def attachments_for(due: Owed) -> list[mail.Attachment]:
    """The files for what is owed, one event a file; records them as sent (caller commits)."""
    registration, now = due.registration, utcnow()
    sender = current_app.config["MAIL_SENDER"]
    attendee = builders.Attendee(
        registration.participant.name, registration.participant.email or ""
    )
    sent = {delivery.item_uid: delivery for delivery in registration.deliveries}
    files = []
    for item in due.requests:
        previous = sent.get(item.uid)
        sequence = _sequence(item, previous)
        join_url = item.room.join_url if item.room else None
        calendar = builders.invitation(
            item, attendee, sender, links(), join_url=join_url, sequence=sequence
        )
        files.append(_file(calendar, "REQUEST", item.uid))
        delivery = previous or CalendarDelivery(registration=registration, item_uid=item.uid)
        delivery.title, delivery.starts_at, delivery.ends_at = (
            item.title[:300],
            item.starts_at,
            item.ends_at,
        )
        delivery.sequence, delivery.item_sequence = sequence, item.sequence
        delivery.cancelled, delivery.sent_at = False, now
        db.session.add(delivery)
    for delivery in due.cancellations:
        delivery.sequence, delivery.cancelled, delivery.sent_at = delivery.sequence + 1, True, now
        withdrawn = builders.Withdrawn(
            delivery.item_uid,
            delivery.title,
            delivery.starts_at,
            delivery.ends_at,
            delivery.sequence,
        )
        calendar = builders.cancellation(withdrawn, attendee, sender, now)
        files.append(_file(calendar, "CANCEL", delivery.item_uid))
    return files


def _file(calendar: builders.Calendar, method: str, uid: str) -> mail.Attachment:
    name = "cancel" if method == "CANCEL" else "invite"
    return mail.Attachment(
        filename=f"{name}-{uid.split('@')[0][:12]}.ics",
        content=calendar.to_ical(),
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
    )


def send_updates(dialogue_id: int) -> list[Owed]:
    """Send each participant one message with everything they are owed; returns who got what."""
    sent = []
    for due in pending_updates(dialogue_id):
        participant = due.registration.participant
        if participant.email is None:
            continue
        message = mail.compose(
            participant.name,
            participant.email,
            f"Calendar update: {due.registration.dialogue.title}",
            "calendar/email/update",
            participant=participant,
            dialogue=due.registration.dialogue,
            due=due,
            programme_url=external_url("dialogues.programme", slug=due.registration.dialogue.slug),
        )
        message.attachments = attachments_for(due)
        mail.queue(db.session, message)
        sent.append(due)
    db.session.commit()
    return sent
