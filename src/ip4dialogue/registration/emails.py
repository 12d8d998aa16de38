"""The emails experts receive, composed from templates and queued to go after commit.

Each is written in its recipient's language, whoever's request sends it: a registrant's
(`language_of`), an invitation's, or English for the organisers, who have no setting.
"""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ip4dialogue import mail, signals
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.i18n import DEFAULT, speaking, translated
from ip4dialogue.jobs import outbox
from ip4dialogue.registration.models import CONFIRMATION_HOURS, Invitation, Registration
from ip4dialogue.templating import external_url, page_link

SUBJECTS = {
    "confirm_address": _l("Confirm your registration for %(title)s"),
    "received": _l("We have your registration for %(title)s"),
    "confirmed": _l("Your place at %(title)s is confirmed"),
    "waitlisted": _l("You are on the waitlist for %(title)s"),
    "promoted": _l("A place has opened up for you at %(title)s"),
    "approved": _l("Your registration for %(title)s is approved"),
    "declined": _l("Your registration for %(title)s"),
    "cancelled": _l("Your registration for %(title)s is cancelled"),
    "manage_link": _l("Your link to your registration for %(title)s"),
    "new_link": _l("A new private link to your registration for %(title)s"),
    "link_replaced": _l("Your private link for %(title)s is replaced"),
    "breakout_confirmed": _l("You have a seat in a break-out at %(title)s"),
    "breakouts_changed": _l("Your break-out sessions at %(title)s"),
    "calendar_chosen": _l("Your calendar for %(title)s"),
    "letter": _l("%(topic)s · %(title)s"),  # the organisers' own words, under their subject
}


def manage_url(token: str) -> str:
    return page_link("registration.manage", token=token)


def language_of(registration: Registration) -> str:
    """The language a registrant is written to in: their own; until the address is proven,
    the one asked for with the registration (only then does it become theirs)."""
    if registration.unconfirmed and registration.submitted_profile:
        return registration.submitted_profile.get("language", DEFAULT)
    return registration.participant.language


def _titled(subject: LazyString, dialogue: Dialogue, **values: object) -> str:
    """A subject in the language being written, with the dialogue's title in it."""
    return subject % {"title": translated(dialogue, "title"), **values}


def _addressed(kind: str, registration: Registration, **context: object) -> mail.Message:
    """A message to the registrant, not yet written."""
    participant, dialogue = registration.participant, registration.dialogue
    subject = _titled(SUBJECTS[kind], dialogue, topic=context.get("topic", ""))
    return mail.Message(
        participant.name, participant.email or "", subject, "", "", reply_to=dialogue.contact_email
    )


def _written(
    message: mail.Message, kind: str, registration: Registration, **context: object
) -> mail.Message:
    dialogue = registration.dialogue
    mail.write(
        message,
        f"registration/email/{kind}",
        participant=registration.participant,
        dialogue=dialogue,
        registration=registration,
        programme_url=page_link("dialogues.programme", slug=dialogue.slug),
        **context,
    )
    return message


def _to_registrant(kind: str, registration: Registration, **context: object) -> mail.Message:
    with speaking(language_of(registration)):
        return _written(_addressed(kind, registration, **context), kind, registration, **context)


def send_to_registrant(
    kind: str, registration: Registration, token: str | None = None, **context: object
) -> None:
    """Queue one of the registration emails. `token`, when known (it is only ever held in
    memory), puts the private link in the message."""
    if registration.participant.email is None:  # erased: nobody left to write to
        return
    with speaking(language_of(registration)):  # the attachments' text and the links too
        links = {"manage_url": None, "schedule_url": None}
        if token:  # their page, and their schedule to subscribe to, if that is their choice
            links = {
                "manage_url": manage_url(token),
                "schedule_url": external_url("calendar.schedule", token=token),
            }
        message = _addressed(kind, registration, **context)
        # Whatever the news, listeners may add to it: the calendar area attaches what the
        # participant's calendar is owed (invitations for a seat, cancellations for the
        # rest); the text, written after, says what is attached.
        signals.registrant_notified.send(registration, message=message)
        written = _written(message, kind, registration, **links, **context)
    outbox.queue(db.session, written, dialogue_id=registration.dialogue_id)


def send_letter(registration: Registration, subject: str, body: str, key: str) -> None:
    """Queue the organisers' own words to a registrant, once under `key`: no calendar files
    ride along, which would be owed to them for other news and unexplained by this one."""
    if registration.participant.email is None:
        return
    message = _to_registrant("letter", registration, topic=subject, body=body, manage_url=None)
    outbox.queue(db.session, message, dialogue_id=registration.dialogue_id, key=key)


def send_confirmation(registration: Registration, token: str) -> None:
    """Queue the message that asks to confirm the address, with the link that does."""
    message = _to_registrant(
        "confirm_address",
        registration,
        confirm_url=page_link("registration.confirm", token=token),
        hours=CONFIRMATION_HOURS,
    )
    outbox.queue(db.session, message, dialogue_id=registration.dialogue_id)


INVITATION_SUBJECTS = {
    "invitation": _l("Invitation: %(title)s"),
    "invitation_reminder": _l("Reminder: your invitation to %(title)s"),
    "closing_soon": _l("Registration for %(title)s closes soon"),
}


def invitation_message(
    invitation: Invitation, dialogue: Dialogue, code: str, kind: str = "invitation"
) -> mail.Message:
    """An invitation, or a reminder of one, with the link its `code` opens, in the language
    the organisers chose for it."""
    with speaking(invitation.language):
        return mail.compose(
            invitation.name,
            invitation.email,
            _titled(INVITATION_SUBJECTS[kind], dialogue),
            f"registration/email/{kind}",
            reply_to=dialogue.contact_email,
            invitation=invitation,
            dialogue=dialogue,
            register_url=page_link("registration.register", slug=dialogue.slug, code=code),
            programme_url=page_link("dialogues.programme", slug=dialogue.slug),
        )


def send_invitation(
    invitation: Invitation, code: str, kind: str = "invitation", key: str | None = None
) -> None:
    """Queue an invitation, or a reminder of one, with the link its `code` opens."""
    dialogue = invitation.dialogue
    message = invitation_message(invitation, dialogue, code, kind)
    outbox.queue(db.session, message, dialogue_id=dialogue.id, key=key)


def send_to_organisers(
    dialogue: Dialogue,
    kind: str,
    subject: LazyString,
    key: str | None = None,
    reply_to: str | None = None,
    **context: object,
) -> None:
    """Queue a message to the dialogue's contact address, in English (organisers choose no
    language), whatever the language of the request that sends it; sent once under `key`,
    if given. `subject` is lazy, so that it too is written in English."""
    with speaking(DEFAULT):
        message = mail.compose(
            "",
            dialogue.contact_email,
            str(subject),
            f"registration/email/{kind}",
            reply_to=reply_to,
            dialogue=dialogue,
            programme_url=page_link("dialogues.programme", slug=dialogue.slug),
            **context,
        )
    outbox.queue(db.session, message, dialogue_id=dialogue.id, key=key)
