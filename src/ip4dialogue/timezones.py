"""Time zones as people pick them: capitals first, then every IANA zone; local times that a
zone's daylight-saving rules make impossible are caught, never silently shifted."""

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import get_timezone_location
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ip4dialogue.i18n import LOCALES, current_language

IP4_CAPITALS = (
    ("Canberra", "Australia/Sydney"),
    ("Tokyo", "Asia/Tokyo"),
    ("Seoul", "Asia/Seoul"),
    ("Wellington", "Pacific/Auckland"),
)

NATO_CAPITALS = (
    ("Amsterdam", "Europe/Amsterdam"),
    ("Ankara", "Europe/Istanbul"),
    ("Athens", "Europe/Athens"),
    ("Berlin", "Europe/Berlin"),
    ("Bratislava", "Europe/Bratislava"),
    ("Brussels", "Europe/Brussels"),
    ("Bucharest", "Europe/Bucharest"),
    ("Budapest", "Europe/Budapest"),
    ("Copenhagen", "Europe/Copenhagen"),
    ("Helsinki", "Europe/Helsinki"),
    ("Lisbon", "Europe/Lisbon"),
    ("Ljubljana", "Europe/Ljubljana"),
    ("London", "Europe/London"),
    ("Luxembourg", "Europe/Luxembourg"),
    ("Madrid", "Europe/Madrid"),
    ("Oslo", "Europe/Oslo"),
    ("Ottawa", "America/Toronto"),
    ("Paris", "Europe/Paris"),
    ("Podgorica", "Europe/Podgorica"),
    ("Prague", "Europe/Prague"),
    ("Reykjavik", "Atlantic/Reykjavik"),
    ("Riga", "Europe/Riga"),
    ("Rome", "Europe/Rome"),
    ("Skopje", "Europe/Skopje"),
    ("Sofia", "Europe/Sofia"),
    ("Stockholm", "Europe/Stockholm"),
    ("Tallinn", "Europe/Tallinn"),
    ("Tirana", "Europe/Tirane"),
    ("Vilnius", "Europe/Vilnius"),
    ("Warsaw", "Europe/Warsaw"),
    ("Washington", "America/New_York"),
    ("Zagreb", "Europe/Zagreb"),
)


# Cities of the region that the zone database names after another city.
OTHER_CITIES = (
    ("Delhi", "Asia/Kolkata"),
    ("New Delhi", "Asia/Kolkata"),
    ("Mumbai", "Asia/Kolkata"),
    ("Beijing", "Asia/Shanghai"),
)


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when clocks go forward."""


# Names in the zone database that are no place's time: the build's placeholder, the
# machine's own setting, and the POSIX rules' template.
NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if name not in NOT_PLACES and not name.startswith(("posix/", "right/"))
        )
    )


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(all_zones())


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The zone called `name`, or None for anything that is not an IANA zone."""
    if not name or name not in _zone_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _key(typed: str) -> str:
    """What is typed, as it is compared: "America/New_York", "new  york" and "New York" alike."""
    return " ".join(typed.replace("_", " ").split()).lower()


@cache
def _zones_by_key() -> dict[str, str]:
    """Zone names by what people type: the name in any case, its city ("new york"), the
    IP4 and NATO capitals ("Canberra", "Washington") and cities the database names
    otherwise ("Delhi"). The Etc/ zones are found by their full name only: their signs are
    POSIX's, the reverse of what people mean (Etc/GMT+5 is five hours behind)."""
    keys: dict[str, str] = {}
    for name in all_zones():
        if not name.startswith("Etc/"):
            keys.setdefault(_key(name.rsplit("/", 1)[-1]), name)
    keys |= {_key(city): name for city, name in IP4_CAPITALS + NATO_CAPITALS + OTHER_CITIES}
    return keys | {_key(name): name for name in all_zones()}


def find_zone(typed: str) -> ZoneInfo | None:
    """The zone someone means by `typed`: an IANA name, in any case, or a city."""
    return zone_or_none(_zones_by_key().get(_key(typed)))


# Capitals whose zone the database names after another city: their own names, translated.
# Every other city's name in Japanese and Korean is Babel's (the CLDR's exemplar city).
CAPITALS_NAMED_OTHERWISE = {
    "Canberra": _l("Canberra"),
    "Wellington": _l("Wellington"),
    "Ankara": _l("Ankara"),
    "Ottawa": _l("Ottawa"),
    "Washington": _l("Washington"),
}


def city_name(city: str, zone: str) -> str:
    """`city` (in `zone`) as the language being written names it: Canberra, キャンベラ, 캔버라."""
    if current_language() == "en":
        return city
    if city in CAPITALS_NAMED_OTHERWISE:
        return str(CAPITALS_NAMED_OTHERWISE[city])
    return get_timezone_location(zone, locale=LOCALES[current_language()], return_city=True)


def zone_label(zone: str) -> str:
    """A zone as a select shows it: its id, after its city's name in Japanese or Korean."""
    if current_language() == "en" or zone.startswith("Etc/"):
        return zone
    return f"{city_name(zone.rsplit('/', 1)[-1], zone)} ({zone})"


def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """Grouped choices for a select: the IP4 and NATO capitals first, then all other zones,
    named in the language being written."""
    return _zone_choices(current_language())


@cache
def _zone_choices(language: str) -> dict[str, list[tuple[str, str]]]:
    capitals = {zone for _, zone in IP4_CAPITALS + NATO_CAPITALS}
    return {
        _("IP4 capitals"): [
            (zone, f"{city_name(city, zone)} ({zone})") for city, zone in IP4_CAPITALS
        ],
        _("NATO capitals"): [
            (zone, f"{city_name(city, zone)} ({zone})") for city, zone in NATO_CAPITALS
        ],
        _("All time zones"): [
            (zone, zone_label(zone)) for zone in all_zones() if zone not in capitals
        ],
    }


def to_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time, by the zone's own rules (zoneinfo).

    A time repeated when clocks go back means its first occurrence; a time skipped when they
    go forward raises NonexistentLocalTime rather than being moved.
    """
    local = datetime.combine(day, clock, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{clock:%H:%M} does not exist on {day:%d %B %Y} in {zone.key}: "
            "the clocks go forward then."
        )
    return instant
