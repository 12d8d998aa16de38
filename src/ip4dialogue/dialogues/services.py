"""Rules about dialogues and their agendas, as plain functions over models.

Views hand over plain values; these functions decide, write, and raise RuleViolation with the
field at fault when a rule says no, so the form can show the reason next to that field.
"""

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ip4dialogue.accounts.models import AuditEvent, Organiser
from ip4dialogue.accounts.services import record
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemStatus,
    Role,
    Room,
    agenda_item_recommendations,
    agenda_item_themes,
)
from ip4dialogue.dialogues.timezones import NonexistentLocalTime, to_instant
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Participant
from ip4dialogue.report.models import Recommendation, Theme
from ip4dialogue.rules import RuleViolation

# Reading


def load_agenda(dialogue: Dialogue) -> Dialogue:
    """Load a dialogue's whole agenda in four queries, however long it is, and hand each item
    its themes, recommendations, roles (with people) and its dialogue, so pages and calendar
    files never load lazily. (Selectin loading would split agendas of more than 500 items into
    extra queries; subquery loading costs a query object per item.)"""
    in_dialogue = AgendaItem.dialogue_id == dialogue.id
    items = db.session.scalars(
        select(AgendaItem)
        .where(in_dialogue)
        .order_by(AgendaItem.starts_at, AgendaItem.id)
        .options(joinedload(AgendaItem.room))
    ).all()
    linked: dict[str, dict[int, list[Any]]] = {}
    for name, table, model, column, order in (
        ("themes", agenda_item_themes, Theme, "theme_id", Theme.position),
        (
            "recommendations",
            agenda_item_recommendations,
            Recommendation,
            "recommendation_id",
            Recommendation.number,
        ),
    ):
        rows = db.session.execute(
            select(table.c.item_id, model)
            .join(model, model.id == table.c[column])
            .join(AgendaItem, AgendaItem.id == table.c.item_id)
            .where(in_dialogue)
            .order_by(order)
        )
        linked[name] = defaultdict(list)
        for item_id, target in rows:
            linked[name][item_id].append(target)
    roles = db.session.scalars(
        select(AgendaRole)
        .join(AgendaRole.item)
        .where(in_dialogue)
        .order_by(AgendaRole.id)
        .options(joinedload(AgendaRole.participant))
    ).all()
    linked["roles"] = defaultdict(list)
    for role in roles:
        linked["roles"][role.item_id].append(role)
    for item in items:
        set_committed_value(item, "dialogue", dialogue)
        for name, by_item in linked.items():
            set_committed_value(item, name, by_item.get(item.id, []))
    set_committed_value(dialogue, "items", list(items))
    return dialogue


def upcoming_dialogues(today: date) -> list[Dialogue]:
    """Published dialogues that have not ended yet, soonest first."""
    query = (
        select(Dialogue)
        .where(Dialogue.status == DialogueStatus.PUBLISHED, Dialogue.end_date >= today)
        .order_by(Dialogue.start_date, Dialogue.title)
        .options(selectinload(Dialogue.country))
    )
    return list(db.session.scalars(query))


def public_dialogue(slug: str, *, include_drafts: bool = False) -> Dialogue | None:
    """A dialogue the public may see (published or cancelled), loaded for its programme;
    organisers may also preview drafts."""
    query = select(Dialogue).where(Dialogue.slug == slug)
    if not include_drafts:
        query = query.where(Dialogue.status != DialogueStatus.DRAFT)
    dialogue = db.session.scalars(query.options(joinedload(Dialogue.country))).one_or_none()
    return load_agenda(dialogue) if dialogue else None


def dialogue_for_organiser(dialogue_id: int) -> Dialogue | None:
    """A dialogue with its rooms and whole agenda loaded, for organisers' pages."""
    query = (
        select(Dialogue)
        .where(Dialogue.id == dialogue_id)
        .options(joinedload(Dialogue.country), selectinload(Dialogue.rooms))
    )
    dialogue = db.session.scalars(query).one_or_none()
    return load_agenda(dialogue) if dialogue else None


def all_dialogues() -> list[tuple[Dialogue, int]]:
    """Every dialogue with its number of items, the latest first."""
    query = (
        select(Dialogue, func.count(AgendaItem.id))
        .outerjoin(Dialogue.items)
        .group_by(Dialogue.id)
        .order_by(Dialogue.start_date.desc(), Dialogue.id.desc())
    )
    return [(dialogue, count) for dialogue, count in db.session.execute(query)]


def participants_for_roles() -> list[Participant]:
    query = (
        select(Participant)
        .where(Participant.erased_at.is_(None))
        .order_by(func.lower(Participant.name), Participant.id)
    )
    return list(db.session.scalars(query))


