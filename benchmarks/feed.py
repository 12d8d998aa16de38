"""The synthetic dialogue the benchmarks serve, and the icalendar floor its feed is held to:
icalendar building and serialising the very same events from plain values."""

from datetime import date, timedelta

from icalendar import Calendar, Event, vText

from benchmarks.load import synthetic_agenda
from ip4dialogue.calendar.builders import Links, agenda_feed
from ip4dialogue.calendar.timezones import vtimezone
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.services import publish
from ip4dialogue.extensions import db


def build_dialogue(
    size: int, *, days: int = 2, hours: int = 30, chatham_house: bool = False
) -> Dialogue:
    """A published dialogue at /dialogues/bench of `days` days from 11 May 2027 in Seoul,
    with a synthetic agenda of `size` items over its first `hours`."""
    start = date(2027, 5, 11)
    dialogue = Dialogue(
        slug="bench",
        title="Benchmark Dialogue",
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        timezone="Asia/Seoul",
        venue="Venue",
        city="Seoul",
        status=DialogueStatus.DRAFT,
        chatham_house=chatham_house,
    )
    db.session.add(dialogue)
    synthetic_agenda(dialogue, size, hours)
    db.session.flush()
    publish(dialogue, None, "", utcnow())
    db.session.commit()
    return dialogue


def plain_events(agenda: PublicAgenda) -> list[dict]:
    """The very events the app serves, as plain values (strings, datetimes, lists), taken
    from one build before the clock starts: the floor builds exactly the same file."""
    calendar = agenda_feed(agenda, Links("https://x"))
    return [
        {
            "uid": str(event["UID"]),
            "stamp": event.decoded("DTSTAMP"),
            "sequence": event["SEQUENCE"],
            "status": str(event["STATUS"]),
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "location": str(event.get("LOCATION", "")),
            "url": str(event["URL"]),
            "description": str(event["DESCRIPTION"]),
            "categories": [str(category) for category in event["CATEGORIES"].cats],
        }
        for event in calendar.walk("VEVENT")
    ]


def floor(values: list[dict], dialogue: Dialogue) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    calendar.add("name", dialogue.title)
    calendar.add("x-wr-calname", vText(dialogue.title))
    calendar.add_component(vtimezone(dialogue.zone, dialogue.start_date, dialogue.end_date))
    for value in values:
        event = Event()
        event.add("uid", value["uid"])
        event.add("dtstamp", value["stamp"])
        event.add("last-modified", value["stamp"])
        event.add("sequence", value["sequence"])
        event.add("status", value["status"])
        event.add("summary", value["summary"])
        event.add("dtstart", value["start"])
        event.add("dtend", value["end"])
        event.add("location", value["location"])
        event.add("url", value["url"])
        event.add("description", value["description"])
        event.add("categories", value["categories"])
        calendar.add_component(event)
    return calendar.to_ical()
