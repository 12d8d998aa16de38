"""The calendar builders, checked with real parsers: instants, escaping, stability."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from ip4dialogue.calendar import builders
from ip4dialogue.calendar.timezones import vtimezone
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, ItemStatus
from ip4dialogue.dialogues.queries import released_agenda
from ip4dialogue.dialogues.services import cancel_dialogue
from ip4dialogue.extensions import db
from tests.calendar.conftest import TRICKY_TEXT, parse_everywhere
from tests.helpers import committed, release

LINKS = builders.Links("https://dialogue.example.org")


def released(dialogue):
    """The dialogue's last release, read afresh, as a request would."""
    db.session.expire_all()
    return released_agenda(db.session.get(Dialogue, dialogue.id))


def instants(agenda):
    return {item.uid: (item.starts_at, item.ends_at) for item in agenda.items}


@pytest.mark.parametrize("zone", ["Europe/Brussels", "Australia/Sydney", "Pacific/Auckland"])
def test_every_instant_survives_both_parsers(edge_dialogues, zone):
    agenda = released(edge_dialogues[zone])
    assert parse_everywhere(builders.agenda_feed(agenda, LINKS).to_ical()) == instants(agenda)


@pytest.mark.parametrize("zone", ["Europe/Brussels", "Australia/Sydney"])
def test_times_in_the_repeated_hour_are_read_as_stored_by_every_parser(
    repeated_hour_dialogues, zone
):
    agenda = released(repeated_hour_dialogues[zone])
    feeds = [builders.agenda_feed(agenda, LINKS)]
    feeds += [builders.item_feed(item, LINKS) for item in agenda.items]
    for feed in feeds:
        data = feed.to_ical()
        assert parse_everywhere(data) == {
            uid: times for uid, times in instants(agenda).items() if uid.encode() in data
        }
    written = feeds[0].to_ical().decode()
    assert not re.search(r"^DT(START|END);TZID=", written, re.MULTILINE), "repeated hour, in UTC"
    assert len(re.findall(r"^DTSTART:\d{8}T\d{6}Z\r$", written, re.MULTILINE)) == 3


def test_only_a_time_that_occurs_twice_leaves_local_time():
    brussels = ZoneInfo("Europe/Brussels")
    before = datetime(2027, 10, 30, 23, 59, tzinfo=UTC)  # 01:59 CEST, once only
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 CET, the second 02:30
    after = datetime(2027, 10, 31, 2, 0, tzinfo=UTC)  # 03:00 CET, once only
    assert builders.written_time(before, brussels).tzinfo is brussels
    assert builders.written_time(second, brussels) == second
    assert builders.written_time(second, brussels).tzinfo is UTC
    assert builders.written_time(after, brussels).tzinfo is brussels


def test_an_unchanged_agenda_gives_the_same_bytes(edge_dialogues):
    dialogue = edge_dialogues["Europe/Brussels"]
    first = builders.agenda_feed(released(dialogue), LINKS).to_ical()
    assert builders.agenda_feed(released(dialogue), LINKS).to_ical() == first


def test_feeds_carry_names_refresh_and_no_method(edge_dialogues):
    calendar = builders.agenda_feed(released(edge_dialogues["Europe/Brussels"]), LINKS)
    assert "METHOD" not in calendar
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "Dialogue; Europe/Brussels"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)


def test_text_with_separators_and_line_breaks_cannot_add_properties(edge_dialogues):
    data = builders.agenda_feed(released(edge_dialogues["Europe/Brussels"]), LINKS).to_ical()
    [event] = [e for e in Calendar.from_ical(data).walk("VEVENT") if "bell" in str(e["SUMMARY"])]
    cleaned = 'Commas, semicolons; back\\slashes "quotes" and a line break bell'
    assert str(event["SUMMARY"]) == cleaned
    assert str(event["DESCRIPTION"]).startswith(
        TRICKY_TEXT.replace("\r\n", "\n").replace("\x07", "")
    )
    assert f"Speaker: {cleaned}" in str(event["DESCRIPTION"])
    assert b"\x07" not in data
    lines = data.decode().split("\r\n")
    assert not any(line.startswith(("and a line break", "ATTENDEE", "ORGANIZER")) for line in lines)


