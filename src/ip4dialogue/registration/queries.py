"""Finding registrations, for this area's pages and for the calendar's personal schedules."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Registration, SessionSignup
from ip4dialogue.tokens import digest


def registration_by_token(token: str) -> Registration | None:
    """The registration behind a private link, with its person, its dialogue and its sign-ups.
    Only the digest is compared, so neither timing nor a leaked database reveals a working
    token."""
    if not token or len(token) > 100:
        return None
    query = (
        select(Registration)
        .where(Registration.manage_token_hash == digest(token))
        .options(
            joinedload(Registration.participant).selectinload(Participant.expertise),
            joinedload(Registration.dialogue),
            selectinload(Registration.signups).joinedload(SessionSignup.item),
        )
    )
    return db.session.scalars(query).one_or_none()
