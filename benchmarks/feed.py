"""The synthetic dialogue the benchmarks serve, and the icalendar floor its feed is held to:
icalendar building and serialising the very same events from plain values."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vText

from ip4dialogue.calendar.builders import Links, agenda_feed
from ip4dialogue.calendar.timezones import vtimezone
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemKind,
    Room,
)
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation, Report, Theme

REPEATS = 7
DESCRIPTION_TAIL = (
    "\n\nSpeaker: Dr Speaker\n\nRecommendations taken up:\n1. A recommendation\n\nThemes: A; B"
)


def build_dialogue(size: int) -> None:
    report = Report(
        slug="r",
        title="Report",
        author="A",
        publishers="P",
        year=2024,
        url="https://x",
        summary="S",
    )
    themes = [
        Theme(report=report, slug=f"t{n}", title=f"Theme {n}", summary="About.", position=n)
        for n in range(6)
    ]
    recommendations = [
        Recommendation(
            report=report, number=n, short_title=f"R{n}", text=f"Recommendation {n}, in full."
        )
        for n in range(1, 6)
    ]
    dialogue = Dialogue(
        slug="bench",
        title="Benchmark Dialogue",
        start_date=date(2027, 5, 11),
        end_date=date(2027, 5, 12),
        timezone="Asia/Seoul",
        venue="Venue",
        city="Seoul",
        status=DialogueStatus.PUBLISHED,
        chatham_house=False,
    )
    rooms = [Room(dialogue=dialogue, name=f"Room {n}", capacity=50) for n in range(8)]
    speaker = Participant(name="Dr Speaker", email="speaker@example.org", consent_to_be_listed=True)
    start = datetime(2027, 5, 11, 0, 0, tzinfo=UTC)
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    for number in range(size):
        begins = start + timedelta(minutes=(number * 37) % 1800)
        item = AgendaItem(
            dialogue=dialogue,
            kind=ItemKind.PANEL,
            title=f"Session {number}: on deterrence",
            description="A discussion of the report's themes.\nSecond line.",
            starts_at=begins,
            ends_at=begins + timedelta(minutes=60),
            room=rooms[number % 8],
            changed_at=stamp,
            themes=themes[number % 6 : number % 6 + 2],
            recommendations=recommendations[number % 5 : number % 5 + 1],
        )
        item.roles = [AgendaRole(participant=speaker, role="speaker")]
    db.session.add_all([report, dialogue])
    db.session.commit()


def plain_events(dialogue: Dialogue) -> list[dict]:
    """The very events the app serves, as plain values (strings, datetimes, lists), taken
    from one build before the clock starts: the floor builds exactly the same file."""
    calendar = agenda_feed(dialogue, Links("https://x"))
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