def test_long_korean_and_japanese_titles_fold_without_splitting_a_character(edge_dialogues):
    data = builders.agenda_feed(released(edge_dialogues["Australia/Sydney"]), LINKS).to_ical()
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # raises if a fold cut a character in two
    titles = [str(e["SUMMARY"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    assert any(title.startswith("인도태평양 안보 대화") for title in titles)
    assert any(title.endswith("長い題名のセッション") for title in titles)


def test_cancelled_items_and_dialogues(edge_dialogues):
    dialogue = edge_dialogues["Pacific/Auckland"]
    statuses = {
        str(e["SUMMARY"]): str(e["STATUS"])
        for e in builders.agenda_feed(released(dialogue), LINKS).walk("VEVENT")
    }
    assert statuses["Called off"] == "CANCELLED"
    assert statuses["Across midnight"] == "CONFIRMED"
    committed(cancel_dialogue, dialogue, None, "", utcnow())
    feed = builders.agenda_feed(released(dialogue), LINKS)
    assert {str(e["STATUS"]) for e in feed.walk("VEVENT")} == {"CANCELLED"}


def test_the_public_feed_never_carries_join_links_but_the_personal_one_does(edge_dialogues):
    agenda = released(edge_dialogues["Europe/Brussels"])
    assert b"secret-room" not in builders.agenda_feed(agenda, LINKS).to_ical()
    personal = builders.personal_feed(agenda, agenda.items, "Dr Kim", LINKS).to_ical()
    assert b"secret-room" in personal


def test_names_only_with_consent_under_the_chatham_house_rule(make):
    from ip4dialogue.dialogues.models import Role

    dialogue = make.dialogue(chatham_house=True)
    item = make.item(dialogue)
    make.role(item, make.participant(name="Named Person", consent_to_be_listed=True), Role.CHAIR)
    make.role(item, make.participant(name="Private Person"), Role.SPEAKER)
    release(dialogue)
    data = builders.agenda_feed(released(dialogue), LINKS).to_ical().decode()
    assert "Named Person" in data
    assert "Private Person" not in data


def test_an_invitation_is_a_request_in_utc_with_one_organiser_and_the_attendee(edge_dialogues):
    item = released(edge_dialogues["Europe/Brussels"]).items[0]
    kim = builders.Attendee('Kim "K"; Jr.', "kim@example.org")
    data = builders.Invitations(kim, "IP4 Dialogue <dialogue@example.org>", LINKS).request(
        item, sequence=4
    )
    parsed = Calendar.from_ical(data)
    [event] = parsed.walk("VEVENT")
    assert str(parsed["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == item.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert re.search(rb"\r\nDTSTART:2027\d{4}T\d{6}Z\r\n", data)  # UTC, no TZID
    assert b"VTIMEZONE" not in data
    assert data.count(b"ORGANIZER") == 1
    assert str(event["ORGANIZER"]) == "mailto:dialogue@example.org"
    assert str(event["ATTENDEE"]) == "mailto:kim@example.org"
    assert event["ATTENDEE"].params["CN"] == 'Kim "K"; Jr.'
    assert event["SEQUENCE"] == 4
    parse_everywhere(data)


def test_everyone_sent_an_event_gets_it_whole_with_their_own_attendee_and_sequence(make):
    dialogue = make.dialogue()
    make.item(dialogue, title="Opening")
    release(dialogue)
    item = released(dialogue).items[0]
    files = [
        builders.Invitations(
            builders.Attendee(name, f"{name}@example.org"), "d@x.org", LINKS
        ).request(item, sequence=sequence)
        for name, sequence in (("kim", 0), ("lee", 5))
    ]
    events = [Calendar.from_ical(data).walk("VEVENT")[0] for data in files]
    assert [str(event["ATTENDEE"]) for event in events] == [
        "mailto:kim@example.org",
        "mailto:lee@example.org",
    ]
    assert [event["SEQUENCE"] for event in events] == [0, 5]
    assert {str(event["SUMMARY"]) for event in events} == {"Opening"}
    for data in files:
        parse_everywhere(data)


def test_a_cancellation_outranks_what_was_sent(edge_dialogues):
    withdrawn = builders.Withdrawn(
        "uid-1@ip4dialogue",
        "Gone",
        datetime(2027, 5, 11, 0, tzinfo=UTC),
        datetime(2027, 5, 11, 1, tzinfo=UTC),
        3,
    )
    kim = builders.Attendee("Kim", "kim@example.org")
    data = builders.Invitations(kim, "dialogue@example.org", LINKS).cancel(
        withdrawn, datetime(2027, 1, 1, tzinfo=UTC)
    )
    parse_everywhere(data)
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == (
        "CANCEL",
        "CANCELLED",
        3,
    )


def test_vtimezone_onsets_are_local_times_before_the_change():
    component = vtimezone(ZoneInfo("Europe/Brussels"), date(2027, 3, 27), date(2027, 3, 28))
    [standard, daylight] = component.subcomponents
    assert daylight["DTSTART"].dt == datetime(2027, 3, 28, 2, 0)  # noqa: DTZ001 (local, by RFC)
    assert (daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (
        timedelta(hours=1),
        timedelta(hours=2),
    )
    assert str(standard["TZNAME"]) == "CET"


def test_a_tentative_item_says_so(make):
    dialogue = make.dialogue()
    make.item(dialogue, status=ItemStatus.TENTATIVE)
    release(dialogue)
    [event] = builders.agenda_feed(released(dialogue), LINKS).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"


def test_a_summer_only_range_still_has_a_standard_observance():
    component = vtimezone(ZoneInfo("Australia/Sydney"), date(2027, 1, 10), date(2027, 1, 11))
    kinds = [sub.name for sub in component.subcomponents]
    assert kinds[0] == "STANDARD"
    assert "DAYLIGHT" in kinds
