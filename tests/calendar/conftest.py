"""Agenda items in the corners real calendars get wrong, and the parsers that check them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, Role
from tests.helpers import release

TRICKY_TEXT = 'Commas, semicolons; back\\slashes "quotes"\r\nand a line break\x07 bell'


def local(zone_name: str, *fields: int, fold: int = 0) -> datetime:
    """A wall-clock time in the zone as a UTC instant; `fold=1` is the second occurrence of a
    time that occurs twice."""
    return datetime(*fields, tzinfo=ZoneInfo(zone_name), fold=fold).astimezone(UTC)


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


@pytest.fixture
def repeated_hour_dialogues(make):
    """Items with both ends in the hour that occurs twice as daylight saving ends, in
    Brussels (02:00-03:00 on 31 October 2027) and Sydney (02:00-03:00 on 4 April 2027): one
    from the first occurrence into the second, one within the second, one within the first;
    each dialogue released."""
    dialogues = {}
    for zone, day in (
        ("Europe/Brussels", date(2027, 10, 30)),
        ("Australia/Sydney", date(2027, 4, 3)),
    ):
        dialogue = make.dialogue(
            slug=f"repeated-{zone.split('/')[1].lower()}", timezone=zone, start_date=day
        )
        night = (day.year, day.month, day.day + 1)
        for title, (start, start_fold), (end, end_fold) in (
            ("Across the change", (15, 0), (45, 1)),
            ("In the second hour", (5, 1), (55, 1)),
            ("In the first hour", (10, 0), (50, 0)),
        ):
            make.item(
                dialogue,
                title=title,
                starts_at=local(zone, *night, 2, start, fold=start_fold),
                ends_at=local(zone, *night, 2, end, fold=end_fold),
            )
        release(dialogue)
        dialogues[zone] = dialogue
    return dialogues


def _read_with_vobject(text: str) -> dict[str, tuple[datetime, datetime]]:
    """vobject, the parser inside Radicale, keeps the first VTIMEZONE it met for a TZID for
    the rest of the process: it forgets them first, so that the file is read with its own."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [tzid for tzid in registry if tzid != "UTC"]:
        del registry[tzid]
    return {
        event.uid.value: (event.dtstart.value, event.dtend.value)
        for event in vobject.readOne(text).vevent_list
    }


def _in_utc(readings: dict[str, tuple[datetime, datetime]]) -> dict[str, tuple[datetime, datetime]]:
    """Instants compared as instants: an aware time in the repeated hour never equals one in
    another zone (PEP 495), whatever it means."""
    return {
        uid: (start.astimezone(UTC), end.astimezone(UTC)) for uid, (start, end) in readings.items()
    }


def parse_everywhere(data: bytes) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) in UTC as read by icalendar, by the strict `ical` package and by
    vobject; fails when they disagree or any cannot parse the file."""
    text = data.decode("utf-8")
    loose = Calendar.from_ical(data)
    assert not loose.get_missing_tzids(), "every TZID needs its VTIMEZONE"
    by_icalendar = _in_utc(
        {
            str(event["UID"]): (event.decoded("DTSTART"), event.decoded("DTEND"))
            for event in loose.walk("VEVENT")
        }
    )
    strict = IcsCalendarStream.calendar_from_ics(text)
    by_ical = _in_utc({event.uid: (event.dtstart, event.dtend) for event in strict.events})
    assert by_ical == by_icalendar, "ical reads other instants than icalendar"
    assert _in_utc(_read_with_vobject(text)) == by_icalendar, "vobject reads other instants"
    return by_icalendar
