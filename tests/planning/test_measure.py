"""The fair-times measure, checked against hand-worked cases and against a naive per-minute
costing written here independently (timestamps and `fromtimestamp`, its own weight table)."""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ip4dialogue.planning.measure import (
    Group,
    PlanningError,
    Slot,
    burden,
    candidates,
    groups_of,
    night_minutes,
    parse_group,
    rank,
    rank_key,
    score,
    weight,
)

# The bands as the brief states them, by local hour.
NAIVE_WEIGHTS = (
    dict.fromkeys(range(9, 18), 0)
    | dict.fromkeys((7, 8, 18, 19, 20), 1)
    | dict.fromkeys((6, 21, 22), 3)
    | dict.fromkeys((23, 0, 1, 2, 3, 4, 5), 10)
)

CAPITALS = {
    "Europe/Brussels": 8,
    "America/New_York": 6,
    "Australia/Sydney": 4,
    "Asia/Tokyo": 5,
    "Asia/Seoul": 5,
    "Pacific/Auckland": 2,
}

# Real zones, with half-hour and 45-minute offsets, southern and negative DST, 30-minute DST.
ZONES = (
    "UTC",
    "Europe/Brussels",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Istanbul",
    "Africa/Casablanca",
    "Africa/Nairobi",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Santiago",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
    "Pacific/Kiritimati",
    "Pacific/Chatham",
    "Pacific/Auckland",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Australia/Eucla",
    "Australia/Lord_Howe",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tehran",
    "Asia/Kabul",
    "Asia/Yangon",
)
STEPS = tuple(step for step in range(1, 1441) if 1440 % step == 0)
DAY = date(2027, 10, 15)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def naive_weights(zone: str, start: datetime, minutes: int) -> list[int]:
    where = ZoneInfo(zone)
    epoch = start.timestamp()
    return [
        NAIVE_WEIGHTS[datetime.fromtimestamp(epoch + 60 * i, where).hour] for i in range(minutes)
    ]


def naive_burden(zone: str, start: datetime, minutes: int) -> float:
    return sum(naive_weights(zone, start, minutes)) / 60


def fixed_offset_burden(zone: str, start: datetime, minutes: int) -> float:
    """The wrong way: the offset at the start, kept for the whole session."""
    offset = start.astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    local = start.replace(tzinfo=None) + offset
    return sum(NAIVE_WEIGHTS[(local + timedelta(minutes=i)).hour] for i in range(minutes)) / 60


def assert_naive(slot: Slot) -> None:
    for zone, count in slot.counts.items():
        assert slot.burdens[zone] == naive_burden(zone, slot.start, slot.minutes)
        assert count >= 1
    assert slot.worst == max(slot.burdens.values())
    assert slot.total == pytest.approx(
        sum(count * slot.burdens[zone] for zone, count in slot.counts.items())
    )


# Weights


@pytest.mark.parametrize(("hour", "expected"), sorted(NAIVE_WEIGHTS.items()))
def test_weight_of_every_hour(hour: int, expected: int) -> None:
    assert weight(hour) == expected


@pytest.mark.parametrize("hour", range(24))
def test_the_weight_changes_exactly_on_the_hour(hour: int) -> None:
    # 12:59-13:01 etc. in UTC: one minute of the hour before, one of the hour itself.
    start = utc("2027-10-15T00:00") + timedelta(hours=hour, minutes=-1)
    before = NAIVE_WEIGHTS[(hour - 1) % 24]
    assert burden("UTC", start, 1) == before / 60
    assert burden("UTC", start, 2) == (before + NAIVE_WEIGHTS[hour]) / 60


# Burdens of known sessions


@pytest.mark.parametrize(
    ("zone", "start", "minutes", "expected"),
    [
        ("UTC", "2027-10-15T10:00", 60, 0.0),
        ("UTC", "2027-10-15T07:00", 60, 1.0),
        ("UTC", "2027-10-15T02:00", 60, 10.0),
        # 08:30-09:30 in Tokyo (UTC+9): 30 min at 1, 30 at 0.
        ("Asia/Tokyo", "2027-10-14T23:30", 60, 0.5),
        # 08:30-09:30 in Kathmandu (UTC+5:45).
        ("Asia/Kathmandu", "2027-10-15T02:45", 60, 0.5),
        # 22:30-00:00 in Seoul (UTC+9): 30 min at 3, 60 at 10.
        ("Asia/Seoul", "2027-10-15T13:30", 90, 11.5),
        # 22:30-00:00 in Adelaide (UTC+10:30 in October).
        ("Australia/Adelaide", "2027-10-15T12:00", 90, 11.5),
        # A whole day: 7 h of night, 3 h at 3, 5 h at 1, 9 h at 0.
        ("UTC", "2027-10-15T00:00", 1440, 70 + 9 + 5),
    ],
)
def test_burden_of_known_sessions(zone: str, start: str, minutes: int, expected: float) -> None:
    assert burden(zone, utc(start), minutes) == expected


