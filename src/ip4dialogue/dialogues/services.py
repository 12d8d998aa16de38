"""Rules about dialogues and their agendas, as plain functions over models.

Views hand over plain values; these functions decide, change and flush, and raise
RuleViolation with the field at fault when a rule says no, so the form can show the reason
next to that field. The boundary commits. Organisers change the working copy; only a release
changes what the public and calendars see (`signals.agenda_released`). A change that may free
seats is announced (`signals.capacity_changed`), and registration seats those waiting.
"""

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from ip4dialogue import signals
from ip4dialogue.addresses import canonical_email
from ip4dialogue.audit import record
from ip4dialogue.database import lock_row
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemStatus,
    Release,
    Role,
    Room,
)
from ip4dialogue.dialogues.queries import (
    forget_released,
    free_slug,
    latest_release,
    load_agenda,
    released_agenda,
)
from ip4dialogue.dialogues.releases import (
    Change,
    Entry,
    change_record,
    changes,
    fingerprint,
    released_entries,
    working_entries,
)
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from ip4dialogue.institutions.queries import institutions_with_ids
from ip4dialogue.people.directory import person_for
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation, Theme
from ip4dialogue.report.queries import current_series, recommendations_with_ids, themes_with_ids
from ip4dialogue.rules import RuleViolation
from ip4dialogue.timezones import NonexistentLocalTime, to_instant

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser

# A change to any of these may free seats in a break-out, or take them away.
SEATING_FIELDS = frozenset({"room", "capacity", "signup_required", "status"})

# Dialogues


def _instant(day: date, clock: time, zone: ZoneInfo, field: str) -> datetime:
    try:
        return to_instant(day, clock, zone)
    except NonexistentLocalTime as error:
        raise RuleViolation(field, str(error)) from None


def _local_instant(value: datetime | None, zone: ZoneInfo, field: str) -> datetime | None:
    return None if value is None else _instant(value.date(), value.time(), zone, field)


MAX_SLUG = 80
SLUG_BASE = MAX_SLUG - len("-2028-999")  # a made address leaves room for its year and a number


