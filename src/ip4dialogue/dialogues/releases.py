"""Releases of an agenda: what the public sees of it.

Organisers edit the working copy (the agenda's rows) as they like; publishing freezes it into
a release, one entry per session, which the public programme, item pages, the report page,
every feed and every emailed invitation read until the next release. Pure functions: the
working copy and the last release in; entries, their changes, and plain words out.

An entry is JSON: the session's own values, times in UTC, themes, recommendations and people
by id, and the SEQUENCE and stamp calendars get. A session keeps its stamp (and so its bytes)
through releases that leave it alone; a change of time, place or status raises its SEQUENCE
once per release, however many edits went into it; a session gone from the working copy
stays in later releases, cancelled, so that no calendar silently keeps it.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import (
    AgendaItem,
    Dialogue,
    ItemKind,
    ItemStatus,
    Role,
    is_session,
)
from ip4dialogue.i18n import LOCALES, current_language
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation, Theme
from ip4dialogue.templating import reader_span

Entry = dict[str, Any]

# What the public reads of a session, in the order changes are told.
CONTENT = (
    "starts_at",
    "ends_at",
    "room",
    "status",
    "title",
    "kind",
    "description",
    "location",
    "signup_required",
    "roles",
    "themes",
    "recommendations",
    "translations",
)
# A change to these is one calendars must act on (RFC 5545 3.8.7.4), and one emailed copies
# are updated for: where it is (venue or room, with its online link) counts as much as when.
SCHEDULING = frozenset({"starts_at", "ends_at", "room", "location", "status"})


def _location(item: AgendaItem) -> str:
    dialogue = item.dialogue
    parts = [item.room.name if item.room else "", dialogue.venue, dialogue.city]
    return ", ".join(part for part in parts if part)


def working_entries(dialogue: Dialogue) -> list[Entry]:
    """The working copy of a dialogue loaded with its agenda, as a release would hold it."""
    return [
        {
            "id": item.id,
            "uid": item.uid,
            "kind": item.kind.value,
            "title": item.title,
            "description": item.description,
            "starts_at": item.starts_at.isoformat(),
            "ends_at": item.ends_at.isoformat(),
            "status": item.status.value,
            "signup_required": item.signup_required,
            "room": {"name": item.room.name, "join_url": item.room.join_url} if item.room else None,
            "location": _location(item),
            "themes": sorted(theme.id for theme in item.themes),
            "recommendations": sorted(rec.id for rec in item.recommendations),
            "roles": [
                {"role": role.role.value, "person": role.participant.id} for role in item.roles
            ],
            # Only when given, so entries released before translations existed still match.
            **({"translations": item.translations} if item.translations else {}),
        }
        for item in sorted(dialogue.items, key=lambda item: (item.starts_at, item.id))
    ]


def fingerprint(entries: Iterable[Entry]) -> str:
    """A digest of a working copy, so a release can refuse one that changed since its preview."""
    return hashlib.sha256(json.dumps(list(entries), sort_keys=True).encode()).hexdigest()[:32]


def _content(entry: Entry) -> dict[str, Any]:
    return {name: entry.get(name) for name in CONTENT}


def _changed_fields(before: Entry, after: Entry) -> tuple[str, ...]:
    old, new = _content(before), _content(after)
    return tuple(name for name in CONTENT if old[name] != new[name])


def _removed(entry: Entry) -> Entry:
    return entry | {"status": ItemStatus.CANCELLED.value, "removed": True}


def released_entries(
    previous: Sequence[Entry], working: Sequence[Entry], now: datetime, *, cancelling: bool = False
) -> list[Entry]:
    """The entries of the next release, after `previous`: the working copy's sessions, and
    those gone from it, cancelled; with `cancelling` (the dialogue is cancelled), the last
    release's sessions, all cancelled."""
    before = {entry["uid"]: entry for entry in previous}
    if cancelling:
        proposed = [entry | {"status": ItemStatus.CANCELLED.value} for entry in previous]
    else:
        kept = {entry["uid"] for entry in working}
        proposed = [*working, *(_removed(e) for e in previous if e["uid"] not in kept)]
    return [_versioned(before.get(entry["uid"]), entry, now) for entry in proposed]


def _versioned(before: Entry | None, entry: Entry, now: datetime) -> Entry:
    stamp = now.isoformat()
    if before is None:
        return entry | {"sequence": 0, "stamp": stamp}
    changed = _changed_fields(before, entry)
    if not changed:
        return entry | {"sequence": before["sequence"], "stamp": before["stamp"]}
    sequence = before["sequence"] + (1 if SCHEDULING & set(changed) else 0)
    return entry | {"sequence": sequence, "stamp": stamp}


