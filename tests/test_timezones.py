"""Local times to instants by the zone's own rules, and the zones people pick from."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ip4dialogue.i18n import speaking
from ip4dialogue.timezones import (
    NonexistentLocalTime,
    find_zone,
    to_instant,
    zone_choices,
    zone_or_none,
)

BRUSSELS, SYDNEY, AUCKLAND = (
    ZoneInfo(name) for name in ("Europe/Brussels", "Australia/Sydney", "Pacific/Auckland")
)


@pytest.mark.parametrize(
    ("day", "clock", "zone", "expected"),
    [
        # Brussels springs forward on 28 March 2027: 09:00 is CEST (UTC+2) that morning.
        (date(2027, 3, 28), time(9, 0), BRUSSELS, datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
        (date(2027, 3, 27), time(9, 0), BRUSSELS, datetime(2027, 3, 27, 8, 0, tzinfo=UTC)),
        # Sydney falls back on 4 April 2027: 09:00 is AEST (UTC+10) that morning.
        (date(2027, 4, 4), time(9, 0), SYDNEY, datetime(2027, 4, 3, 23, 0, tzinfo=UTC)),
        (date(2027, 4, 3), time(9, 0), SYDNEY, datetime(2027, 4, 2, 22, 0, tzinfo=UTC)),
        # Auckland falls back on 4 April 2027 too: 09:00 is NZST (UTC+12).
        (date(2027, 4, 4), time(9, 0), AUCKLAND, datetime(2027, 4, 3, 21, 0, tzinfo=UTC)),
    ],
)
def test_local_times_on_daylight_saving_days_follow_the_zone(day, clock, zone, expected):
    assert to_instant(day, clock, zone) == expected


def test_a_time_skipped_by_daylight_saving_is_refused_not_moved():
    with pytest.raises(NonexistentLocalTime, match="02:30 does not exist on 28 March 2027"):
        to_instant(date(2027, 3, 28), time(2, 30), BRUSSELS)


def test_a_time_repeated_by_daylight_saving_means_its_first_occurrence():
    # 02:30 happens twice in Sydney on 4 April 2027; first in daylight time (UTC+11).
    assert to_instant(date(2027, 4, 4), time(2, 30), SYDNEY) == datetime(
        2027, 4, 3, 15, 30, tzinfo=UTC
    )


def test_zone_choices_offer_the_capitals_first_and_every_zone_once():
    choices = zone_choices()
    assert list(choices) == ["IP4 capitals", "NATO capitals", "All time zones"]
    assert [zone for zone, _ in choices["IP4 capitals"]] == [
        "Australia/Sydney",
        "Asia/Tokyo",
        "Asia/Seoul",
        "Pacific/Auckland",
    ]
    assert ("Europe/Brussels", "Brussels (Europe/Brussels)") in choices["NATO capitals"]
    zones = [zone for group in choices.values() for zone, _ in group]
    assert len(zones) == len(set(zones))
    assert "America/Los_Angeles" in zones


@pytest.mark.parametrize(
    "name",
    ["", "Mars/Olympus", "../../etc/passwd", "UTC\x00", "x" * 500, "localtime", "Factory"],
)
def test_anything_but_an_iana_zone_is_none(name):
    assert zone_or_none(name) is None


def test_iana_zones_are_found():
    assert zone_or_none("Pacific/Auckland") == AUCKLAND


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Brussels", "Europe/Brussels"),
        ("asia/seoul", "Asia/Seoul"),
        ("Brussels", "Europe/Brussels"),
        ("new  york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("Washington", "America/New_York"),
        ("Canberra", "Australia/Sydney"),
        ("wellington", "Pacific/Auckland"),
        ("New Delhi", "Asia/Kolkata"),
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_a_zone_is_found_as_people_type_it(typed, zone):
    assert find_zone(typed).key == zone


@pytest.mark.parametrize(
    "typed", ["", "Atlantis", "localtime", "Factory", "posixrules", "GMT+5", "gmt-9"]
)
def test_what_is_no_place_finds_no_zone(typed):
    assert find_zone(typed) is None


@pytest.mark.parametrize(
    ("language", "heading", "canberra", "brussels", "haiti"),
    [
        ("en", "IP4 capitals", "Canberra", "Brussels", "America/Port-au-Prince"),
        (
            "ja",
            "IP4諸国の首都",
            "キャンベラ",
            "ブリュッセル",
            "ポルトープランス (America/Port-au-Prince)",
        ),
        ("ko", "IP4 국가 수도", "캔버라", "브뤼셀", "포르토프랭스 (America/Port-au-Prince)"),
    ],
)
def test_zones_are_named_in_the_language_of_the_page(
    app, language, heading, canberra, brussels, haiti
):
    with app.app_context(), speaking(language):
        choices = zone_choices()
    ip4, nato, every = choices.values()
    assert next(iter(choices)) == heading
    assert (("Australia/Sydney", f"{canberra} (Australia/Sydney)")) in ip4
    assert ("Europe/Brussels", f"{brussels} (Europe/Brussels)") in nato
    assert ("America/Port-au-Prince", haiti) in every
    assert ("Etc/GMT+5", "Etc/GMT+5") in every
