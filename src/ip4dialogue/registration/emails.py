"""The emails experts receive, composed from templates and queued to go after commit."""

from ip4dialogue import mail, signals
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.jobs import outbox
from ip4dialogue.registration.models import CONFIRMATION_HOURS, Invitation, Registration
from ip4dialogue.templating import external_url

SUBJECTS = {
    "confirm_address": "Confirm your registration for {title}",
    "received": "We have your registration for {title}",
    "confirmed": "Your place at {title} is confirmed",
    "waitlisted": "You are on the waitlist for {title}",
    "promoted": "A place has opened up for you at {title}",
    "approved": "Your registration for {title} is approved",
    "declined": "Your registration for {title}",
    "cancelled": "Your registration for {title} is cancelled",
    "manage_link": "Your link to your registration for {title}",
    "new_link": "A new private link to your registration for {title}",
    "link_replaced": "Your private link for {title} is replaced",
    "breakout_confirmed": "You have a seat in a break-out at {title}",
    "breakouts_changed": "Your break-out sessions at {title}",
    "calendar_chosen": "Your calendar for {title}",
    "letter": "{topic} · {title}",  # the organisers' own words, under their subject
}


def manage_url(token: str) -> str:
    return external_url("registration.manage", token=token)


def _addressed(kind: str, registration: Registration, **context: object) -> mail.Message:
    """A message to the registrant, not yet written."""
    participant, dialogue = registration.participant, registration.dialogue
    subject = SUBJECTS[kind].format(title=dialogue.title, topic=context.get("topic", ""))
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
        programme_url=external_url("dialogues.programme", slug=dialogue.slug),
        **context,
    )
    return message


def _to_registrant(kind: str, registration: Registration, **context: object) -> mail.Message:
    return _written(_addressed(kind, registration, **context), kind, registration, **context)


def send_to_registrant(
    kind: str, registration: Registration, token: str | None = None, **context: object
) -> None:
    """Queue one of the registration emails. `token`, when known (it is only ever held in
    memory), puts the private link in the message."""
    if registration.participant.email is None:  # erased: nobody left to write to
        return
    message = _addressed(kind, registration, **context)
    # Whatever the news, listeners may add to it: the calendar area attaches what the
    # participant's calendar is owed (invitations for a seat, cancellations for the rest);
    # the text, written after, says what is attached.
    signals.registrant_notified.send(registration, message=message)
    links = {"manage_url": None, "schedule_url": None}
    if token:  # their page, and their schedule to subscribe to, if that is their choice
        links = {
            "manage_url": manage_url(token),
            "schedule_url": external_url("calendar.schedule", token=token),
        }
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
        confirm_url=external_url("registration.confirm", token=token),
        hours=CONFIRMATION_HOURS,
    )
    outbox.queue(db.session, message, dialogue_id=registration.dialogue_id)


INVITATION_SUBJECTS = {
    "confirm_address": "Confirm your registration for {title}",
    "invitation": "Invitation: {title}",
    "invitation_reminder": "Reminder: your invitation to {title}",
    "closing_soon": "Registration for {title} closes soon",
}


def invitation_message(
    invitation: Invitation, dialogue: Dialogue, code: str, kind: str = "invitation"
) -> mail.Message:
    """An invitation, or a reminder of one, with the link its `code` opens."""
    return mail.compose(
        invitation.name,
        invitation.email,
        INVITATION_SUBJECTS[kind].format(title=dialogue.title),
        f"registration/email/{kind}",
        reply_to=dialogue.contact_email,
        invitation=invitation,
        dialogue=dialogue,
        register_url=external_url("registration.register", slug=dialogue.slug, code=code),
        programme_url=external_url("dialogues.programme", slug=dialogue.slug),
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
    subject: str,
    key: str | None = None,
    reply_to: str | None = None,
    **context: object,
) -> None:
    """Queue a message to the dialogue's contact address; sent once under `key`, if given."""
    outbox.queue(
        db.session,
        mail.compose(
            "",
            dialogue.contact_email,
            subject,
            f"registration/email/{kind}",
            reply_to=reply_to,
            dialogue=dialogue,
            programme_url=external_url("dialogues.programme", slug=dialogue.slug),
            **context,
        ),
        dialogue_id=dialogue.id,
        key=key,
    )
