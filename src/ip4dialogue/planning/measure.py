"""The fair-times measure: what a session's hour costs each group that joins it, and which start
is fairest to all of them.

Hybrid sessions of the dialogue join Brussels, Washington, Canberra, Tokyo, Seoul and Wellington.
No hour is daytime for all of them, so the question is not "when is everyone at work" but "who
carries the inconvenience, and how much of it".

Weights. Each minute of a session costs a group the weight of its local hour at that minute:

    09:00-18:00                   0   the working day
    07:00-09:00, 18:00-21:00      1   the day's edges: before work, the evening
    06:00-07:00, 21:00-23:00      3   early or late: taken from sleep or family
    23:00-06:00                  10   the night

The steps grow steeply on purpose: an hour of night is not "a bit worse" than an hour of
evening but costs as much as ten of them, so no ranking trades one group's night for a few
minutes of everyone else's evening.

Burden. A group's burden is the sum of its minutes' weights divided by 60: an hour at weight 1
is 1.0, an hour of night 10.0. Minute i of a session starting at the UTC instant S is the
instant S + i minutes, and its local hour comes from zoneinfo's rules for the zone at that
instant. A session that crosses a change of clocks is thus costed by the hours people actually
live through, and half-hour and 45-minute zones need no special case; no fixed offset is used.

Ranking. Slots are ranked by the worst burden any group carries (the fairest slot is the one
whose unluckiest group fares best), then by the head-count-weighted total, the sum of
count x burden (fewer people inconvenienced, and less), then by the earlier start, so that the
order is total. Over a series of sessions, `paid` (the burden each zone has carried so far)
adds a key after the worst: the shift, the sum of burden x paid. Among slots equally bad at
worst, the one whose burden falls on the groups that have paid least so far comes first, and
the inconvenience rotates from session to session instead of landing on the same people.

Bounds. Dates and instants run from 1971 to 2037. The tz database vouches for its data only
since 1970, and starting a year later keeps even the local times west of UTC of the first
candidates inside that range; 2037 is where compiled zone data traditionally ends (the limit
of 32-bit time), beyond which the offsets would be extrapolated from today's rules for years
no government has settled.
"""

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from math import fsum
from zoneinfo import ZoneInfo

from ip4dialogue.timezones import all_zones

DAY_WEIGHT = 0  # 09:00-18:00
EDGE_WEIGHT = 1  # 07:00-09:00 and 18:00-21:00
LATE_WEIGHT = 3  # 06:00-07:00 and 21:00-23:00
NIGHT_WEIGHT = 10  # 23:00-06:00

EDGE_HOURS = frozenset({7, 8, 18, 19, 20})
LATE_HOURS = frozenset({6, 21, 22})
NIGHT_HOURS = frozenset({23, 0, 1, 2, 3, 4, 5})

# The weight of each local hour, 0 to 23; the hours in no set above (9 to 17) are the day.
HOUR_WEIGHTS: tuple[int, ...] = tuple(
    NIGHT_WEIGHT
    if hour in NIGHT_HOURS
    else LATE_WEIGHT
    if hour in LATE_HOURS
    else EDGE_WEIGHT
    if hour in EDGE_HOURS
    else DAY_WEIGHT
    for hour in range(24)
)

# A slot's band, for colouring, by its worst burden: "day" at 0, "fringe" up to the cost of
# two hours at the day's edges, "hard" up to half an hour of night, "night" beyond.
FRINGE_LIMIT = 2.0
HARD_LIMIT = 5.0

MINUTES_PER_HOUR = 60
DAY_MINUTES = 24 * MINUTES_PER_HOUR
ONE_MINUTE = timedelta(minutes=1)

FIRST_YEAR, LAST_YEAR = 1971, 2037
FIRST_INSTANT = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
END_INSTANT = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)

# "Asia/Seoul=12"; a count of up to nine digits, which no audience exceeds.
GROUP_TEXT = re.compile(r"\s*(?P<zone>[^=]+?)\s*=\s*(?P<count>[+-]?[0-9]{1,9})\s*")


class PlanningError(ValueError):
    """Input the measure cannot use; the message is one line, written for a person."""