def test_the_start_may_be_given_in_any_zone() -> None:
    start = utc("2027-10-14T23:30")
    assert burden("Asia/Tokyo", start.astimezone(ZoneInfo("Asia/Tokyo")), 60) == 0.5
    assert score([Group("UTC", 1)], start.astimezone(ZoneInfo("Asia/Tokyo")), 60).start == start


@pytest.mark.parametrize(
    ("zone", "start", "expected"),
    [
        # 8 hours from local midnight across a spring-forward (02:00 -> 03:00): 2 h + 3 h of
        # night, 1 h at 3, 2 h at 1 = 3300 / 60, where a fixed offset would count 6 h of night.
        ("Europe/Brussels", "2027-03-27T23:00", 55.0),  # clocks change 2027-03-28 01:00 UTC
        ("America/New_York", "2027-03-14T05:00", 55.0),  # 2027-03-14 07:00 UTC
        ("Pacific/Auckland", "2027-09-25T12:00", 55.0),  # 2027-09-25 14:00 UTC
        # ... and across a fall-back (the night hour before it comes twice): 2 h + 5 h of
        # night, 1 h at 3 = 4380 / 60.
        ("Europe/Brussels", "2027-10-30T22:00", 73.0),  # 2027-10-31 01:00 UTC
        ("America/New_York", "2027-11-07T04:00", 73.0),  # 2027-11-07 06:00 UTC
        ("Pacific/Auckland", "2027-04-03T11:00", 73.0),  # 03:00 -> 02:00, 2027-04-03 14:00 UTC
    ],
)
def test_a_session_across_a_change_of_clocks_is_costed_minute_by_minute(
    zone: str, start: str, expected: float
) -> None:
    assert burden(zone, utc(start), 480) == expected == naive_burden(zone, utc(start), 480)
    assert fixed_offset_burden(zone, utc(start), 480) != expected


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 3, 14),
        date(2027, 3, 27),
        date(2027, 4, 3),
        date(2027, 9, 25),
        date(2027, 10, 30),
        date(2027, 11, 7),
    ],
)
def test_ranking_on_days_that_change_clocks_agrees_with_the_naive_costing(day: date) -> None:
    slots = rank(groups_of(CAPITALS), day, 150, step=60)
    assert len(slots) == 24
    for slot in slots:
        assert_naive(slot)


def test_night_minutes() -> None:
    start = utc("2027-10-15T09:30")  # 22:30-00:00 in Auckland, 05:30-07:00 in New York
    assert night_minutes("Pacific/Auckland", start, 90) == 60
    assert night_minutes("America/New_York", start, 90) == 30
    assert night_minutes("Europe/Brussels", start, 90) == 0


# Ranking


def test_the_six_capitals_on_2027_10_15() -> None:
    slots = rank(groups_of(CAPITALS), DAY, 90)
    assert len(slots) == 48
    best = slots[0]
    assert rank_key(best) == min(rank_key(slot) for slot in slots)
    assert best == score(groups_of(CAPITALS), best.start, 90)
    assert_naive(best)
    # Finding: no 90-minute start keeps everyone out of the night. The best, 09:30 UTC, has
    # Wellington at 22:30-00:00 (worst 11.5: half an hour at 3, an hour of night) and
    # Washington at 05:30-07:00 (8.0); 09:00 UTC ties at worst but costs more in total.
    assert best.worst > 0
    assert best.band == "night"
    assert (best.start, best.worst, best.total) == (utc("2027-10-15T09:30"), 11.5, 100.0)
    assert slots[1].start == utc("2027-10-15T09:00")
    assert (slots[1].worst, slots[1].total) == (11.5, 110.0)
    assert {zone: best.local_span(zone) for zone in CAPITALS} == {
        "Europe/Brussels": "11:30-13:00",
        "America/New_York": "05:30-07:00",
        "Australia/Sydney": "20:30-22:00",
        "Asia/Tokyo": "18:30-20:00",
        "Asia/Seoul": "18:30-20:00",
        "Pacific/Auckland": "22:30-00:00",
    }
    begin, end = best.local("Pacific/Auckland")
    assert (begin.isoformat(), end.isoformat()) == (
        "2027-10-15T22:30:00+13:00",
        "2027-10-16T00:00:00+13:00",
    )


# UTC and Tokyo (UTC+9), hourly: at worst 1.0 are 07:00 and 08:00 UTC (UTC at 07-09 local)
# and 09:00-11:00 UTC (Tokyo at 18-21 local); no hour is daytime for both.
EDGE_STARTS = ["07:00", "08:00", "09:00", "10:00", "11:00"]


