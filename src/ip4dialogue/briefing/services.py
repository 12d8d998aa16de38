"""Gathering a dialogue's book and name cards: what the public sees of it (its last release,
with `public_roles` applying Chatham House consent as the pages do), the report's
recommendations, and the confirmed participants who consented to be named; each in a fixed
number of queries, however long the agenda or the list of participants. The texts are made
here, in the language being written, so the documents only lay them out."""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ScalarSelect, Select, select
from sqlalchemy.orm import joinedload

from ip4dialogue.briefing.documents import (
    BookDay,
    BriefingBook,
    CardSheet,
    NameCard,
    NamedPerson,
    RecommendationText,
    SessionEntry,
)
from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import Dialogue, DialogueFormat, DialogueStatus, ItemStatus
from ip4dialogue.dialogues.programme import days_of
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.dialogues.versions import Version, make_version
from ip4dialogue.extensions import db
from ip4dialogue.i18n import current_language, translated
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.report.models import Report
from ip4dialogue.templating import date_range, local_datetime, long_date, reader_span

FORMATS = {
    DialogueFormat.IN_PERSON: _l("In person"),
    DialogueFormat.HYBRID: _l("In person and online"),
    DialogueFormat.VIRTUAL: _l("Online"),
}


def _named(dialogue_id: int | ScalarSelect[int]) -> Select[tuple[Participant]]:
    """The participants a dialogue's book names: confirmed, consenting, not erased."""
    return (
        select(Participant)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(
            Registration.dialogue_id == dialogue_id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Participant.consent_to_be_listed.is_(True),
            Participant.erased_at.is_(None),
        )
    )


def named_participants(dialogue: Dialogue) -> list[Participant]:
    """The confirmed participants who consented to be named, with their countries, by name:
    one query."""
    people = db.session.scalars(_named(dialogue.id).options(joinedload(Participant.country)))
    return sorted(people, key=lambda person: (person.name.casefold(), person.id))


def book_version(agenda_version: Version, slug: str, language: str) -> Version:
    """The book's version: its agenda's, in a language, and the named participants as they
    are now (who, under what name, institution and country), read in one query. Registrants
    who change their details or consent stamp nothing the agenda's version reads, so the list
    itself is part of the version; a 304 still costs two small queries, not a PDF."""
    dialogue_id = select(Dialogue.id).where(Dialogue.slug == slug).scalar_subquery()
    rows = db.session.execute(
        _named(dialogue_id)
        .with_only_columns(
            Participant.id,
            Participant.name,
            Participant.affiliation,
            Participant.country_code,
            Registration.status_changed_at,
        )
        .order_by(Participant.id)
    ).all()
    people = [tuple(row[:4]) for row in rows]
    changed = max((row[4] for row in rows), default=agenda_version.last_modified)
    return make_version(
        agenda_version.etag, language, people, max(changed, agenda_version.last_modified)
    )


def _person(person: Participant) -> NamedPerson:
    return NamedPerson(
        name=person.name,
        institution=person.affiliation,
        country=person.country.local_name if person.country else "",
    )


def _place(dialogue: Dialogue) -> str:
    parts = [
        translated(dialogue, "venue") if dialogue.venue else "",
        translated(dialogue, "city") if dialogue.city else "",
        dialogue.country.local_name if dialogue.country else "",
    ]
    return ", ".join(part for part in parts if part)


def _session(item: ReleasedItem, day: date) -> SessionEntry:
    return SessionEntry(
        time=reader_span(item.starts_at, item.ends_at, item.zone, day),
        title=translated(item, "title"),
        kind=label(item.kind),
        room=item.room.name if item.room else "",
        status="" if item.status == ItemStatus.CONFIRMED else label(item.status),
        cancelled=item.status == ItemStatus.CANCELLED,
        description=translated(item, "description"),
        people=tuple(
            _("%(role)s: %(name)s", role=label(role.role), name=_with_institution(role.participant))
            for role in item.public_roles
        ),
        unnamed=item.unnamed,
        recommendations=tuple(
            _("R%(number)s %(title)s", number=rec.number, title=translated(rec, "short_title"))
            for rec in item.recommendations
        ),
        themes=tuple(translated(theme, "title") for theme in item.themes),
    )


def _with_institution(person: Participant) -> str:
    return f"{person.name}, {person.affiliation}" if person.affiliation else person.name


def _rooms(sessions: list[ReleasedItem]) -> tuple[str, ...]:
    """The rooms the programme uses, in the order it first uses them."""
    return tuple(dict.fromkeys(item.room.name for item in sessions if item.room))


def briefing_book(
    agenda: PublicAgenda, report: Report | None, people: list[Participant], now: datetime
) -> BriefingBook:
    """The book of a dialogue as the public sees it, in the language being written."""
    dialogue, zone, sessions = agenda.dialogue, agenda.zone, agenda.sessions
    release = agenda.release
    return BriefingBook(
        language=current_language(),
        series=translated(dialogue.series, "title") if dialogue.series else "",
        title=translated(dialogue, "title"),
        dates=date_range(dialogue.start_date, dialogue.end_date),
        place=_place(dialogue),
        conveners=dialogue.conveners,
        chatham_house=dialogue.chatham_house,
        cancelled=dialogue.status == DialogueStatus.CANCELLED,
        summary=translated(dialogue, "summary"),
        format=str(FORMATS[dialogue.format]),
        zone=zone.key,
        rooms=_rooms(sessions),
        release=(
            _(
                "Release %(number)s, %(when)s",
                number=release.number,
                when=local_datetime(release.released_at, zone),
            )
            if release
            else ""
        ),
        generated_on=long_date(now.astimezone(zone).date()),
        days=tuple(
            BookDay(long_date(day.day), tuple(_session(item, day.day) for item in day.items))
            for day in days_of(sessions, zone)
        ),
        participants=tuple(map(_person, people)),
        report=translated(report, "title") if report else "",
        recommendations=tuple(
            RecommendationText(rec.number, translated(rec, "short_title"), translated(rec, "text"))
            for rec in (report.recommendations if report else [])
        ),
    )


def name_cards(dialogue: Dialogue, people: list[Participant]) -> CardSheet:
    """Badges and tent cards: one card for each participant the book names."""
    return CardSheet(
        language=current_language(),
        dialogue=translated(dialogue, "title"),
        dates=date_range(dialogue.start_date, dialogue.end_date),
        cards=tuple(
            NameCard(person.name, person.institution, person.country)
            for person in map(_person, people)
        ),
    )