@dataclass(frozen=True)
class Change:
    """What a release did to one session: it is new, removed, or these fields changed."""

    title: str
    what: str  # "new", "removed" or "changed"
    fields: tuple[str, ...] = ()
    before: Entry | None = None
    after: Entry | None = None

    @property
    def translations(self) -> dict[str, dict[str, str]]:
        """The session's titles in other languages, as last released: for `translated`."""
        return (self.after or self.before or {}).get("translations", {})


def changes(previous: Sequence[Entry], current: Sequence[Entry]) -> list[Change]:
    """Session by session, in the current release's order, what changed since `previous`."""
    before = {entry["uid"]: entry for entry in previous}
    found = []
    for entry in current:
        old = before.get(entry["uid"])
        if old is None:
            found.append(Change(entry["title"], "new", after=entry))
        elif entry.get("removed") and not old.get("removed"):
            found.append(Change(entry["title"], "removed", before=old, after=entry))
        elif fields := _changed_fields(old, entry):
            found.append(Change(entry["title"], "changed", fields, old, entry))
    return found


def change_record(change: Change) -> dict[str, Any]:
    """A change as a release keeps it (JSON), to be told again in its changelog."""
    return {
        "title": change.title,
        "what": change.what,
        "fields": list(change.fields),
        "before": change.before,
        "after": change.after,
    }


def change_from_record(record: dict[str, Any]) -> Change:
    return Change(
        record["title"], record["what"], tuple(record["fields"]), record["before"], record["after"]
    )


# Plain words


def _span(entry: Entry, zone: ZoneInfo) -> str:
    """e.g. Tue 11 May 09:00–10:30, 5月11日(火) 9:00～10:30: in the dialogue's zone, in the
    language being written."""
    starts, ends = (datetime.fromisoformat(entry[name]) for name in ("starts_at", "ends_at"))
    day = starts.astimezone(zone).date()
    short_day = format_skeleton("MMMEd", day, locale=LOCALES[current_language()])
    return f"{short_day} {reader_span(starts, ends, zone, day)}"


def _room(entry: Entry) -> str:
    return entry["room"]["name"] if entry.get("room") else _("no room")


def _title(entry: Entry) -> str:
    """An entry's title in the language being written, else as organisers typed it."""
    given = entry.get("translations", {}).get(current_language(), {})
    return given.get("title") or entry["title"]


STATUS_WORDS = {
    ItemStatus.CANCELLED.value: _l("cancelled"),
    ItemStatus.TENTATIVE.value: _l("now to be confirmed"),
    ItemStatus.CONFIRMED.value: _l("confirmed"),
}
OTHER_WORDS = {
    "description": _l("description changed"),
    "location": _l("place changed"),
    "roles": _l("speakers changed"),
    "themes": _l("themes changed"),
    "recommendations": _l("recommendations changed"),
    "translations": _l("translations changed"),
}


def _moved(before: Entry, after: Entry, zone: ZoneInfo, new_time: bool, new_room: bool) -> str:
    """A move in time, place or both, said in one sentence."""
    spans = {"before": _span(before, zone), "after": _span(after, zone)}
    rooms = {"old_room": _room(before), "new_room": _room(after)}
    if new_time and new_room:
        return _(
            "moved from %(before)s to %(after)s, %(old_room)s → %(new_room)s", **spans, **rooms
        )
    if new_time:
        return _("moved from %(before)s to %(after)s", **spans)
    return _("moved from %(old_room)s to %(new_room)s", **rooms)


def _words(before: Entry, after: Entry, fields: set[str], zone: ZoneInfo) -> list[str]:
    """What changed in a session, one phrase a change, in reading order."""
    new_room = _room(before) != _room(after)
    if new_room:
        fields.discard("location")  # the room is part of the place: said once, as a move
    new_time = bool(fields & {"starts_at", "ends_at"})
    words = [_moved(before, after, zone, new_time, new_room)] if new_time or new_room else []
    if "room" in fields and not new_room:
        words.append(_("online link changed"))
    if "status" in fields:
        reinstated = before["status"] == ItemStatus.CANCELLED.value
        words.append(_("reinstated") if reinstated else str(STATUS_WORDS[after["status"]]))
    if "title" in fields:
        words.append(_("renamed from “%(title)s”", title=_title(before)))
    if "kind" in fields:
        # A kind's label as a noun inside a sentence: "now a panel" (no case in ja and ko).
        words.append(_("now a %(kind)s", kind=label(ItemKind(after["kind"])).lower()))
    if "signup_required" in fields:
        words.append(
            _("now needs sign-up") if after["signup_required"] else _("no sign-up any more")
        )
    words += [str(OTHER_WORDS[name]) for name in CONTENT if name in fields and name in OTHER_WORDS]
    return words


