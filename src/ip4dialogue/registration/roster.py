"""What organisers see of registrations: the filtered list, the balance of the room, and a
CSV export that spreadsheets cannot turn into formulas."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.database import contains_words
from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant, Sector
from ip4dialogue.registration.models import (
    Registration,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.registration.questions import questions_of
from ip4dialogue.spreadsheets import as_csv, as_xlsx

PAGE_SIZE = 50


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    group: str = ""
    country: str = ""
    sector: str = ""


def _filtered(dialogue: Dialogue, filters: Filters):
    query = (
        select(Registration)
        .join(Registration.participant)
        .outerjoin(Participant.country)
        .where(Registration.dialogue_id == dialogue.id)
    )
    if filters.status in set(RegistrationStatus):
        query = query.where(Registration.status == RegistrationStatus(filters.status))
    else:  # anyone may type any address: it is a registration once someone confirmed it
        query = query.where(Registration.status != RegistrationStatus.UNCONFIRMED)
    if filters.group in set(CountryGroup):
        query = query.where(Country.group == CountryGroup(filters.group))
    if filters.country:
        query = query.where(Participant.country_code == filters.country)
    if filters.sector in set(Sector):
        query = query.where(Participant.sector == Sector(filters.sector))
    if filters.q:
        query = query.where(
            contains_words(filters.q, Participant.name, Participant.email, Participant.affiliation)
        )
    return query


def _listed(dialogue: Dialogue, filters: Filters):
    """The registrants matching the filters in order of arrival, with what the list and the
    export show of them."""
    return (
        _filtered(dialogue, filters)
        .order_by(Registration.created_at, Registration.id)
        .options(
            selectinload(Registration.participant).selectinload(Participant.country),
            selectinload(Registration.answers),
        )
    )


def registrants(dialogue: Dialogue, filters: Filters, page: int) -> Pagination:
    return db.paginate(_listed(dialogue, filters), page=page, per_page=PAGE_SIZE, error_out=False)


@dataclass
class Bar:
    label: str
    count: int
    share: float  # of the room, 0..1: a bar of half the width is half the room


def bars(counts: Iterable[tuple[str, int]], total: int) -> list[Bar]:
    return [Bar(label, count, count / (total or 1)) for label, count in counts]


@dataclass
class Balance:
    """The make-up of the confirmed room."""

    total: int
    by_group: list[Bar]
    by_country: list[Bar]
    by_sector: list[Bar]


REGION = {
    CountryGroup.NATO: "Euro-Atlantic (NATO)",
    CountryGroup.IP4: "Indo-Pacific (IP4)",
    CountryGroup.OTHER: "Others",
}


def balance(dialogue: Dialogue) -> Balance:
    rows = db.session.execute(
        select(Country.group, Country.name, Participant.sector)
        .select_from(Registration)
        .join(Registration.participant)
        .outerjoin(Participant.country)
        .where(
            Registration.dialogue_id == dialogue.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all()
    groups = Counter(group for group, _, _ in rows)
    countries = Counter(name or "Not given" for _, name, _ in rows)
    sectors = Counter(sector for _, _, sector in rows)
    total = len(rows)
    return Balance(
        total=total,
        by_group=bars(((REGION[group], groups.get(group, 0)) for group in CountryGroup), total),
        by_country=bars(countries.most_common(), total),
        by_sector=bars(
            ((sector.label, count) for sector, count in sectors.most_common() if sector),
            total,
        ),
    )


CSV_COLUMNS = (
    "Name",
    "Email",
    "Organisation",
    "Position",
    "Country",
    "Group",
    "Sector",
    "Status",
    "Waitlist position",
    "Registered (UTC)",
    "Access needs",
    "Dietary needs",
    "May be named publicly",
)


def registrant_table(dialogue: Dialogue, filters: Filters) -> list[list[object]]:
    """Every registrant matching the filters, heading first, with a column for each of the
    dialogue's questions; under the Chatham House Rule the last column says who may be named,
    so the file cannot be mistaken for a public list. One table for CSV and XLSX."""
    *details, named_column = CSV_COLUMNS
    questions = questions_of(dialogue.id)
    table: list[list[object]] = [
        [*details, *(question.label for question in questions), named_column]
    ]
    for registration in db.session.scalars(_listed(dialogue, filters)):
        person = registration.participant
        named = person.consent_to_be_listed or not dialogue.chatham_house
        table.append(
            [
                person.name,
                person.email,
                person.affiliation,
                person.position,
                person.country.name if person.country else "",
                person.country.group.label if person.country else "",
                person.sector.label if person.sector else "",
                registration.status.value,
                registration.waitlist_position or "",
                f"{registration.created_at:%Y-%m-%d %H:%M}",
                registration.access_needs,
                registration.dietary_needs,
                *(question.shown(registration.answer_to(question)) for question in questions),
                "yes" if named else "no: Chatham House Rule",
            ]
        )
    return table


def export_csv(dialogue: Dialogue, filters: Filters) -> str:
    return as_csv(registrant_table(dialogue, filters))


def export_xlsx(dialogue: Dialogue, filters: Filters) -> bytes:
    return as_xlsx(registrant_table(dialogue, filters), sheet="Registrations")


@dataclass
class BreakoutRoster:
    """One break-out as its organisers follow it: who has a seat, who waits, in order."""

    item: AgendaItem
    seated: list[SessionSignup]
    waiting: list[SessionSignup]

    @property
    def fullness(self) -> float | None:
        """Seats taken, 0..1, for drawing; None when the session has no limit."""
        seats = self.item.seats
        return None if seats is None else min(1.0, len(self.seated) / (seats or 1))


def breakout_rosters(dialogue: Dialogue) -> list[BreakoutRoster]:
    """Every sign-up session of the working copy, in time order, with its people: four
    queries, whatever the number of sessions and people."""
    items = db.session.scalars(
        select(AgendaItem)
        .where(
            AgendaItem.dialogue_id == dialogue.id,
            AgendaItem.signup_required,
            AgendaItem.removed_at.is_(None),
        )
        .order_by(AgendaItem.starts_at, AgendaItem.id)
        .options(selectinload(AgendaItem.room))
    ).all()
    signups = db.session.scalars(
        select(SessionSignup)
        .where(
            SessionSignup.item_id.in_([item.id for item in items]),
            SessionSignup.status != SignupStatus.CANCELLED,
        )
        .order_by(SessionSignup.waitlist_position, SessionSignup.created_at, SessionSignup.id)
        .options(selectinload(SessionSignup.registration).selectinload(Registration.participant))
    )
    by_item: dict[int, list[SessionSignup]] = {item.id: [] for item in items}
    for signup in signups:
        by_item[signup.item_id].append(signup)
    return [
        BreakoutRoster(
            item,
            [signup for signup in by_item[item.id] if signup.seated],
            [signup for signup in by_item[item.id] if not signup.seated],
        )
        for item in items
    ]


BREAKOUT_COLUMNS = ("Session", "Starts (local)", "Place", "Name", "Email", "Organisation")


def breakouts_csv(dialogue: Dialogue) -> str:
    """Who sits in, and who waits for, each break-out: for the rooms' doors and the chairs."""
    table: list[list[object]] = [list(BREAKOUT_COLUMNS)]
    for roster in breakout_rosters(dialogue):
        starts = roster.item.starts_at.astimezone(dialogue.zone)
        places = [("seat", signup) for signup in roster.seated] + [
            (f"waitlist {signup.waitlist_position}", signup) for signup in roster.waiting
        ]
        for place, signup in places:
            person = signup.registration.participant
            table.append(
                [
                    roster.item.title,
                    f"{starts:%Y-%m-%d %H:%M}",
                    place,
                    person.name,
                    person.email,
                    person.affiliation,
                ]
            )
    return as_csv(table)
