"""Calendar feeds and updates: which released sessions a file holds, how to tell cheaply
whether it changed (one query, for ETag and Last-Modified), and which REQUEST or CANCEL each
participant is owed.

What a participant is owed is worked out, never stored: the last release against the
deliveries recorded when files were last sent to them. Only a release changes it.

Everything made for one participant (their schedule, their invitations and the message
that carries them) is written in their language, whoever's request or command made it.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue import mail
from ip4dialogue.calendar import builders
from ip4dialogue.calendar.models import CalendarDelivery
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, ItemStatus
from ip4dialogue.dialogues.queries import released_agenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.dialogues.versions import Version, last_release_of, latest, make_version
from ip4dialogue.extensions import db
from ip4dialogue.i18n import speaking, translated
from ip4dialogue.jobs import outbox
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import (
    Registration,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.registration.queries import holding
from ip4dialogue.templating import page_link


def schedule_version(token: str) -> Version | None:
    """The personal schedule's version, in one query with correlated subqueries: the last
    release, the dialogue, the participant's language, and which break-out seats they hold."""
    seated = and_(
        SessionSignup.registration_id == Registration.id,
        SessionSignup.status == SignupStatus.CONFIRMED,
    )
    release, released_at = last_release_of(Registration.dialogue_id)
    row = db.session.execute(
        select(
            Registration.id,
            Registration.status,
            Dialogue.status,
            Participant.language,
            release,
            select(func.count(SessionSignup.id)).where(seated).scalar_subquery(),
            select(func.coalesce(func.sum(SessionSignup.item_id), 0))
            .where(seated)
            .scalar_subquery(),
            Registration.status_changed_at,
            Dialogue.updated_at,
            released_at,
        )
        .join(Registration.dialogue)
        .join(Registration.participant)
        .where(holding(token))
    ).first()
    if row is None:
        return None
    *keys, changed, updated, released = row
    return make_version(*keys, changed, latest(changed, updated, released))


def links() -> builders.Links:
    return builders.Links(current_app.config["BASE_URL"])


def schedule_items(registration: Registration) -> list[ReleasedItem]:
    """A participant's own programme, as last released: everything open to all, the
    break-outs where they hold a seat, and every session they have a role in. Nothing for a
    registration without a seat."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return []
    seated = {signup.item_id for signup in registration.signups if signup.seated}
    person = registration.participant_id
    return [
        item
        for item in released_agenda(registration.dialogue).items
        if not item.signup_required
        or item.id in seated
        or any(role.participant.id == person for role in item.roles)
    ]


def personal_calendar(registration: Registration) -> builders.Calendar:
    participant = registration.participant
    with speaking(participant.language):
        return builders.personal_feed(
            released_agenda(registration.dialogue),
            schedule_items(registration),
            participant.name,
            links(),
        )


# Updates: one message per person, whatever the number of edits since the last one.


@dataclass
class Owed:
    """What one participant is owed: REQUESTs for new or changed events, CANCELs for events
    cancelled or gone from their schedule. `sent` is what they were sent before."""

    registration: Registration
    sent: dict[str, CalendarDelivery]
    requests: list[ReleasedItem] = field(default_factory=list)
    cancellations: list[CalendarDelivery] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requests or self.cancellations)


def _is_off(item: ReleasedItem) -> bool:
    return item.status == ItemStatus.CANCELLED


def owed(registration: Registration, deliveries: Sequence[CalendarDelivery]) -> Owed:
    """Compare a participant's schedule with what they were sent (`deliveries`). One whose
    calendar follows by subscription is owed no invitation, and the cancellation of every
    one sent before: the subscription holds the sessions, and nothing shows twice."""
    result = Owed(registration, {delivery.item_uid: delivery for delivery in deliveries})
    wanted = schedule_items(registration) if registration.calendar_by_email else []
    for item in wanted:
        delivery = result.sent.get(item.uid)
        if _is_off(item):
            if delivery is not None and not delivery.cancelled:
                result.cancellations.append(delivery)
        elif delivery is None or delivery.cancelled or item.sequence > delivery.item_sequence:
            result.requests.append(item)
    wanted_uids = {item.uid for item in wanted}
    result.cancellations += [
        delivery
        for uid, delivery in result.sent.items()
        if uid not in wanted_uids and not delivery.cancelled
    ]
    return result


def deliveries_to(registration_ids: Sequence[int]) -> dict[int, list[CalendarDelivery]]:
    """What each of these registrations was last sent, in one query."""
    by_registration: dict[int, list[CalendarDelivery]] = defaultdict(list)
    if registration_ids:
        query = select(CalendarDelivery).where(
            CalendarDelivery.registration_id.in_(registration_ids)
        )
        for delivery in db.session.scalars(query):
            by_registration[delivery.registration_id].append(delivery)
    return by_registration


def pending_updates(dialogue_id: int) -> list[Owed]:
    """Everyone owed something for a dialogue: the preview organisers see before sending.
    A fixed number of queries, however many participants and items."""
    released_agenda(db.session.get_one(Dialogue, dialogue_id))  # the registrations share it
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.dialogue_id == dialogue_id)
        .order_by(Registration.id)
        .options(joinedload(Registration.participant), selectinload(Registration.signups))
    ).all()
    sent = deliveries_to([registration.id for registration in registrations])
    return [
        due
        for due in (owed(registration, sent[registration.id]) for registration in registrations)
        if due
    ]


def _sequence(item: ReleasedItem, delivery: CalendarDelivery | None) -> int:
    """Above anything this participant was sent for the event (their copy may have been
    cancelled and reinstated), and never below the item's own."""
    return item.sequence if delivery is None else max(item.sequence, delivery.sequence + 1)


