"""The day before each day of a dialogue, each participant's own schedule for that day, in
their home zone, with rooms, join links and the organisers' contact; once per person and day."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ip4dialogue.calendar.reminders import eve_of
from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, ItemStatus, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.jobs import schedule
from ip4dialogue.registration.models import RegistrationStatus
from tests.helpers import register, release, text_body


def at(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# Seoul is UTC+9 all year: noon on 10 May 2027 in Seoul is 03:00 UTC.
EVE_OF_DAY_ONE = at(2027, 5, 10, 3, 0)


@pytest.fixture
def seoul(make, organiser):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(
        title="Seoul 2027",
        registration_mode=RegistrationMode.OPEN,
        start_date=date(2027, 5, 11),
        status=DialogueStatus.DRAFT,
        contact_email="dialogue@ussc.example.org",
    )
    hall = make.room(dialogue, name="Grand Hall", join_url="https://meet.example.org/hall")
    day_one = datetime(2027, 5, 11, 9, tzinfo=dialogue.zone)
    make.item(dialogue, title="Opening plenary", room=hall, starts_at=day_one)
    make.item(
        dialogue,
        title="Maritime break-out",
        kind=ItemKind.BREAKOUT,
        signup_required=True,
        starts_at=day_one + timedelta(hours=5),
    )
    make.item(
        dialogue,
        title="Called-off lunch talk",
        status=ItemStatus.CANCELLED,
        starts_at=day_one + timedelta(hours=3),
    )
    make.item(dialogue, title="Closing plenary", starts_at=day_one + timedelta(days=1))
    release(dialogue)
    return dialogue


def schedules(smtp) -> list[tuple[str, str]]:
    return [
        (message["To"].addresses[0].addr_spec, message["Subject"])
        for message in smtp.received
        if message["Subject"].startswith("Your schedule")
    ]


def test_the_eve_of_a_day_runs_from_noon_the_day_before_until_the_day_begins(make):
    dialogue = make.dialogue(start_date=date(2027, 5, 11), timezone="Asia/Seoul")
    assert eve_of(dialogue, EVE_OF_DAY_ONE - timedelta(minutes=1)) is None
    assert eve_of(dialogue, EVE_OF_DAY_ONE) == date(2027, 5, 11)
    assert eve_of(dialogue, at(2027, 5, 10, 14, 59)) == date(2027, 5, 11)  # 23:59 in Seoul
    assert eve_of(dialogue, at(2027, 5, 10, 15, 0)) is None  # midnight: the day has begun
    assert eve_of(dialogue, at(2027, 5, 11, 3, 0)) == date(2027, 5, 12)
    assert eve_of(dialogue, at(2027, 5, 12, 3, 0)) is None  # after the last day


def test_each_participant_gets_their_own_day_in_their_own_zone_once(seoul, smtp):
    register(seoul, "kim@example.org", name="Dr Kim", home_timezone="America/New_York")
    register(seoul, "lee@example.org", name="Dr Lee", home_timezone="Asia/Seoul")
    smtp.received.clear()

    schedule.run_all(EVE_OF_DAY_ONE - timedelta(minutes=1))
    assert schedules(smtp) == []
    schedule.run_all(EVE_OF_DAY_ONE)
    schedule.run_all(EVE_OF_DAY_ONE + timedelta(hours=3))  # and again: nothing new
    subject = "Your schedule for Tuesday 11 May 2027: Seoul 2027"
    assert schedules(smtp) == [("kim@example.org", subject), ("lee@example.org", subject)]

    kim = text_body(smtp.to("kim@example.org")[0])
    # 09:00 in Seoul is 20:00 the evening before in New York (EDT).
    assert "20:00 Mon 10 May–21:00 EDT (09:00–10:00 KST on site): Opening plenary" in kim
    assert "Room: Grand Hall" in kim
    assert "To join from afar: https://meet.example.org/hall" in kim
    assert "Write to dialogue@ussc.example.org" in kim
    for elsewhere in ("Maritime break-out", "Called-off lunch talk", "Closing plenary"):
        assert elsewhere not in kim
    lee = text_body(smtp.to("lee@example.org")[0])
    assert "09:00–10:00 KST: Opening plenary" in lee
    assert "on site" not in lee

    schedule.run_all(EVE_OF_DAY_ONE + timedelta(days=1))
    assert [subject for _, subject in schedules(smtp)][2:] == [
        "Your schedule for Wednesday 12 May 2027: Seoul 2027"
    ] * 2


def test_nobody_without_a_seat_and_nothing_when_turned_off(make, seoul, smtp):
    make.registration(dialogue=seoul, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    schedule.run_all(EVE_OF_DAY_ONE)
    register(seoul, "kim@example.org", name="Dr Kim")
    seoul.day_before_schedule = False
    db.session.commit()
    schedule.run_all(EVE_OF_DAY_ONE + timedelta(days=1))
    assert schedules(smtp) == []
