"""Asking a person organisers added (a speaker, a chair) whether they may be named in public:
under the Chatham House Rule nobody is named without saying yes, and a speaker who never
registered has had no form to say it on."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ip4dialogue import mail
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.i18n import speaking, translated
from ip4dialogue.jobs import outbox
from ip4dialogue.people.models import Participant
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import page_link
from ip4dialogue.tokens import digest, new_secret

ASK_AGAIN_AFTER = timedelta(days=1)


def ask_consent(person: Participant, dialogue: Dialogue, now: datetime) -> None:
    """Mail `person` a single-use link on which they say yes or no; at most once a day, so
    no one can be pestered through the organisers' button."""
    if person.email is None or person.erased_at is not None:
        raise RuleViolation(None, "This person has no address to ask.")
    if person.consent_to_be_listed:
        raise RuleViolation(None, f"{person.name} has already agreed to be named.")
    if person.consent_requested_at and now - person.consent_requested_at < ASK_AGAIN_AFTER:
        raise RuleViolation(None, f"{person.name} was asked less than a day ago.")
    token, token_hash = new_secret()
    person.ask_consent(token_hash, now)
    # In the person's language, and so are the pages its links open.
    with speaking(person.language):
        message = mail.compose(
            person.name,
            person.email,
            _(
                "May we name you on the programme of %(title)s?",
                title=translated(dialogue, "title"),
            ),
            "dialogues/email/consent_request",
            reply_to=dialogue.contact_email,
            person=person,
            dialogue=dialogue,
            answer_url=page_link("dialogues.consent_answer", token=token),
            programme_url=page_link("dialogues.programme", slug=dialogue.slug),
        )
    outbox.queue(db.session, message, dialogue_id=dialogue.id)


def asked(token: str) -> Participant | None:
    """The person a consent link was sent to, while it is unanswered."""
    if not token or len(token) > 100:
        return None
    return db.session.scalars(
        select(Participant).where(Participant.consent_request_hash == digest(token))
    ).one_or_none()
