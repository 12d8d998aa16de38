"""Pure functions from released sessions to calendar files: no database, no request.

Feeds (the agenda, one item, a personal schedule) are icalendar Calendars: no METHOD, and
local times with the dialogue's TZID and a VTIMEZONE for its dates, except a local time
that occurs twice, which is written in UTC. Emailed invitations are
the files' bytes: METHOD:REQUEST or CANCEL, one event each, UTC times (Outlook misreads some
VTIMEZONEs), one ORGANIZER and the participant as ATTENDEE. SEQUENCE and every stamp come
from the release that last changed a session, so a session a release leaves alone keeps its
bytes.

The human text (calendar names, summaries, descriptions, categories) is in the language being
written, the reader's or, inside `speaking(...)`, a participant's; nothing else differs
between languages: the same UIDs, SEQUENCEs, times and properties.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parseaddr
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Component, Event, vCalAddress, vText
from icalendar.parser import Contentlines

from ip4dialogue.calendar.timezones import vtimezone
from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import Dialogue, ItemStatus
from ip4dialogue.dialogues.programme import recommendations_taken_up
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.i18n import current_language, translated

PRODID = "-//ip4dialogue//Indo-Pacific Security Dialogue//EN"
REFRESH = timedelta(hours=1)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]")  # and stray byte-order marks


def clean(text: str | None, *, one_line: bool = False) -> str:
    """Text without control characters (a CR or LF could otherwise end a property); line
    breaks stay in long text, where icalendar escapes them, and become spaces elsewhere."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if one_line:
        text = " ".join(text.split("\n"))
    return _CONTROL.sub("", text).strip()


def parameter_text(name: str) -> str:
    """A name fit for a parameter (CN): parsers disagree on a backslash there (RFC 5545 reads
    it as itself, icalendar as an escape), so a backslash, which no name needs, is dropped."""
    return clean(name, one_line=True).replace("\\", "")


@dataclass(frozen=True)
class Links:
    """Where the app lives, for URLs in the files (IP4DIALOGUE_BASE_URL)."""

    base_url: str

    def item(self, item: ReleasedItem) -> str:
        return f"{self.base_url}/dialogues/{item.dialogue.slug}/items/{item.id}"


STATUSES = {
    ItemStatus.CANCELLED: "CANCELLED",
    ItemStatus.TENTATIVE: "TENTATIVE",
    ItemStatus.CONFIRMED: "CONFIRMED",
}


# Between the themes of an item, as each language lists them (theme titles hold commas).
_LIST_SEPARATORS = {"ja": "、", "ko": ", "}


def _themes(item: ReleasedItem) -> list[str]:
    return [clean(translated(theme, "title"), one_line=True) for theme in item.themes]


def _recommendations(item: ReleasedItem) -> str:
    heading, numbered = recommendations_taken_up(item)
    return "\n".join(
        [heading, *(f"{number}. {clean(text, one_line=True)}" for number, text in numbered)]
    )


def _description(item: ReleasedItem, links: Links, join_url: str | None) -> str:
    """The event's text in the language being written, in paragraphs: that it is off, for
    the calendars that show STATUS:CANCELLED no differently; what the session is, who
    speaks, what of the report it takes up, how to join, and its page."""
    paragraphs = []
    if item.status == ItemStatus.CANCELLED:
        paragraphs.append(_("This session has been cancelled."))
    if description := clean(translated(item, "description")):
        paragraphs.append(description)
    if roles := item.public_roles:
        names = [(label(role.role), clean(role.participant.name, one_line=True)) for role in roles]
        paragraphs.append("\n".join(_("%(role)s: %(name)s", role=r, name=n) for r, n in names))
    if item.recommendations:
        paragraphs.append(_recommendations(item))
    if themes := _themes(item):
        separator = _LIST_SEPARATORS.get(current_language(), "; ")
        paragraphs.append(_("Themes: %(themes)s", themes=separator.join(themes)))
    if join_url:
        paragraphs.append(_("Join online: %(url)s", url=clean(join_url, one_line=True)))
    paragraphs.append(links.item(item))
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class EventValues:
    """Everything a VEVENT says about an item but its SEQUENCE, as plain values: the one
    description of an event that feeds and invitations build from."""

    uid: str
    stamp: datetime
    status: str
    summary: str
    start: datetime
    end: datetime
    location: str
    url: str
    description: str
    categories: tuple[str, ...]


