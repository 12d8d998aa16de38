"""VTIMEZONE components for exactly the dates a dialogue needs, from zoneinfo's own rules.

Each daylight-saving change becomes an observance whose DTSTART is the local wall time just
before the change, read with TZOFFSETFROM, as RFC 5545 (3.6.5) defines it.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Component, Timezone, TimezoneDaylight, TimezoneStandard

STEP = timedelta(hours=1)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants in [start, end) at which the zone's offset changes, to the minute."""
    found = []
    moment = start
    while moment < end:
        following = moment + STEP
        if _offset(zone, moment) != _offset(zone, following):
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (
                    (middle, high) if _offset(zone, middle) == _offset(zone, low) else (low, middle)
                )
            found.append(high)
        moment = following
    return found


def _observance(zone: ZoneInfo, onset: datetime, before: timedelta) -> Component:
    """An observance starting at `onset` (UTC); `before` is the offset in force until then."""
    local = onset.astimezone(zone)
    kind = TimezoneDaylight if local.dst() else TimezoneStandard
    observance = kind()
    observance.add("dtstart", (onset + before).replace(tzinfo=None))
    observance.add("tzoffsetfrom", before)
    observance.add("tzoffsetto", local.utcoffset())
    observance.add("tzname", local.tzname())
    return observance


def vtimezone(zone: ZoneInfo, first: date, last: date) -> Timezone:
    """The zone's rules from the start of `first` to the end of `last` (local days)."""
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    # Outlook wants a STANDARD part: in summer, start from the last day of standard time.
    for _ in range(400):
        if not start.astimezone(zone).dst():
            break
        start -= timedelta(days=1)
    component = Timezone()
    component.add("tzid", zone.key)
    initial = _offset(zone, start)
    component.add_component(_observance(zone, start, initial))
    for change in _transitions(zone, start, end):
        component.add_component(
            _observance(zone, change, _offset(zone, change - timedelta(minutes=1)))
        )
    return component
