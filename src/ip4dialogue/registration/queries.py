"""Finding registrations, for this area's pages and for the calendar's personal schedules,
and where a dialogue's audience joins from, for fair session times."""

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import (
    LinkPurpose,
    Registration,
    RegistrationLink,
    RegistrationStatus,
    SessionSignup,
)
from ip4dialogue.tokens import digest


def holding(token: str, purpose: LinkPurpose = LinkPurpose.MANAGE) -> ColumnElement[bool]:
    """Where a registration is the one a link of `purpose` with this token opens. Only the
    digest is compared, so neither timing nor a leaked database reveals a working token."""
    held = select(RegistrationLink.registration_id).where(_opens(token, purpose))
    return Registration.id == held.scalar_subquery()  # by the token's unique index


def link_by_token(token: str, purpose: LinkPurpose) -> RegistrationLink | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalars(select(RegistrationLink).where(_opens(token, purpose))).one_or_none()


def _opens(token: str, purpose: LinkPurpose) -> ColumnElement[bool]:
    return (RegistrationLink.token_hash == digest(token)) & (RegistrationLink.purpose == purpose)


def registration_by_token(token: str) -> Registration | None:
    """The registration behind a private link, with its person, its dialogue and its
    sign-ups."""
    if not token or len(token) > 100:
        return None
    query = (
        select(Registration)
        .where(holding(token))
        .options(
            joinedload(Registration.participant).selectinload(Participant.expertise),
            joinedload(Registration.dialogue),
            selectinload(Registration.signups).joinedload(SessionSignup.item),
        )
    )
    return db.session.scalars(query).one_or_none()


# Who will be there: seated, or waiting for a seat that may come.
EXPECTED = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def home_zones(dialogue_id: int) -> dict[str, int]:
    """How many of the dialogue's expected participants live in each time zone they gave."""
    rows = db.session.execute(
        select(Participant.home_timezone, func.count())
        .join(Registration, Registration.participant_id == Participant.id)
        .where(
            Registration.dialogue_id == dialogue_id,
            Registration.status.in_(EXPECTED),
            Participant.home_timezone.is_not(None),
        )
        .group_by(Participant.home_timezone)
    )
    return {zone: count for zone, count in rows}  # noqa: C416 (rows, not pairs, to the typer)