def may_name_in_public(role: AgendaRole, dialogue: Dialogue) -> bool:
    """Under the Chatham House Rule a person is named only with their consent."""
    return not dialogue.chatham_house or role.participant.consent_to_be_listed


def public_roles(item: AgendaItem) -> list[AgendaRole]:
    return [role for role in item.roles if may_name_in_public(role, item.dialogue)]


@dataclass
class ProgrammeDay:
    day: date
    items: list[AgendaItem] = field(default_factory=list)


def programme_days(dialogue: Dialogue) -> list[ProgrammeDay]:
    """The agenda grouped by the local date on which items start, in start order."""
    days: dict[date, ProgrammeDay] = {}
    for item in sorted(dialogue.items, key=lambda item: (item.starts_at, item.id)):
        day = item.starts_at.astimezone(dialogue.zone).date()
        days.setdefault(day, ProgrammeDay(day)).items.append(item)
    return list(days.values())


def dialogue_days(dialogue: Dialogue) -> list[date]:
    return [
        dialogue.start_date + timedelta(days=offset)
        for offset in range((dialogue.end_date - dialogue.start_date).days + 1)
    ]


# Dialogues


def _instant(day: date, clock: time, zone: ZoneInfo, field: str) -> datetime:
    try:
        return to_instant(day, clock, zone)
    except NonexistentLocalTime as error:
        raise RuleViolation(field, str(error)) from None


def _local_instant(value: datetime | None, zone: ZoneInfo, field: str) -> datetime | None:
    return None if value is None else _instant(value.date(), value.time(), zone, field)


def save_dialogue(
    dialogue: Dialogue | None, values: dict[str, Any], organiser: Organiser
) -> Dialogue:
    """Create or update a dialogue from form values (registration times are local)."""
    taken = db.session.scalars(select(Dialogue.id).where(Dialogue.slug == values["slug"])).first()
    if taken is not None and (dialogue is None or taken != dialogue.id):
        raise RuleViolation("slug", "Another dialogue already uses this web address.")
    values = dict(values)
    zone = ZoneInfo(values["timezone"])
    values["registration_opens_at"] = _local_instant(
        values.pop("registration_opens"), zone, "registration_opens"
    )
    values["registration_closes_at"] = _local_instant(
        values.pop("registration_closes"), zone, "registration_closes"
    )
    if dialogue is not None and dialogue.timezone != zone.key:
        _keep_local_times(dialogue, zone, organiser)
    return _write(dialogue or Dialogue(), values, dialogue is None, organiser)


def _keep_local_times(dialogue: Dialogue, zone: ZoneInfo, organiser: Organiser) -> None:
    """A new time zone keeps the agenda's wall-clock times (09:00 stays 09:00), so the items'
    instants move; published items raise their SEQUENCE, and calendars follow."""
    for item in dialogue.items:
        start, end = (moment.astimezone(dialogue.zone) for moment in (item.starts_at, item.ends_at))
        moved = {
            "starts_at": _instant(start.date(), start.time(), zone, "timezone"),
            "ends_at": _instant(end.date(), end.time(), zone, "timezone"),
        }
        apply_item_changes(item, moved, organiser)


def _write(instance: Any, values: dict[str, Any], creating: bool, organiser: Organiser) -> Any:
    """Set `values` on a dialogue or room, audit the change, and commit."""
    before = None if creating else snapshot(instance, values)
    for name, value in values.items():
        setattr(instance, name, value)
    db.session.add(instance)
    db.session.flush()
    kind = type(instance).__name__.lower()
    record(
        f"{kind}.created" if creating else f"{kind}.updated",
        instance,
        organiser=organiser,
        dialogue_id=instance.id if isinstance(instance, Dialogue) else instance.dialogue_id,
        before=before,
        after=snapshot(instance, values),
    )
    db.session.commit()
    return instance


def change_status(dialogue: Dialogue, status: DialogueStatus, organiser: Organiser) -> None:
    """Publish, withdraw or cancel. Publishing again marks the current agenda as announced."""
    before = {"status": dialogue.status.value}
    cancelling = DialogueStatus.CANCELLED in (dialogue.status, status) and dialogue.status != status
    if cancelling:
        for item in dialogue.items:  # every event's STATUS changes in calendars
            mark_changed(item, scheduling=True)
    dialogue.status = status
    if status == DialogueStatus.PUBLISHED:
        dialogue.published_at = utcnow()
    record(
        f"dialogue.{status.value}",
        dialogue,
        organiser=organiser,
        dialogue_id=dialogue.id,
        before=before,
        after={"status": status.value},
    )
    db.session.commit()


def local_input(dialogue: Dialogue, instant: datetime | None) -> datetime | None:
    """An instant as the naive local value a datetime-local field shows."""
    return instant.astimezone(dialogue.zone).replace(tzinfo=None) if instant else None


# Rooms