def suggested_slug(title: str, start: date) -> str:
    """A web address from a title and its year: "Third Indo-Pacific Security Dialogue" in
    2028 is third-indo-pacific-security-dialogue-2028. Letters beyond ASCII are dropped; a
    title without a Latin word (in Hangul alone, say) gives dialogue-2028."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    year = str(start.year)
    words = [word for word in re.findall(r"[a-z0-9]+", ascii_title.lower()) if word != year]
    if not any(re.search("[a-z]", word) for word in words):
        words = ["dialogue"]
    base = "-".join(words)
    if len(base) > SLUG_BASE:  # whole words, leaving room for the year and a -2, -3 ...
        base = base[: SLUG_BASE + 1].rsplit("-", 1)[0]
    return f"{base}-{year}"


def save_dialogue(
    dialogue: Dialogue | None, values: dict[str, Any], organiser: "Organiser"
) -> Dialogue:
    """Create or update a dialogue from form values (registration times are local). An
    empty web address keeps the one it has, or is made from the title."""
    values = dict(values)
    if not values.get("slug") and dialogue is not None:
        values["slug"] = dialogue.slug
    elif not values.get("slug"):
        values["slug"] = free_slug(suggested_slug(values["title"], values["start_date"]))
    taken = db.session.scalars(select(Dialogue.id).where(Dialogue.slug == values["slug"])).first()
    if taken is not None and (dialogue is None or taken != dialogue.id):
        raise RuleViolation("slug", "Another dialogue already uses this web address.")
    if "contact_email" in values:
        values["contact_email"] = _contact_address(values["contact_email"] or "")
    if "convener_ids" in values:
        values["institutions"] = institutions_with_ids(values.pop("convener_ids") or [])
    zone = ZoneInfo(values["timezone"])
    values["registration_opens_at"] = _local_instant(
        values.pop("registration_opens"), zone, "registration_opens"
    )
    values["registration_closes_at"] = _local_instant(
        values.pop("registration_closes"), zone, "registration_closes"
    )
    if dialogue is None:
        dialogue = _write(Dialogue(series=current_series()), values, True, organiser)
        signals.dialogue_created.send(dialogue, organiser=organiser)
        return dialogue
    if dialogue.timezone != zone.key:
        _keep_local_times(dialogue, zone, organiser)
    capacity = dialogue.capacity
    _write(dialogue, values, False, organiser)
    if dialogue.capacity != capacity:
        signals.capacity_changed.send(dialogue)
    return dialogue


def _contact_address(raw: str) -> str:
    """The address checked and in its canonical form; empty for none."""
    if not raw.strip():
        return ""
    try:
        return canonical_email(raw)
    except RuleViolation as problem:
        raise RuleViolation("contact_email", problem.message) from None


def _keep_local_times(dialogue: Dialogue, zone: ZoneInfo, organiser: "Organiser") -> None:
    """A new time zone keeps the agenda's wall-clock times (09:00 stays 09:00), so the items'
    instants move; published items raise their SEQUENCE, and calendars follow."""
    for item in dialogue.items:
        start, end = (moment.astimezone(dialogue.zone) for moment in (item.starts_at, item.ends_at))
        moved = {
            "starts_at": _instant(start.date(), start.time(), zone, "timezone"),
            "ends_at": _instant(end.date(), end.time(), zone, "timezone"),
        }
        apply_item_changes(item, moved, organiser)


def _write(instance: Any, values: dict[str, Any], creating: bool, organiser: "Organiser") -> Any:
    """Set `values` on a dialogue or room and audit the change."""
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
    return instance


# Releases


@dataclass(frozen=True)
class Preview:
    """What publishing now would change, and the working copy's fingerprint, so that the
    release refuses if the agenda changes between the preview and the button."""

    changes: list[Change]
    fingerprint: str
    release_number: int
    new_zone: str | None  # the dialogue's zone, when the last release showed another

    @property
    def pending(self) -> bool:
        """Whether publishing now would release anything."""
        return bool(self.changes or self.new_zone)


def _new_zone(dialogue: Dialogue, last: Release | None) -> str | None:
    """A new time zone is a change to release even when no session moved (an empty agenda)."""
    return dialogue.timezone if last is not None and last.timezone != dialogue.timezone else None


def _proposal(
    dialogue: Dialogue, working: list[Entry], now: datetime
) -> tuple[Release | None, list[Entry], Preview]:
    """The last release, the entries of the next one, and what it would change: one
    reckoning for the preview and for the release made from it."""
    last = latest_release(dialogue)
    previous = last.entries if last else []
    entries = released_entries(previous, working, now)
    proposed = Preview(
        changes(previous, entries),
        fingerprint(working),
        last.number + 1 if last else 1,
        _new_zone(dialogue, last),
    )
    return last, entries, proposed


def preview(dialogue: Dialogue, now: datetime) -> Preview:
    """What the next release would change, from a dialogue loaded with its agenda."""
    return _proposal(dialogue, working_entries(dialogue), now)[2]


def publish(
    dialogue: Dialogue,
    organiser: "Organiser | None",
    note: str,
    now: datetime,
    *,
    seen: str | None = None,
) -> Release | None:
    """Release the working copy, as previewed: `seen` is the preview's fingerprint (None for
    commands, which publish what is there). The first publication is release 1. Two
    organisers publishing at once make one release: the second finds nothing left to publish.
    Returns the new release, or None when the last one is made public again unchanged (after
    a withdrawal)."""
    lock_row(db.session, dialogue, ["status"])
    working = working_entries(load_agenda(dialogue, fresh=True))
    last, entries, proposed = _proposal(dialogue, working, now)
    if seen is not None and proposed.fingerprint != seen:
        raise RuleViolation(
            None, "The agenda changed since your preview: check what would be published now."
        )
    if last is not None and not proposed.pending and dialogue.status == DialogueStatus.PUBLISHED:
        raise RuleViolation(None, f"Nothing has changed since release {last.number}.")
    before = dialogue.status
    dialogue.status = DialogueStatus.PUBLISHED
    release = None
    if proposed.pending or last is None:  # the first publication is release 1, even if empty
        release = _release(dialogue, last, entries, proposed.changes, organiser, note, now)
    _record_status("published", dialogue, organiser, before, release=(release or last).number)
    return release


def cancel_dialogue(dialogue: Dialogue, organiser: "Organiser", note: str, now: datetime) -> None:
    """Cancel the dialogue: a release in which every session released so far is cancelled,
    so every calendar that has them is told."""
    lock_row(db.session, dialogue, ["status"])
    if dialogue.status == DialogueStatus.CANCELLED:
        raise RuleViolation(None, "The dialogue is cancelled already.")
    last = latest_release(dialogue)
    if last is None:
        raise RuleViolation(None, "It was never published, so nobody has it to be told.")
    before = dialogue.status
    dialogue.status = DialogueStatus.CANCELLED
    entries = released_entries(last.entries, [], now, cancelling=True)
    _release(dialogue, last, entries, changes(last.entries, entries), organiser, note, now)
    _record_status("cancelled", dialogue, organiser, before)


def withdraw(dialogue: Dialogue, organiser: "Organiser") -> None:
    """Back to draft: the programme and the feeds are no longer public; calendars keep what
    they had, and the next publication starts from the last release."""
    before = dialogue.status
    dialogue.status = DialogueStatus.DRAFT
    _record_status("draft", dialogue, organiser, before)


def _record_status(
    action: str,
    dialogue: Dialogue,
    organiser: "Organiser | None",
    before: DialogueStatus,
    **after: Any,
) -> None:
    record(
        f"dialogue.{action}",
        dialogue,
        organiser=organiser,
        dialogue_id=dialogue.id,
        before={"status": before.value},
        after={"status": dialogue.status.value, **after},
    )


def _release(
    dialogue: Dialogue,
    last: Release | None,
    entries: list[Entry],
    found: list[Change],
    organiser: "Organiser | None",
    note: str,
    now: datetime,
) -> Release:
    release = Release(
        dialogue=dialogue,
        number=last.number + 1 if last else 1,
        released_at=now,
        released_by_id=organiser.id if organiser else None,
        timezone=dialogue.timezone,
        note=note.strip(),
        entries=entries,
        changes=[change_record(change) for change in found],
    )
    db.session.add(release)
    db.session.flush()
    forget_released(dialogue)
    signals.agenda_released.send(dialogue, release=release)
    return release


def local_input(dialogue: Dialogue, instant: datetime | None) -> datetime | None:
    """An instant as the naive local value a datetime-local field shows."""
    return instant.astimezone(dialogue.zone).replace(tzinfo=None) if instant else None


# Rooms


def save_room(
    dialogue: Dialogue, room: Room | None, values: dict[str, Any], organiser: "Organiser"
) -> Room:
    clash = next(
        (other for other in dialogue.rooms if other.name == values["name"] and other is not room),
        None,
    )
    if clash is not None:
        raise RuleViolation("name", "This dialogue already has a room of that name.")
    if room is None:
        return _write(
            Room(dialogue=dialogue, position=len(dialogue.rooms)), values, True, organiser
        )
    capacity = room.capacity
    _write(room, values, False, organiser)
    if room.capacity != capacity:
        signals.capacity_changed.send(dialogue)
    return room


def delete_room(room: Room, organiser: "Organiser") -> None:
    """Items in the room stay on the agenda, without a room (and say so when published); the
    room's seats no longer limit its break-outs."""
    for item in items_in(room):
        apply_item_changes(item, {"room": None}, organiser)
    record(
        "room.deleted",
        room,
        organiser=organiser,
        dialogue_id=room.dialogue_id,
        before={"name": room.name},
    )
    db.session.delete(room)
    db.session.flush()
    signals.capacity_changed.send(room.dialogue)