def written_time(instant: datetime, zone: tzinfo) -> datetime:
    """The instant as a feed writes it: local time, or UTC where that local time occurs twice
    (the repeated hour as daylight saving ends), since readers take a repeated TZID time for
    its first occurrence (RFC 5545 3.3.5) and may not agree on which that is."""
    local = instant.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


def event_values(
    item: ReleasedItem, links: Links, *, utc: bool = False, join_url: str | None = None
) -> EventValues:
    """An item's event, with local times (TZID) or, for emailed invitations, UTC; its text in
    the language being written."""
    zone = UTC if utc else item.zone
    return EventValues(
        uid=item.uid,
        stamp=item.changed_at.astimezone(UTC),
        status=STATUSES[item.status],
        summary=clean(translated(item, "title"), one_line=True),
        start=written_time(item.starts_at, zone),
        end=written_time(item.ends_at, zone),
        location=clean(item.location, one_line=True),
        url=links.item(item),
        description=_description(item, links, join_url),
        categories=(label(item.kind), *_themes(item)),
    )


def _vevent(values: EventValues) -> Event:
    vevent = Event()
    vevent.add("uid", values.uid)
    vevent.add("dtstamp", values.stamp)
    vevent.add("last-modified", values.stamp)
    vevent.add("status", values.status)
    vevent.add("summary", values.summary)
    vevent.add("dtstart", values.start)
    vevent.add("dtend", values.end)
    if values.location:
        vevent.add("location", values.location)
    vevent.add("url", values.url)
    vevent.add("description", values.description)
    vevent.add("categories", list(values.categories))
    return vevent


def event(
    item: ReleasedItem, links: Links, *, utc: bool = False, join_url: str | None = None
) -> Event:
    """One agenda item as a VEVENT: local times with TZID, or UTC for emailed invitations."""
    vevent = _vevent(event_values(item, links, utc=utc, join_url=join_url))
    vevent.add("sequence", item.sequence)
    return vevent


def _feed(
    name: str,
    dialogue: Dialogue,
    zone: ZoneInfo,
    items: Iterable[ReleasedItem],
    links: Links,
    join_urls: dict[int, str] | None = None,
) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", clean(name, one_line=True))
    calendar.add("x-wr-calname", vText(clean(name, one_line=True)))
    calendar.add("x-wr-timezone", vText(zone.key))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vText("PT1H"))
    ordered = sorted(items, key=lambda item: (item.starts_at, item.id))
    if ordered:
        first = min(dialogue.start_date, *(i.starts_at.astimezone(zone).date() for i in ordered))
        last = max(dialogue.end_date, *(i.ends_at.astimezone(zone).date() for i in ordered))
        calendar.add_component(vtimezone(zone, first - timedelta(days=1), last + timedelta(days=1)))
    for item in ordered:
        calendar.add_component(event(item, links, join_url=(join_urls or {}).get(item.id)))
    return calendar


def agenda_feed(agenda: PublicAgenda, links: Links) -> Calendar:
    """A dialogue's released agenda, for download or subscription, sessions removed since
    included, cancelled. No join links: it is public."""
    dialogue = agenda.dialogue
    return _feed(translated(dialogue, "title"), dialogue, agenda.zone, agenda.items, links)