@pytest.mark.parametrize(
    ("counts", "order"),
    [
        ({"UTC": 1, "Asia/Tokyo": 1}, EDGE_STARTS),  # equal totals: earlier first
        ({"UTC": 1, "Asia/Tokyo": 3}, EDGE_STARTS),
        ({"UTC": 3, "Asia/Tokyo": 1}, ["09:00", "10:00", "11:00", "07:00", "08:00"]),
    ],
)
def test_ties_at_worst_go_to_the_lower_total_then_the_earlier_start(
    counts: dict[str, int], order: list[str]
) -> None:
    slots = rank(groups_of(counts), DAY, 60, step=60)
    assert [slot.worst for slot in slots[:6]] == [1.0] * 5 + [3.0]
    assert [f"{slot.start:%H:%M}" for slot in slots[:5]] == order


@pytest.mark.parametrize(
    ("paid", "first"),
    [
        (None, "07:00"),
        ({"UTC": 4.0}, "09:00"),  # UTC has carried more: Tokyo's evening this time
        ({"Asia/Tokyo": 4.0}, "07:00"),
        ({"UTC": 4.0, "Asia/Tokyo": 5.0, "Europe/Brussels": 9.0}, "07:00"),
    ],
)
def test_paid_shifts_the_burden_to_those_who_paid_least(
    paid: dict[str, float] | None, first: str
) -> None:
    slots = rank(groups_of({"UTC": 1, "Asia/Tokyo": 1}), DAY, 60, step=60, paid=paid)
    assert f"{slots[0].start:%H:%M}" == first
    assert slots[0].worst == 1.0
    keys = [rank_key(slot, paid) for slot in slots]
    assert keys == sorted(keys)


def test_candidates() -> None:
    starts = candidates(DAY)
    assert len(starts) == 48
    assert starts[0] == utc("2027-10-15T00:00")
    assert starts[-1] == utc("2027-10-15T23:30")
    assert candidates(DAY, 1440) == [utc("2027-10-15T00:00")]


def test_parse_group_and_groups_of() -> None:
    assert parse_group("Asia/Seoul=12") == Group("Asia/Seoul", 12)
    assert parse_group(" Asia/Kolkata = 3 ") == Group("Asia/Kolkata", 3)
    assert parse_group("UTC=1") == Group("UTC", 1)
    assert groups_of({"Pacific/Auckland": 2, "Asia/Seoul": 5}) == [
        Group("Asia/Seoul", 5),
        Group("Pacific/Auckland", 2),
    ]


@pytest.mark.parametrize(
    ("worst", "band"),
    [(0.0, "day"), (0.5, "fringe"), (2.0, "fringe"), (2.05, "hard"), (5.0, "hard"), (5.5, "night")],
)
def test_bands(worst: float, band: str) -> None:
    slot = Slot(utc("2027-10-15T00:00"), 60, {"UTC": worst}, {"UTC": 1}, worst, worst)
    assert slot.band == band


# Errors: one line for a person, always a PlanningError (a ValueError)

