"""Agenda items in the corners real calendars get wrong, and the parsers that check them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, Role
from tests.helpers import release

TRICKY_TEXT = 'Commas, semicolons; back\\slashes "quotes"\r\nand a line break\x07 bell'


def local(zone_name: str, *fields: int) -> datetime:
    return datetime(*fields, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


@pytest.fixture
def edge_dialogues(make):
    """Items on DST-change days in Brussels, Sydney and Auckland, one across midnight, long
    Korean and Japanese titles, special characters everywhere, and a cancelled item; each
    dialogue released."""
    report = make.report()
    theme = make.theme(report, title='Deterrence, shared; "understood"')
    recommendation = make.recommendation(
        report, number=3, text="Enhance shared understandings of deterrence."
    )
    dialogues = {}
    for zone, day in (
        ("Europe/Brussels", date(2027, 3, 28)),
        ("Australia/Sydney", date(2027, 4, 4)),
        ("Pacific/Auckland", date(2027, 4, 4)),
    ):
        dialogue = make.dialogue(
            slug=zone.split("/")[1].lower(),
            timezone=zone,
            start_date=day,
            title=f"Dialogue; {zone}",
            status=DialogueStatus.PUBLISHED,
            venue='Hall, "Main"',
            city="City; Town",
        )
        room = make.room(
            dialogue, name="Room, A; \\1", join_url="https://meet.example.org/secret-room"
        )
        make.item(
            dialogue,
            title="Morning after the change",
            room=room,
            themes=[theme],
            recommendations=[recommendation],
            starts_at=local(zone, day.year, day.month, day.day, 9, 0),
            ends_at=local(zone, day.year, day.month, day.day, 10, 30),
        )
        make.item(
            dialogue,
            title="Across midnight",
            kind=ItemKind.SOCIAL,
            starts_at=local(zone, day.year, day.month, day.day, 22, 30),
            ends_at=local(zone, day.year, day.month, day.day + 1, 1, 15),
        )
        make.item(
            dialogue,
            title="인도태평양 안보 대화: 북대서양조약기구와 인도태평양 4개국 협력의 "
            "미래와 억지력에 관한 심층 토론 세션",
            starts_at=local(zone, day.year, day.month, day.day, 11, 0),
            ends_at=local(zone, day.year, day.month, day.day, 12, 0),
        )
        make.item(
            dialogue,
            title="インド太平洋安全保障対話：抑止力の共通理解と防衛産業基盤の補完性についての長い題名のセッション",
            starts_at=local(zone, day.year, day.month, day.day, 13, 0),
            ends_at=local(zone, day.year, day.month, day.day, 14, 0),
        )
        tricky = make.item(
            dialogue,
            title=TRICKY_TEXT,
            description=TRICKY_TEXT,
            starts_at=local(zone, day.year, day.month, day.day, 15, 0),
            ends_at=local(zone, day.year, day.month, day.day, 16, 0),
        )
        make.role(
            tricky, make.participant(name=TRICKY_TEXT, consent_to_be_listed=True), Role.SPEAKER
        )
        make.item(
            dialogue,
            title="Called off",
            status="cancelled",
            starts_at=local(zone, day.year, day.month, day.day, 17, 0),
            ends_at=local(zone, day.year, day.month, day.day, 18, 0),
        )
        release(dialogue)
        dialogues[zone] = dialogue
    return dialogues


def parse_everywhere(data: bytes) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) as read by icalendar and by the strict `ical` package; fails when
    they disagree or either cannot parse the file."""
    text = data.decode("utf-8")
    loose = Calendar.from_ical(data)
    assert not loose.get_missing_tzids(), "every TZID needs its VTIMEZONE"
    by_icalendar = {
        str(event["UID"]): (event.decoded("DTSTART"), event.decoded("DTEND"))
        for event in loose.walk("VEVENT")
    }
    strict = IcsCalendarStream.calendar_from_ics(text)
    by_ical = {event.uid: (event.dtstart, event.dtend) for event in strict.events}
    assert by_icalendar == by_ical
    return by_icalendar
