"""Agenda feed speed against its floor: icalendar building and serialising the same events
from plain values, measured in the same process and run. Prints one line per size.

    .venv/bin/python benchmarks/feed.py [50 500 2000]

The feed is served through the whole app (routing, one version query, loading the agenda,
building, serialising) without a cached copy and without If-None-Match: a cold request.
"""

import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event, vText

from ip4dialogue import create_app
from ip4dialogue.calendar.timezones import vtimezone
from ip4dialogue.database import Base
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemKind,
    Room,
)
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Participant
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
    """The same events as plain values, prepared before the clock starts."""
    return [
        {
            "uid": item.uid,
            "stamp": item.changed_at,
            "sequence": item.sequence,
            "status": "CONFIRMED",
            "summary": item.title,
            "start": item.starts_at.astimezone(dialogue.zone),
            "end": item.ends_at.astimezone(dialogue.zone),
            "location": f"{item.room.name}, {dialogue.venue}, {dialogue.city}",
            "url": f"https://x/items/{item.id}",
            "description": item.description + DESCRIPTION_TAIL,
            "categories": ["Panel", "Theme 1", "Theme 2"],
        }
        for item in dialogue.items
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


def timed(function) -> float:
    samples = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def measure(size: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENV": "testing",
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "BASE_URL": "https://x",
            }
        )
        with app.app_context():
            Base.metadata.create_all(db.engine)
            build_dialogue(size)
            dialogue = db.session.scalars(db.select(Dialogue)).one()
            values = plain_events(dialogue)
            db.session.remove()
            client = app.test_client()
            assert client.get("/dialogues/bench/agenda.ics").status_code == 200
            feed = timed(lambda: client.get("/dialogues/bench/agenda.ics").data)
            base = timed(lambda: floor(values, dialogue))
            db.engine.dispose()
    return {"items": size, "feed_seconds": feed, "floor_seconds": base, "ratio": feed / base}


def main(sizes: list[int]) -> list[dict]:
    results = [measure(size) for size in sizes]
    for result in results:
        print(
            f"{result['items']:>5} items: feed {result['feed_seconds'] * 1000:8.1f} ms, "
            f"icalendar floor {result['floor_seconds'] * 1000:8.1f} ms, ratio {result['ratio']:.2f}"
        )
    return results


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [50, 500, 2000])