def items_in(room: Room) -> list[AgendaItem]:
    return [item for item in room.dialogue.items if item.room_id == room.id]


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


@dataclass(frozen=True)
class LocalTimes:
    """When an item runs, as organisers type it: a day and wall-clock times in the
    dialogue's zone."""

    day: date
    start: time
    end: time
    ends_next_day: bool = False


def item_times(dialogue: Dialogue, when: LocalTimes) -> tuple[datetime, datetime]:
    """Local day and clock times to UTC instants, by the dialogue's zone and dates."""
    _check_day(dialogue, when.day)
    end_day = when.day + timedelta(days=1) if when.ends_next_day else when.day
    starts_at = _instant(when.day, when.start, dialogue.zone, "start")
    ends_at = _instant(end_day, when.end, dialogue.zone, "end")
    if ends_at <= starts_at:
        raise RuleViolation(
            "end",
            "The item ends before it starts. For a session that runs past midnight, tick "
            "“Ends after midnight”.",
        )
    return starts_at, ends_at


def _roles(choices: Iterable[RoleChoice]) -> list[tuple[Participant, Role]]:
    """Participants for the chosen roles, adding people added on the spot (or finding them by
    email when they exist already)."""
    people: list[tuple[Participant, Role]] = []
    for choice in choices:
        if choice.new_name:
            address = canonical_email(choice.new_email)
            person = person_for(address, choice.new_name, choice.new_affiliation)
            people.append((person, choice.role))
        elif choice.participant_id:
            person = db.session.get(Participant, choice.participant_id)
            if person is None or person.erased_at is not None:
                raise RuleViolation("roles", "One of the chosen people no longer exists.")
            people.append((person, choice.role))
    return list(dict.fromkeys(people))


def _set_roles(item: AgendaItem, people: list[tuple[Participant, Role]]) -> None:
    wanted = set(people)
    kept = [role for role in item.roles if (role.participant, role.role) in wanted]
    have = {(role.participant, role.role) for role in kept}
    item.roles = kept + [
        AgendaRole(participant=person, role=role)
        for person, role in people
        if (person, role) not in have
    ]


def _room(dialogue: Dialogue, room_id: int | None) -> Room | None:
    room = next((room for room in dialogue.rooms if room.id == room_id), None)
    if room_id and room is None:
        raise RuleViolation("room_id", "Pick one of this dialogue's rooms.")
    return room


