"""The day before each day of a dialogue, each participant's own schedule for that day, by the
clock (see jobs.schedule): in their home zone, with rooms, join links for those who join from
afar, and whom to write to.

It is the eve of a day from noon the day before, in the dialogue's zone, until the day begins:
time enough for a Washington morning to reach Seoul the evening before, and never a "tomorrow"
that is already today. Each participant is sent each day once (its outbox key).
"""

from datetime import date, datetime, time, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue import mail
from ip4dialogue.calendar.services import schedule_items
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, ItemStatus
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.extensions import db
from ip4dialogue.i18n import speaking, translated
from ip4dialogue.jobs import outbox
from ip4dialogue.jobs.schedule import chore
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.templating import long_date, page_link
from ip4dialogue.timezones import zone_or_none

EVE_AT = time(12)


def eve_of(dialogue: Dialogue, now: datetime) -> date | None:
    """The day of the dialogue whose eve it is at `now`, if it is one."""
    local = now.astimezone(dialogue.zone)
    day = local.date() + timedelta(days=1)
    if local.time() >= EVE_AT and dialogue.start_date <= day <= dialogue.end_date:
        return day
    return None


def day_items(registration: Registration, day: date) -> list[ReleasedItem]:
    """The sessions of a participant's schedule that start on `day` in the dialogue's zone
    and still take place."""
    zone = registration.dialogue.zone
    return [
        item
        for item in schedule_items(registration)
        if item.status != ItemStatus.CANCELLED and item.starts_at.astimezone(zone).date() == day
    ]


@chore("calendar.day-before")
def send_day_before(now: datetime) -> int:
    """Each participant of each dialogue whose eve it is: their schedule for the next day."""
    near = Dialogue.start_date <= (now + timedelta(days=2)).date()
    dialogues = db.session.scalars(
        select(Dialogue).where(
            Dialogue.status == DialogueStatus.PUBLISHED,
            Dialogue.day_before_schedule.is_(True),
            Dialogue.end_date >= (now - timedelta(days=1)).date(),
            near,
        )
    ).all()
    return sum(
        _send_schedules(dialogue, day)
        for dialogue in dialogues
        if (day := eve_of(dialogue, now)) is not None
    )


def _key(registration: Registration, day: date) -> str:
    return f"day-before:{registration.id}:{day.isoformat()}"


def _send_schedules(dialogue: Dialogue, day: date) -> int:
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.dialogue_id == dialogue.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.id)
        .options(joinedload(Registration.participant), selectinload(Registration.signups))
    ).all()
    sent = outbox.keys_taken(
        db.session, (_key(registration, day) for registration in registrations)
    )
    count = 0
    for registration in registrations:
        items = day_items(registration, day)
        if registration.participant.email and items and _key(registration, day) not in sent:
            outbox.queue(
                db.session,
                _schedule_message(registration, day, items),
                dialogue_id=dialogue.id,
                key=_key(registration, day),
            )
            count += 1
    return count


def contact_address(dialogue: Dialogue) -> str:
    """Whom participants write to: the dialogue's contact, or else the address mail is from."""
    return dialogue.contact_email or parseaddr(current_app.config["MAIL_SENDER"])[1]


def _schedule_message(
    registration: Registration, day: date, items: list[ReleasedItem]
) -> mail.Message:
    """The day's schedule, in the participant's language and zone."""
    participant, dialogue = registration.participant, registration.dialogue
    with speaking(participant.language):
        subject = _(
            "Your schedule for %(day)s: %(title)s",
            day=long_date(day),
            title=translated(dialogue, "title"),
        )
        return mail.compose(
            participant.name,
            participant.email or "",
            subject,
            "calendar/email/day_before",
            reply_to=dialogue.contact_email,
            participant=participant,
            dialogue=dialogue,
            day=day,
            items=items,
            zone=zone_or_none(participant.home_timezone) or dialogue.zone,
            contact=contact_address(dialogue),
            manage_url=None,
            programme_url=page_link("dialogues.programme", slug=dialogue.slug),
        )
