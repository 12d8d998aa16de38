"""Rules about dialogues and their agendas, as plain functions over models."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ip4dialogue.dialogues.models import AgendaItem, AgendaRole, Dialogue, DialogueStatus
from ip4dialogue.extensions import db


def to_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; zoneinfo applies the zone's DST rules."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def upcoming_dialogues(today: date) -> list[Dialogue]:
    """Published dialogues that have not ended yet, soonest first."""
    query = (
        select(Dialogue)
        .where(Dialogue.status == DialogueStatus.PUBLISHED, Dialogue.end_date >= today)
        .order_by(Dialogue.start_date, Dialogue.title)
        .options(selectinload(Dialogue.country))
    )
    return list(db.session.scalars(query))


def public_dialogue(slug: str) -> Dialogue | None:
    """A dialogue the public may see (published or cancelled), loaded for its programme."""
    query = (
        select(Dialogue)
        .where(Dialogue.slug == slug, Dialogue.status != DialogueStatus.DRAFT)
        .options(
            selectinload(Dialogue.country),
            selectinload(Dialogue.items).options(
                selectinload(AgendaItem.room),
                selectinload(AgendaItem.themes),
                selectinload(AgendaItem.recommendations),
                selectinload(AgendaItem.roles).selectinload(AgendaRole.participant),
            ),
        )
    )
    return db.session.scalars(query).one_or_none()


def may_name_in_public(role: AgendaRole, dialogue: Dialogue) -> bool:
    """Under the Chatham House Rule a person is named only with their consent."""
    return not dialogue.chatham_house or role.participant.consent_to_be_listed


@dataclass
class ProgrammeEntry:
    item: AgendaItem
    named_roles: list[AgendaRole]


@dataclass
class ProgrammeDay:
    day: date
    entries: list[ProgrammeEntry] = field(default_factory=list)


def programme_days(dialogue: Dialogue) -> list[ProgrammeDay]:
    """The agenda grouped by the local date on which items start, with who may be named."""
    zone = dialogue.zone
    days: dict[date, ProgrammeDay] = {}
    for item in sorted(dialogue.items, key=lambda item: (item.starts_at, item.id)):
        named = [role for role in item.roles if may_name_in_public(role, dialogue)]
        day = item.starts_at.astimezone(zone).date()
        days.setdefault(day, ProgrammeDay(day)).entries.append(ProgrammeEntry(item, named))
    return list(days.values())