def attachments_for(due: Owed) -> list[mail.Attachment]:
    """The files for what is owed, one event a file, in the participant's language, recorded
    as sent with the message (the first deliveries of events in one statement, however
    many)."""
    with speaking(due.registration.participant.language):
        return _files_for(due)


def _files_for(due: Owed) -> list[mail.Attachment]:
    registration, now = due.registration, utcnow()
    attendee = builders.Attendee(
        registration.participant.name, registration.participant.email or ""
    )
    invitations = builders.Invitations(attendee, current_app.config["MAIL_SENDER"], links())
    files, first_deliveries = [], []
    for item in due.requests:
        previous = due.sent.get(item.uid)
        sequence = _sequence(item, previous)
        join_url = item.room.join_url if item.room else None
        content = invitations.request(item, join_url=join_url, sequence=sequence)
        files.append(_file(content, "REQUEST", _file_name(item.title, item.starts_at, item.zone)))
        sent = {
            "title": translated(item, "title")[:300],  # as it reads in their calendar
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "sequence": sequence,
            "item_sequence": item.sequence,
            "cancelled": False,
            "sent_at": now,
        }
        if previous is None:
            first_deliveries.append(
                sent | {"registration_id": registration.id, "item_uid": item.uid}
            )
        else:
            for name, value in sent.items():
                setattr(previous, name, value)
    if first_deliveries:
        db.session.execute(insert(CalendarDelivery), first_deliveries)
    for delivery in due.cancellations:
        delivery.sequence, delivery.cancelled, delivery.sent_at = delivery.sequence + 1, True, now
        withdrawn = builders.Withdrawn(
            delivery.item_uid,
            delivery.title,
            delivery.starts_at,
            delivery.ends_at,
            delivery.sequence,
        )
        content = invitations.cancel(withdrawn, now)
        name = _file_name(delivery.title, delivery.starts_at, registration.dialogue.zone)
        files.append(_file(content, "CANCEL", f"Cancelled {name}"))
    return files


def _file_name(title: str, starts_at: datetime, zone: ZoneInfo) -> str:
    """What a calendar file holds, readable in the list of a mail's files: "2027-05-11 0900
    Opening plenary". ASCII only, as every mail client shows it."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = " ".join(re.findall(r"[A-Za-z0-9]+", ascii_title))[:40].strip() or "Session"
    return f"{starts_at.astimezone(zone):%Y-%m-%d %H%M} {words}"


def _file(content: bytes, method: str, name: str) -> mail.Attachment:
    return mail.Attachment(
        filename=f"{name}.ics",
        content=content,
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
    )


def attach_owed(registration: Registration, message: mail.Message) -> None:
    """Whatever a participant is told about their place, their calendar follows: what their
    schedule is owed goes with the message, and is recorded as sent."""
    if registration.participant.email is None:
        return
    due = owed(registration, deliveries_to([registration.id])[registration.id])
    message.attachments += attachments_for(due)


def send_updates(dialogue_id: int) -> list[Owed]:
    """Send each participant one message with everything they are owed, and the last
    release's note; returns who got what."""
    sent = []
    for due in pending_updates(dialogue_id):
        if due.registration.participant.email is None:
            continue
        outbox.queue(db.session, _update_message(due), dialogue_id=due.registration.dialogue_id)
        sent.append(due)
    return sent


def _update_message(due: Owed) -> mail.Message:
    """One participant's update, files and text, in their language."""
    participant, dialogue = due.registration.participant, due.registration.dialogue
    with speaking(participant.language):
        message = mail.Message(
            participant.name,
            participant.email or "",
            _("Calendar update: %(title)s", title=translated(dialogue, "title")),
            "",
            "",
            attachments=attachments_for(due),
            reply_to=dialogue.contact_email,
        )
        mail.write(  # after the files: the text says what is attached
            message,
            "calendar/email/update",
            participant=participant,
            registration=due.registration,
            dialogue=dialogue,
            release=released_agenda(dialogue).release,
            due=due,
            programme_url=page_link("dialogues.programme", slug=dialogue.slug),
        )
    return message