def save_item(
    dialogue: Dialogue,
    item: AgendaItem | None,
    values: dict[str, Any],
    when: LocalTimes,
    roles: list[RoleChoice],
    organiser: "Organiser",
) -> AgendaItem:
    """Create or update an agenda item. `values` holds the item's own fields plus
    theme_ids, recommendation_ids and room_id."""
    values = dict(values)
    values["starts_at"], values["ends_at"] = item_times(dialogue, when)
    values["room"] = _room(dialogue, values.pop("room_id"))
    values["themes"] = themes_with_ids(values.pop("theme_ids"))
    values["recommendations"] = recommendations_with_ids(values.pop("recommendation_ids"))
    people = _roles(roles)
    if item is None:
        item = AgendaItem(dialogue=dialogue, **values)
        _set_roles(item, people)
        return _add_item(item, organiser)
    changed = apply_item_changes(item, values | {"roles": people}, organiser)
    if changed & SEATING_FIELDS:
        signals.capacity_changed.send(dialogue)
    return item


def _add_item(item: AgendaItem, organiser: "Organiser") -> AgendaItem:
    db.session.add(item)
    db.session.flush()
    record(
        "item.created",
        item,
        organiser=organiser,
        dialogue_id=item.dialogue_id,
        after=item_snapshot(item),
    )
    return item


def duplicate_item(item: AgendaItem, organiser: "Organiser") -> AgendaItem:
    """A copy with a new UID, tentative until the organiser confirms it."""
    copy = AgendaItem(
        dialogue=item.dialogue,
        status=ItemStatus.TENTATIVE,
        kind=item.kind,
        title=f"{item.title} (copy)",
        description=item.description,
        translations=dict(item.translations),
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


def delete_item(item: AgendaItem, organiser: "Organiser", now: datetime) -> None:
    """Out of the working copy; the next release tells calendars it is cancelled. A session
    the last release has stays, removed, with whoever signed up for it, so that nothing
    changes for them before that release, and their calendars are told by it."""
    record(
        "item.deleted",
        item,
        organiser=organiser,
        dialogue_id=item.dialogue_id,
        before=item_snapshot(item),
    )
    dialogue = item.dialogue
    if released_agenda(dialogue).session(item.id) is None:
        dialogue.items.remove(item)  # the loaded agenda stays whole; the orphan is deleted
    else:
        item.remove(now)
        set_committed_value(dialogue, "items", [i for i in dialogue.items if i is not item])
    db.session.flush()


def move_item(
    item: AgendaItem, day: date, start: time, room_id: int, organiser: "Organiser"
) -> None:
    """Move an item to another day, time or room, keeping its length."""
    dialogue = item.dialogue
    _check_day(dialogue, day)
    starts_at = _instant(day, start, dialogue.zone, "start")
    length = item.ends_at - item.starts_at
    room = _room(dialogue, room_id)
    changes = {"starts_at": starts_at, "ends_at": starts_at + length, "room": room}
    if apply_item_changes(item, changes, organiser) & SEATING_FIELDS:
        signals.capacity_changed.send(dialogue)


# Change tracking


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value, for the audit log; people by id, never by name,
    so that the log shows their current name and erasing them edits nothing here."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Room):
        return value.name
    if isinstance(value, list):
        return sorted((_plain(entry) for entry in value), key=str)
    if isinstance(value, dict):  # a copy: a change made in place still shows as one
        return {key: _plain(entry) for key, entry in value.items()}
    if isinstance(value, AgendaRole):
        return {"role": value.role.value, "person": value.participant.id}
    if isinstance(value, Theme):
        return value.title
    if isinstance(value, Institution):
        return value.name
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
    "translations",
)


def item_snapshot(item: AgendaItem) -> dict[str, Any]:
    return snapshot(item, ITEM_FIELDS)


def apply_item_changes(
    item: AgendaItem, values: dict[str, Any], organiser: "Organiser"
) -> frozenset[str]:
    """Apply changes to the working copy of an item, and log them. Returns the names of the
    fields that changed."""
    before = item_snapshot(item)
    people = values.pop("roles", None)
    for name, value in values.items():
        setattr(item, name, value)
    if people is not None:
        _set_roles(item, people)
        db.session.flush()  # people added on the spot get the ids the log refers to them by
    after = item_snapshot(item)
    changed = frozenset(name for name in ITEM_FIELDS if before[name] != after[name])
    if not changed:
        return changed
    record(
        "item.updated",
        item,
        organiser=organiser,
        dialogue_id=item.dialogue_id,
        before={name: before[name] for name in sorted(changed)},
        after={name: after[name] for name in sorted(changed)},
    )
    return changed