@cache
def known_zones() -> frozenset[str]:
    """The zones people live in, as the rest of the app offers them (not `localtime`, which is
    whatever the server's clock says), and "UTC"."""
    return frozenset(all_zones()) | {"UTC"}


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or name not in known_zones():
        raise PlanningError(f"Unknown time zone {name!r}.")
    return ZoneInfo(name)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Group:
    """The people joining from one zone: its IANA name and how many they are (at least 1)."""

    zone: str
    count: int

    def __post_init__(self) -> None:
        _zone(self.zone)
        if not _whole(self.count):
            raise PlanningError(f"A head count is a whole number: '{self.zone}={self.count}'.")
        if self.count < 1:
            raise PlanningError(f"A group needs at least 1 person: '{self.zone}={self.count}'.")


def parse_group(text: str) -> Group:
    """A group from "ZONE=COUNT", e.g. "Asia/Seoul=12"."""
    match = GROUP_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise PlanningError(f"Write a group as zone=count, e.g. 'Asia/Seoul=12': {text!r} is not.")
    return Group(match["zone"], int(match["count"]))


def groups_of(zones: Mapping[str, int]) -> list[Group]:
    """The groups of head counts by zone, sorted by zone name."""
    if not zones:
        raise PlanningError("Give at least one group.")
    return sorted((Group(zone, count) for zone, count in zones.items()), key=lambda g: g.zone)


def weight(hour: int) -> int:
    """What a minute in this local hour (0 to 23) costs."""
    if not _whole(hour) or not 0 <= hour < 24:
        raise PlanningError(f"An hour of the day runs from 0 to 23: {hour!r} does not.")
    return HOUR_WEIGHTS[hour]


def _checked_groups(groups: Iterable[Group]) -> list[Group]:
    checked: list[Group] = []
    for group in groups:
        if not isinstance(group, Group):
            raise PlanningError(f"Not a group of people in a time zone: {group!r}.")
        if any(seen.zone == group.zone for seen in checked):
            raise PlanningError(f"Give each time zone once: {group.zone!r} comes twice.")
        checked.append(group)
    if not checked:
        raise PlanningError("Give at least one group.")
    return checked


def _checked_start(start: object) -> datetime:
    if not isinstance(start, datetime) or start.utcoffset() is None:
        raise PlanningError("Give the start as a date and time with its time zone, e.g. UTC.")
    if not FIRST_INSTANT <= start < END_INSTANT:
        raise PlanningError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return start.astimezone(UTC)