START = utc("2027-10-15T09:00")
SEOUL = [Group("Asia/Seoul", 5)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_group("Mars/Base=3"), "Unknown time zone 'Mars/Base'."),
        (lambda: groups_of({"Mars/Base": 3}), "Unknown time zone 'Mars/Base'."),
        (lambda: burden("Mars/Base", START, 60), "Unknown time zone 'Mars/Base'."),
        (lambda: night_minutes("Mars/Base", START, 60), "Unknown time zone 'Mars/Base'."),
        (lambda: score(SEOUL, START, 60).local("Mars/Base"), "Unknown time zone 'Mars/Base'."),
        (lambda: rank(SEOUL, DAY, 60, paid={"Mars/Base": 1}), "Unknown time zone 'Mars/Base'."),
        (lambda: Group("../../etc/passwd", 1), "Unknown time zone '../../etc/passwd'."),
        (lambda: parse_group("Asia/Seoul=0"), "A group needs at least 1 person: 'Asia/Seoul=0'."),
        (lambda: groups_of({"Asia/Seoul": 0}), "A group needs at least 1 person: 'Asia/Seoul=0'."),
        (lambda: Group("Asia/Seoul", -2), "A group needs at least 1 person: 'Asia/Seoul=-2'."),
        (lambda: Group("Asia/Seoul", 2.5), "A head count is a whole number: 'Asia/Seoul=2.5'."),
        (
            lambda: parse_group("Asia/Seoul"),
            "Write a group as zone=count, e.g. 'Asia/Seoul=12': 'Asia/Seoul' is not.",
        ),
        (
            lambda: parse_group("Asia/Seoul=x"),
            "Write a group as zone=count, e.g. 'Asia/Seoul=12': 'Asia/Seoul=x' is not.",
        ),
        (
            lambda: candidates(DAY, 7),
            "The step must divide a day (1440 minutes): 7 does not.",
        ),
        (
            lambda: rank(SEOUL, DAY, 60, step=0),
            "The step must divide a day (1440 minutes): 0 does not.",
        ),
        (lambda: candidates(date(2038, 1, 1)), "Choose a date between 1971 and 2037."),
        (lambda: candidates(date(1970, 12, 31)), "Choose a date between 1971 and 2037."),
        (lambda: rank(SEOUL, date(2100, 1, 1), 60), "Choose a date between 1971 and 2037."),
        (
            lambda: score(SEOUL, utc("1970-12-31T23:59"), 60),
            "Choose a date between 1971 and 2037.",
        ),
        (
            lambda: burden("UTC", utc("2038-01-01T00:00"), 60),
            "Choose a date between 1971 and 2037.",
        ),
        (lambda: groups_of({}), "Give at least one group."),
        (lambda: score([], START, 60), "Give at least one group."),
        (lambda: rank([], DAY, 60), "Give at least one group."),
        (lambda: score(SEOUL, START, 0), "A session lasts 1 to 1440 minutes."),
        (lambda: rank(SEOUL, DAY, 1441), "A session lasts 1 to 1440 minutes."),
        (lambda: burden("UTC", START, -5), "A session lasts 1 to 1440 minutes."),
        (
            lambda: score(SEOUL * 2, START, 60),
            "Give each time zone once: 'Asia/Seoul' comes twice.",
        ),
        (
            lambda: score(SEOUL, datetime(2027, 10, 15, 9), 60),  # noqa: DTZ001 (naive on purpose)
            "Give the start as a date and time with its time zone, e.g. UTC.",
        ),
        (
            lambda: candidates(datetime(2027, 10, 15), 30),  # noqa: DTZ001 (naive on purpose)
            "Give the day as a date, e.g. 2027-10-15.",
        ),
        (
            lambda: rank(SEOUL, DAY, 60, paid={"Asia/Seoul": -1.0}),
            "A burden carried is 0 or more, and finite: 'Asia/Seoul=-1.0'.",
        ),
        (
            lambda: rank(SEOUL, DAY, 60, paid={"Asia/Seoul": float("nan")}),
            "A burden carried is 0 or more, and finite: 'Asia/Seoul=nan'.",
        ),
        (lambda: weight(24), "An hour of the day runs from 0 to 23: 24 does not."),
    ],
)
def test_errors(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(PlanningError) as raised:
        call()
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


# Properties

audiences = st.dictionaries(st.sampled_from(ZONES), st.integers(1, 50), min_size=1, max_size=6)
days_of_2027 = st.dates(date(2027, 1, 1), date(2027, 12, 31))
starts_in_2027 = st.datetimes(
    datetime(2027, 1, 1),  # noqa: DTZ001 (hypothesis takes naive bounds)
    datetime(2027, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda start: start.replace(microsecond=0))


@settings(max_examples=40, deadline=None)
@given(audiences, days_of_2027, st.integers(1, 240), st.sampled_from(STEPS), st.data())
def test_rank_scores_every_candidate_and_sorts_by_the_key(
    counts: Mapping[str, int], day: date, minutes: int, step: int, data: st.DataObject
) -> None:
    groups = groups_of(counts)
    slots = rank(groups, day, minutes, step=step)
    assert len(slots) == 1440 // step
    assert sorted(slot.start for slot in slots) == candidates(day, step)
    keys = [rank_key(slot) for slot in slots]
    assert keys == sorted(keys)
    assert all(slot.worst == max(slot.burdens.values()) for slot in slots)
    for place in {0, len(slots) - 1, data.draw(st.integers(0, len(slots) - 1))}:
        slot = slots[place]
        assert slot == score(groups, slot.start, minutes)
        assert_naive(slot)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONES), starts_in_2027, st.integers(1, 240))
def test_burden_is_the_naive_per_minute_cost_and_within_bounds(
    zone: str, start: datetime, minutes: int
) -> None:
    cost = burden(zone, start, minutes)
    assert 0 <= cost <= 10 * minutes / 60
    assert cost == naive_burden(zone, start, minutes)
    assert night_minutes(zone, start, minutes) == naive_weights(zone, start, minutes).count(10)


@settings(max_examples=40, deadline=None)
@given(audiences, starts_in_2027, st.integers(1, 240), st.integers(1, 50))
def test_head_counts_change_the_total_never_the_burdens(
    counts: dict[str, int], start: datetime, minutes: int, more: int
) -> None:
    slot = score(groups_of(counts), start, minutes)
    shifted = score(
        groups_of({zone: count + more for zone, count in counts.items()}), start, minutes
    )
    assert shifted.burdens == slot.burdens
    assert shifted.worst == slot.worst == max(slot.burdens.values())
    assert shifted.total == pytest.approx(slot.total + more * sum(slot.burdens.values()))