def describe(change: Change, zone: ZoneInfo) -> str:
    """What happened to a session, in words a participant reads in the language being written
    (pages, the feed, update mails): "moved from Tue 11 May 09:00–10:30 to Tue 11 May
    11:00–12:30, Main Hall → Seminar Room A"."""
    if change.what == "new":
        return _(
            "new: %(when)s, %(room)s", when=_span(change.after, zone), room=_room(change.after)
        )
    if change.what == "removed":
        return _("removed from the programme")
    words = _words(change.before, change.after, set(change.fields), zone)
    return _("; ").join(words)


# What the public side reads


@dataclass(frozen=True)
class ReleasedRoom:
    name: str
    join_url: str | None


@dataclass(frozen=True)
class ReleasedRole:
    role: Role
    participant: Participant


@dataclass
class ReleasedItem:
    """A session as released: what programmes, feeds and invitations read of it; `zone` is
    the one its release shows times in."""

    dialogue: Dialogue
    zone: ZoneInfo
    id: int
    uid: str
    kind: ItemKind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    status: ItemStatus
    signup_required: bool
    room: ReleasedRoom | None
    location: str
    sequence: int
    changed_at: datetime
    removed: bool = False
    themes: list[Theme] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    roles: list[ReleasedRole] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def _present(self) -> list[ReleasedRole]:
        return [role for role in self.roles if role.participant.erased_at is None]

    @property
    def public_roles(self) -> list[ReleasedRole]:
        """The people who may be named in public: nobody erased; under the Chatham House Rule,
        only those who consented."""
        if not self.dialogue.chatham_house:
            return self._present
        return [role for role in self._present if role.participant.consent_to_be_listed]

    @property
    def unnamed(self) -> int:
        """How many take part whom the public may not see named: said, so that a panel of
        three does not read as a panel of one."""
        return len(self._present) - len(self.public_roles)

    @property
    def takes_signups(self) -> bool:
        return self.signup_required and self.status != ItemStatus.CANCELLED

    @property
    def is_session(self) -> bool:
        return is_session(self.kind, self.status)


def released_item(
    dialogue: Dialogue,
    zone: ZoneInfo,
    entry: Entry,
    themes: dict[int, Theme],
    recommendations: dict[int, Recommendation],
    people: dict[int, Participant],
) -> ReleasedItem:
    """An entry with its themes, recommendations and people (as they are now) resolved."""
    room = entry.get("room")
    return ReleasedItem(
        dialogue=dialogue,
        zone=zone,
        id=entry["id"],
        uid=entry["uid"],
        kind=ItemKind(entry["kind"]),
        title=entry["title"],
        description=entry["description"],
        translations=entry.get("translations", {}),
        starts_at=datetime.fromisoformat(entry["starts_at"]),
        ends_at=datetime.fromisoformat(entry["ends_at"]),
        status=ItemStatus(entry["status"]),
        signup_required=entry["signup_required"],
        room=ReleasedRoom(room["name"], room["join_url"]) if room else None,
        location=entry["location"],
        sequence=entry["sequence"],
        changed_at=datetime.fromisoformat(entry["stamp"]),
        removed=entry.get("removed", False),
        themes=sorted(
            (themes[i] for i in entry["themes"] if i in themes), key=lambda t: t.position
        ),
        recommendations=sorted(
            (recommendations[i] for i in entry["recommendations"] if i in recommendations),
            key=lambda recommendation: recommendation.number,
        ),
        roles=[
            ReleasedRole(Role(role["role"]), people[role["person"]])
            for role in entry["roles"]
            if role["person"] in people
        ],
    )


def referenced(entries: Iterable[Entry]) -> tuple[set[int], set[int], set[int]]:
    """The themes, recommendations and people a release refers to, to load them at once."""
    themes, recommendations, people = set(), set(), set()
    for entry in entries:
        themes.update(entry["themes"])
        recommendations.update(entry["recommendations"])
        people.update(role["person"] for role in entry["roles"])
    return themes, recommendations, people