def _checked_day(day: object) -> date:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise PlanningError("Give the day as a date, e.g. 2027-10-15.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PlanningError(f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return day


def _checked_minutes(minutes: object) -> int:
    if not _whole(minutes) or not 1 <= minutes <= DAY_MINUTES:
        raise PlanningError(f"A session lasts 1 to {DAY_MINUTES} minutes.")
    return minutes


def _checked_step(step: object) -> int:
    if not _whole(step) or step < 1 or DAY_MINUTES % step:
        raise PlanningError(
            f"The step must divide a day ({DAY_MINUTES} minutes): {step!r} does not."
        )
    return step


def _checked_paid(paid: Mapping[str, float] | None) -> Mapping[str, float] | None:
    for zone, amount in (paid or {}).items():
        _zone(zone)
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise PlanningError(f"A burden carried is a number: '{zone}={amount!r}'.")
        if not 0 <= amount <= sys.float_info.max:
            raise PlanningError(f"A burden carried is 0 or more, and finite: '{zone}={amount}'.")
    return paid


def _minute_weights(zone: ZoneInfo, start: datetime, minutes: int) -> list[int]:
    """The weight of each minute of a session, by the local hour at the minute's instant."""
    return [HOUR_WEIGHTS[(start + i * ONE_MINUTE).astimezone(zone).hour] for i in range(minutes)]


def burden(zone: str, start: datetime, minutes: int) -> float:
    """What a session of `minutes` from the aware instant `start` costs a group in `zone`."""
    weights = _minute_weights(_zone(zone), _checked_start(start), _checked_minutes(minutes))
    return sum(weights) / MINUTES_PER_HOUR


def night_minutes(zone: str, start: datetime, minutes: int) -> int:
    """How many minutes of the session fall between 23:00 and 06:00 in `zone`."""
    weights = _minute_weights(_zone(zone), _checked_start(start), _checked_minutes(minutes))
    return weights.count(NIGHT_WEIGHT)


@dataclass(frozen=True)
class Slot:
    """A start scored for every group: its burden by zone, the worst and the head-weighted total.

    `burdens` and `counts` are plain dicts, left out of the hash (a slot hashes by its start,
    length and scores) but compared for equality.
    """

    start: datetime
    minutes: int
    burdens: dict[str, float] = field(hash=False)
    counts: dict[str, int] = field(hash=False)
    worst: float
    total: float

    def local(self, zone: str) -> tuple[datetime, datetime]:
        """The session's start and end in `zone`'s local time."""
        where = _zone(zone)
        end = self.start + self.minutes * ONE_MINUTE
        return self.start.astimezone(where), end.astimezone(where)

    def local_span(self, zone: str) -> str:
        """The session's local start and end in `zone`, as "HH:MM-HH:MM" (24-hour clock)."""
        begin, end = self.local(zone)
        return f"{begin:%H:%M}-{end:%H:%M}"

    @property
    def band(self) -> str:
        """For colouring: "day" when the worst burden is 0, "fringe" up to 2, "hard" up to 5,
        "night" beyond."""
        if self.worst == 0:
            return "day"
        if self.worst <= FRINGE_LIMIT:
            return "fringe"
        return "hard" if self.worst <= HARD_LIMIT else "night"


def _slot(groups: Sequence[Group], start: datetime, minutes: int, sums: Mapping[str, int]) -> Slot:
    """A slot from each zone's sum of minute weights. The sums are whole numbers, each divided
    once, so the worst and the total are the correctly rounded values of the measure."""
    return Slot(
        start=start,
        minutes=minutes,
        burdens={group.zone: sums[group.zone] / MINUTES_PER_HOUR for group in groups},
        counts={group.zone: group.count for group in groups},
        worst=max(sums.values()) / MINUTES_PER_HOUR,
        total=sum(group.count * sums[group.zone] for group in groups) / MINUTES_PER_HOUR,
    )


def score(groups: Sequence[Group], start: datetime, minutes: int) -> Slot:
    """The slot of a session of `minutes` from the aware instant `start`, scored for `groups`."""
    groups = _checked_groups(groups)
    start, minutes = _checked_start(start), _checked_minutes(minutes)
    sums = {g.zone: sum(_minute_weights(ZoneInfo(g.zone), start, minutes)) for g in groups}
    return _slot(groups, start, minutes, sums)


def candidates(day: date, step: int = 30) -> list[datetime]:
    """The starts from 00:00 UTC of `day` through the next 24 hours, every `step` minutes."""
    step, day = _checked_step(step), _checked_day(day)
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    return [midnight + offset * ONE_MINUTE for offset in range(0, DAY_MINUTES, step)]


def rank_key(slot: Slot, paid: Mapping[str, float] | None = None) -> tuple[float | datetime, ...]:
    """What `rank` orders slots by: (worst, total, start), or (worst, shift, total, start) with
    `paid`, where shift is the sum of burden x paid (zones missing from `paid` count 0)."""
    if paid is None:
        return (slot.worst, slot.total, slot.start)
    shift = fsum(amount * paid.get(zone, 0.0) for zone, amount in slot.burdens.items())
    return (slot.worst, shift, slot.total, slot.start)


def rank(
    groups: Sequence[Group],
    day: date,
    minutes: int,
    *,
    step: int = 30,
    paid: Mapping[str, float] | None = None,
) -> list[Slot]:
    """Every candidate start of `day` for a session of `minutes`, scored, best first.

    `paid` maps zones to the burden their groups have carried so far in a series: with it,
    among slots equal at worst, those burdening the groups that have paid least come first.
    Each zone's minute weights are worked out once over the whole window the candidates
    cover; a slot's sums are then differences of running totals, identical to costing its
    minutes one by one.
    """
    groups = _checked_groups(groups)
    minutes, starts, paid = _checked_minutes(minutes), candidates(day, step), _checked_paid(paid)
    window = DAY_MINUTES - step + minutes  # from the first start to the last one's end
    running = {
        group.zone: list(
            accumulate(_minute_weights(ZoneInfo(group.zone), starts[0], window), initial=0)
        )
        for group in groups
    }
    slots = [
        _slot(
            groups,
            start,
            minutes,
            {zone: totals[offset + minutes] - totals[offset] for zone, totals in running.items()},
        )
        for offset, start in zip(range(0, DAY_MINUTES, step), starts, strict=True)
    ]
    return sorted(slots, key=lambda slot: rank_key(slot, paid))