def item_feed(item: ReleasedItem, links: Links) -> Calendar:
    name = _(
        "%(dialogue)s: %(item)s",
        dialogue=translated(item.dialogue, "title"),
        item=translated(item, "title"),
    )
    return _feed(name, item.dialogue, item.zone, [item], links)


def personal_feed(
    agenda: PublicAgenda, items: Iterable[ReleasedItem], name: str, links: Links
) -> Calendar:
    """A participant's own schedule, from their dialogue's released agenda; it may carry the
    join links of virtual rooms."""
    items = list(items)
    join_urls = {item.id: item.room.join_url for item in items if item.room and item.room.join_url}
    dialogue = agenda.dialogue
    title = _("%(dialogue)s: %(name)s", dialogue=translated(dialogue, "title"), name=name)
    return _feed(title, dialogue, agenda.zone, items, links, join_urls)


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


def _address(name: str, email: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(parameter_text(name) or email)
    if role:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "FALSE"
    return address


def _inner_lines(component: Component) -> bytes:
    """A component's own content lines, without its BEGIN and END."""
    lines = component.content_lines()
    return Contentlines(lines[1:-2]).to_ical()


@cache
def _head(method: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return b"BEGIN:VCALENDAR\r\n" + _inner_lines(calendar)


@lru_cache(maxsize=4096)
def _event_lines(values: EventValues) -> bytes:
    """An event's lines, serialised once for all who are sent it: memoised on the values,
    which are the whole of its input."""
    return _inner_lines(_vevent(values))


@lru_cache(maxsize=256)
def _sequence_line(sequence: int) -> bytes:
    lines = Event()
    lines.add("sequence", sequence)
    return _inner_lines(lines)


def _scheduling_file(method: str, event_lines: bytes, participant_lines: bytes) -> bytes:
    return b"".join(
        (
            _head(method),
            b"BEGIN:VEVENT\r\n",
            event_lines,
            participant_lines,
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
        )
    )


@dataclass(frozen=True)
class Withdrawn:
    """What a cancellation needs of an item, which may be gone from the database."""

    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    sequence: int


class Invitations:
    """One participant's emailed files, in UTC, one event each. What is the same in all of
    them (exactly one ORGANIZER, the participant as ATTENDEE) is drawn once, when the object
    is made, and kept only as long as it is; an event's own lines are drawn once for everyone
    sent that version of it."""

    def __init__(self, attendee: Attendee, sender: str, links: Links) -> None:
        organiser_name, organiser_email = parseaddr(sender)
        people = Event()
        people.add("organizer", _address(organiser_name, organiser_email))
        people.add("attendee", _address(attendee.name, attendee.email, "REQ-PARTICIPANT"))
        self._people_lines = _inner_lines(people)
        self._links = links

    def request(
        self, item: ReleasedItem, *, join_url: str | None = None, sequence: int | None = None
    ) -> bytes:
        """METHOD:REQUEST for the item; `sequence` overrides the item's when this
        participant's copy must outrank an earlier cancellation."""
        values = event_values(item, self._links, utc=True, join_url=join_url)
        mine = _sequence_line(item.sequence if sequence is None else sequence) + self._people_lines
        return _scheduling_file("REQUEST", _event_lines(values), mine)

    def cancel(self, withdrawn: Withdrawn, stamp: datetime) -> bytes:
        """METHOD:CANCEL, with a SEQUENCE above anything sent before for this event."""
        vevent = Event()
        vevent.add("uid", withdrawn.uid)
        vevent.add("dtstamp", stamp.astimezone(UTC))
        vevent.add("status", "CANCELLED")
        vevent.add("summary", clean(withdrawn.title, one_line=True))
        vevent.add("dtstart", withdrawn.starts_at.astimezone(UTC))
        vevent.add("dtend", withdrawn.ends_at.astimezone(UTC))
        mine = _sequence_line(withdrawn.sequence) + self._people_lines
        return _scheduling_file("CANCEL", _inner_lines(vevent), mine)