def save_room(
    dialogue: Dialogue, room: Room | None, values: dict[str, Any], organiser: Organiser
) -> Room:
    clash = next(
        (other for other in dialogue.rooms if other.name == values["name"] and other is not room),
        None,
    )
    if clash is not None:
        raise RuleViolation("name", "This dialogue already has a room of that name.")
    dialogue.updated_at = utcnow()  # rooms appear in calendar files: a new version
    if room is not None and (room.name, room.join_url) != (values["name"], values["join_url"]):
        for item in dialogue.items:  # a new place for each of its sessions
            if item.room_id == room.id:
                mark_changed(item, scheduling=True)
    if room is None:
        return _write(
            Room(dialogue=dialogue, position=len(dialogue.rooms)), values, True, organiser
        )
    return _write(room, values, False, organiser)


def delete_room(room: Room, organiser: Organiser) -> None:
    """Items in the room stay on the agenda, without a room (and say so when published)."""
    for item in room.dialogue.items:
        if item.room_id == room.id:
            apply_item_changes(item, {"room": None}, organiser)
    room.dialogue.updated_at = utcnow()
    record(
        "room.deleted",
        room,
        organiser=organiser,
        dialogue_id=room.dialogue_id,
        before={"name": room.name},
    )
    db.session.delete(room)
    db.session.commit()


# Agenda items


@dataclass
class RoleChoice:
    """A role on an item, for a known participant or a person added on the spot."""

    role: Role
    participant_id: int | None = None
    new_name: str = ""
    new_email: str = ""
    new_affiliation: str = ""


def _check_day(dialogue: Dialogue, day: date) -> None:
    if not dialogue.start_date <= day <= dialogue.end_date:
        raise RuleViolation(
            "day",
            f"The dialogue runs from {dialogue.start_date:%d %B %Y} to "
            f"{dialogue.end_date:%d %B %Y}; pick a day within it.",
        )


def item_times(
    dialogue: Dialogue, day: date, start: time, end: time, ends_next_day: bool
) -> tuple[datetime, datetime]:
    """Local day and clock times to UTC instants, by the dialogue's zone and dates."""
    _check_day(dialogue, day)
    end_day = day + timedelta(days=1) if ends_next_day else day
    starts_at = _instant(day, start, dialogue.zone, "start")
    ends_at = _instant(end_day, end, dialogue.zone, "end")
    if ends_at <= starts_at:
        raise RuleViolation(
            "end",
            "The item ends before it starts. For a session that runs past midnight, tick "
            "“Ends after midnight”.",
        )
    return starts_at, ends_at


def _roles(choices: Iterable[RoleChoice]) -> list[tuple[Participant, Role]]:
    """Participants for the chosen roles, creating people added on the spot (or finding them
    by email when they exist already)."""
    people: list[tuple[Participant, Role]] = []
    for choice in choices:
        if choice.new_name:
            email = choice.new_email.strip().lower()
            person = db.session.scalars(
                select(Participant).where(Participant.email == email)
            ).one_or_none()
            if person is None:
                person = Participant(
                    name=choice.new_name.strip(),
                    email=email,
                    affiliation=choice.new_affiliation.strip(),
                )
                db.session.add(person)
            people.append((person, choice.role))
        elif choice.participant_id:
            person = db.session.get(Participant, choice.participant_id)
            if person is None or person.erased_at is not None:
                raise RuleViolation("roles", "One of the chosen people no longer exists.")
            people.append((person, choice.role))
    return list(dict.fromkeys(people))


def _set_roles(item: AgendaItem, people: list[tuple[Participant, Role]]) -> None:
    wanted = {(person, role) for person, role in people}
    kept = [role for role in item.roles if (role.participant, role.role) in wanted]
    have = {(role.participant, role.role) for role in kept}
    item.roles = kept + [
        AgendaRole(participant=person, role=role)
        for person, role in people
        if (person, role) not in have
    ]


def _by_ids(model: type, ids: Iterable[int]) -> list[Any]:
    ids = list(ids)
    return list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


def save_item(
    dialogue: Dialogue,
    item: AgendaItem | None,
    values: dict[str, Any],
    roles: list[RoleChoice],
    organiser: Organiser,
) -> AgendaItem:
    """Create or update an agenda item. `values` holds the item's own fields plus
    theme_ids, recommendation_ids and room_id."""
    values = dict(values)
    room_id = values.pop("room_id")
    room = next((room for room in dialogue.rooms if room.id == room_id), None)
    if room_id and room is None:
        raise RuleViolation("room_id", "Pick one of this dialogue's rooms.")
    values["room"] = room
    values["themes"] = _by_ids(Theme, values.pop("theme_ids"))
    values["recommendations"] = _by_ids(Recommendation, values.pop("recommendation_ids"))
    people = _roles(roles)
    if item is None:
        item = AgendaItem(dialogue=dialogue, **values)
        _set_roles(item, people)
        return _add_item(item, organiser)
    values["roles"] = people
    apply_item_changes(item, values, organiser)
    db.session.commit()
    return item


