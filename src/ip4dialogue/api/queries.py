"""What the API reads that no area's loader gives as it needs: pages of series, of public
dialogues and of a dialogue's registrations, and a dialogue's tokens."""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ip4dialogue.api.models import ApiToken
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.report.models import Series

PUBLIC = Dialogue.status != DialogueStatus.DRAFT


def series_listed() -> Select[tuple[Series]]:
    """The series with a public edition: one being planned stays unannounced."""
    public_edition = select(Dialogue.id).where(PUBLIC, Dialogue.series_id == Series.id).exists()
    return select(Series).where(public_edition).order_by(Series.id)


def editions_of(series_ids: list[int]) -> dict[int, list[Dialogue]]:
    """The public editions of these series, oldest first, in one query."""
    found: dict[int, list[Dialogue]] = {series_id: [] for series_id in series_ids}
    query = (
        select(Dialogue)
        .where(PUBLIC, Dialogue.series_id.in_(series_ids))
        .order_by(Dialogue.start_date, Dialogue.id)
    )
    for dialogue in db.session.scalars(query):
        found[dialogue.series_id].append(dialogue)  # type: ignore[index]
    return found


def public_dialogues() -> Select[tuple[Dialogue]]:
    """Published and cancelled dialogues, the latest first, with their series."""
    return (
        select(Dialogue)
        .where(PUBLIC)
        .order_by(Dialogue.start_date.desc(), Dialogue.id.desc())
        .options(selectinload(Dialogue.series))
    )


def registrations_of(dialogue_id: int) -> Select[tuple[Registration]]:
    """Its registrations in order of arrival, as organisers list them: confirmed addresses."""
    return (
        select(Registration)
        .where(
            Registration.dialogue_id == dialogue_id,
            Registration.status != RegistrationStatus.UNCONFIRMED,
        )
        .order_by(Registration.created_at, Registration.id)
        .options(selectinload(Registration.participant))
    )


def tokens_of(dialogue_id: int) -> list[ApiToken]:
    """Its tokens, the newest first, with who made them."""
    query = (
        select(ApiToken)
        .where(ApiToken.dialogue_id == dialogue_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .options(selectinload(ApiToken.created_by))
    )
    return list(db.session.scalars(query))
