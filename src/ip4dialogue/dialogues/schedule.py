"""The released programme as the standard schedule files that venue and AV tools read: the
frab/Pentabarf XML of the c3voc schedule format and its JSON twin. Pure functions: a
`PublicAgenda` in, a document out, in the language being written.

Every event keeps its `id` (the agenda item's) and its `guid` (derived from the item's stable
uid) for the life of the item, whatever a release changes. Cancelled sessions are left out, as
pretalx leaves them out: the format has no status, and a listed session gets recorded and
announced. Only the people the public pages name are named, and no session of a closed-door
dialogue may be recorded.
"""

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree

from flask_babel import gettext as _

from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import ItemStatus
from ip4dialogue.dialogues.programme import days_of, recommendations_taken_up
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.i18n import current_language, translated
from ip4dialogue.templating import xml_text

SCHEMA = "https://c3voc.de/schedule/schema.json"
# Fixed for good: every guid is derived from it, so changing it would renumber every event.
GUID_NAMESPACE = uuid.UUID("e9674b9e-38f3-45c1-b5f1-0531cbba6501")
TIMESLOT = "00:05"
_NOT_IN_SLUGS = re.compile(r"[^a-z0-9_]+")

Document = dict[str, Any]


def text(value: str | None) -> str:
    """Text fit for both files: no character XML forbids, no stray line-break style."""
    return xml_text((value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def event_guid(item: ReleasedItem) -> str:
    """The same UUID for the life of the item, from the uid its calendar events carry too."""
    return str(uuid.uuid5(GUID_NAMESPACE, item.uid))


def acronym(agenda: PublicAgenda) -> str:
    """The dialogue's slug in the acronym form the format asks for (no hyphens)."""
    return _NOT_IN_SLUGS.sub("_", agenda.dialogue.slug.lower()).strip("_") or "dialogue"


def hours_minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def room_name(item: ReleasedItem) -> str:
    """Every event is in a room: its own, else where the session is held."""
    if item.room is not None:
        return text(item.room.name)
    return text(item.location) or text(item.dialogue.title)


def _description(item: ReleasedItem, abstract: str) -> str:
    """The abstract, then what of the report the session takes up."""
    paragraphs = [abstract] if abstract else []
    if item.recommendations:
        heading, numbered = recommendations_taken_up(item)
        paragraphs.append("\n".join([heading, *(f"{n}. {text(t)}" for n, t in numbered)]))
    if item.themes:
        themes = "; ".join(text(translated(theme, "title")) for theme in item.themes)
        paragraphs.append(_("Themes: %(themes)s", themes=themes))
    return "\n\n".join(paragraphs)


def _event(item: ReleasedItem, agenda: PublicAgenda, base_url: str) -> Document:
    starts = item.starts_at.astimezone(agenda.zone)
    url = f"{base_url}/dialogues/{agenda.dialogue.slug}/items/{item.id}"
    title = text(translated(item, "title"))
    abstract = text(translated(item, "description"))
    names = [text(role.participant.name) for role in item.public_roles]
    return {
        "id": item.id,
        "guid": event_guid(item),
        "date": starts.isoformat(),
        "start": f"{starts:%H:%M}",
        "duration": hours_minutes(item.ends_at - item.starts_at),
        "room": room_name(item),
        "slug": f"{acronym(agenda)}-{item.id}",
        "url": url,
        "title": title,
        "subtitle": "",
        "track": text(translated(item.themes[0], "title")) if item.themes else None,
        "type": label(item.kind),
        "language": current_language(),
        "abstract": abstract,
        "description": _description(item, abstract),
        "recording_license": "",
        "do_not_record": True,  # a closed-door dialogue: as pretalx and frab write it
        "persons": [{"name": name, "public_name": name} for name in names if name],
        "links": [{"url": url, "title": title}],
        "attachments": [],
    }


def _day_bounds(day: date, agenda: PublicAgenda) -> tuple[str, str]:
    """A day from midnight to midnight in the dialogue's zone (23 or 25 hours across DST)."""
    start = datetime.combine(day, time(), tzinfo=agenda.zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=agenda.zone)
    return start.isoformat(), end.isoformat()


def schedule(agenda: PublicAgenda, base_url: str) -> Document:
    """The c3voc schedule JSON document of the agenda's release; the XML is written from it.
    Each session is on the day, in the dialogue's zone, on which it starts."""
    dialogue = agenda.dialogue
    listed = [item for item in agenda.sessions if item.status != ItemStatus.CANCELLED]
    events = {item.id: _event(item, agenda, base_url) for item in listed}
    rooms = list(dict.fromkeys(event["room"] for event in events.values()))
    on_day = {day.day: day.items for day in days_of(listed, agenda.zone)}
    first, last = min([dialogue.start_date, *on_day]), max([dialogue.end_date, *on_day])
    days = []
    for index in range((last - first).days + 1):
        day = first + timedelta(days=index)
        by_room: dict[str, list[Document]] = {room: [] for room in rooms}
        for item in on_day.get(day, []):
            by_room[events[item.id]["room"]].append(events[item.id])
        day_start, day_end = _day_bounds(day, agenda)
        days.append(
            {
                "index": index + 1,
                "date": day.isoformat(),
                "day_start": day_start,
                "day_end": day_end,
                "rooms": by_room,
            }
        )
    conference = {
        "acronym": acronym(agenda),
        "title": text(translated(dialogue, "title")),
        "start": first.isoformat(),
        "end": last.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": agenda.zone.key,
        "url": f"{base_url}/dialogues/{dialogue.slug}",
        "rooms": [
            {"name": room, "guid": str(uuid.uuid5(GUID_NAMESPACE, f"{dialogue.id}/{room}"))}
            for room in rooms
        ],
        "days": days,
    }
    version = str(agenda.release.number) if agenda.release else "0"
    return {
        "$schema": SCHEMA,
        "generator": {"name": "ip4dialogue"},
        "schedule": {"version": version, "base_url": f"{base_url}/", "conference": conference},
    }


def as_json(document: Document) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _add(parent: ElementTree.Element, tag: str, value: object = "", **attributes: str) -> Any:
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = "" if value is None else str(value)
    return element


# The event's elements, in the order frab writes them.
_EVENT_TEXT = (
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
)


def _xml_event(parent: ElementTree.Element, event: Document) -> None:
    element = _add(parent, "event", id=str(event["id"]), guid=event["guid"])
    for name in _EVENT_TEXT:
        _add(element, name, event[name])
    persons = _add(element, "persons")
    for person in event["persons"]:
        _add(persons, "person", person["name"])
    recording = _add(element, "recording")
    _add(recording, "license", event["recording_license"])
    _add(recording, "optout", "true" if event["do_not_record"] else "false")
    links = _add(element, "links")
    for link in event["links"]:
        _add(links, "link", link["title"], href=link["url"])


def as_xml(document: Document) -> bytes:
    """The frab/Pentabarf schedule XML: what both the c3voc schema of today and the older
    ones pretalx shipped accept (no base_url, time zone or generator in the conference)."""
    content = document["schedule"]
    conference = content["conference"]
    root = ElementTree.Element("schedule")
    _add(root, "version", content["version"])
    head = _add(root, "conference")
    for name in ("acronym", "title", "start", "end"):
        _add(head, name, conference[name])
    _add(head, "days", conference["daysCount"])
    _add(head, "timeslot_duration", conference["timeslot_duration"])
    for day in conference["days"]:
        element = _add(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, events in day["rooms"].items():
            room_element = _add(element, "room", name=room)
            for event in events:
                _xml_event(room_element, event)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