def _add_item(item: AgendaItem, organiser: Organiser) -> AgendaItem:
    db.session.add(item)
    db.session.flush()
    record(
        "item.created",
        item,
        organiser=organiser,
        dialogue_id=item.dialogue_id,
        after=item_snapshot(item),
    )
    db.session.commit()
    return item


def duplicate_item(item: AgendaItem, organiser: Organiser) -> AgendaItem:
    """A copy with a new UID, tentative until the organiser confirms it."""
    copy = AgendaItem(
        dialogue=item.dialogue,
        status=ItemStatus.TENTATIVE,
        kind=item.kind,
        title=f"{item.title} (copy)",
        description=item.description,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        room=item.room,
        capacity=item.capacity,
        signup_required=item.signup_required,
        themes=list(item.themes),
        recommendations=list(item.recommendations),
        roles=[AgendaRole(participant=role.participant, role=role.role) for role in item.roles],
    )
    return _add_item(copy, organiser)


def delete_item(item: AgendaItem, organiser: Organiser) -> None:
    item.dialogue.updated_at = utcnow()  # the feed loses an event: a new version
    record(
        "item.deleted",
        item,
        organiser=organiser,
        dialogue_id=item.dialogue_id,
        before=item_snapshot(item),
    )
    db.session.delete(item)
    db.session.commit()


def move_item(item: AgendaItem, day: date, start: time, room_id: int, organiser: Organiser) -> None:
    """Move an item to another day, time or room, keeping its length."""
    dialogue = item.dialogue
    _check_day(dialogue, day)
    starts_at = _instant(day, start, dialogue.zone, "start")
    room = next((room for room in dialogue.rooms if room.id == room_id), None)
    if room_id and room is None:
        raise RuleViolation("room_id", "Pick one of this dialogue's rooms.")
    length = item.ends_at - item.starts_at
    changes = {"starts_at": starts_at, "ends_at": starts_at + length, "room": room}
    apply_item_changes(item, changes, organiser)
    db.session.commit()


# Change tracking


# Calendar clients must be told (SEQUENCE) when these change: RFC 5545, 3.8.7.4.
SCHEDULING_FIELDS = ("starts_at", "ends_at", "room", "status")


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value, for the audit log."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Room):
        return value.name
    if isinstance(value, list):
        return sorted(_plain(entry) for entry in value)
    if isinstance(value, AgendaRole):
        return f"{value.role.value}: {value.participant.name}"
    if isinstance(value, Theme):
        return value.title
    if isinstance(value, Recommendation):
        return f"R{value.number}"
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(instance: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


ITEM_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "room",
    "status",
    "capacity",
    "signup_required",
    "themes",
    "recommendations",
    "roles",
)


def item_snapshot(item: AgendaItem) -> dict[str, Any]:
    return snapshot(item, ITEM_FIELDS)


def mark_changed(item: AgendaItem, *, scheduling: bool) -> None:
    """Stamp a change for calendars; a change of time, place or status of an item that was
    ever published also raises its SEQUENCE (RFC 5545), even if made in draft."""
    item.changed_at = utcnow()
    if scheduling and item.dialogue.published_at is not None:
        item.sequence += 1


def apply_item_changes(item: AgendaItem, values: dict[str, Any], organiser: Organiser) -> bool:
    """Apply changes to an item, and keep calendars honest: any change stamps `changed_at`;
    on a published dialogue a change of time, room or status also raises `sequence`.
    Returns whether anything changed. The caller commits."""
    before = item_snapshot(item)
    people = values.pop("roles", None)
    for name, value in values.items():
        setattr(item, name, value)
    if people is not None:
        _set_roles(item, people)
    after = item_snapshot(item)
    changed = {name for name in ITEM_FIELDS if before[name] != after[name]}
    if not changed:
        return False
    mark_changed(item, scheduling=bool(changed & set(SCHEDULING_FIELDS)))
    record(
        "item.updated",
        item,
        organiser=organiser,
        dialogue_id=item.dialogue_id,
        before={name: before[name] for name in sorted(changed)},
        after={name: after[name] for name in sorted(changed)},
    )
    return True


def changes_since_publication(dialogue: Dialogue) -> list[AuditEvent]:
    """Agenda changes made after the dialogue was last published, oldest first."""
    if dialogue.published_at is None:
        return []
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.dialogue_id == dialogue.id,
            AuditEvent.action.startswith("item."),
            AuditEvent.occurred_at > dialogue.published_at,
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .options(selectinload(AuditEvent.organiser))
    )
    return list(db.session.scalars(query))
