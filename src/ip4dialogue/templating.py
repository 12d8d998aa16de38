"""Jinja filters for showing instants in a reader's or a dialogue's time zone, and for text
in XML."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from ip4dialogue.access import Permission, allowed, can


def local_time(instant: datetime, zone: ZoneInfo) -> str:
    """24-hour wall time in `zone`, e.g. 09:30."""
    return instant.astimezone(zone).strftime("%H:%M")


def _clock(local: datetime, with_day: bool) -> str:
    return f"{local:%H:%M} {local:%a} {local.day} {local:%b}" if with_day else f"{local:%H:%M}"


def unbroken(text: str) -> str:
    """Spaces that do not break: "20:00 Mon 10 May–21:00" then wraps only after its dash,
    between the start and the end, never inside a date."""
    return text.replace(" ", "\u00a0")


def reader_span(start: datetime, end: datetime, zone: ZoneInfo, day: date) -> str:
    """A session's times in the reader's zone, naming a date wherever it is not the one the
    reader would assume: the programme's `day` for the start, the start's date for the end."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (
        f"{_clock(local_start, local_start.date() != day)}–"
        f"{_clock(local_end, local_end.date() != local_start.date())}"
    )


def local_datetime(instant: datetime, zone: ZoneInfo) -> str:
    """e.g. 28 Nov 2026, 10:04 KST: a moment in the life of the agenda, not a session time."""
    local = instant.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def long_date(day: date) -> str:
    """e.g. Tuesday 11 May 2027."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def date_range(start: date, end: date) -> str:
    """e.g. 11–12 May 2027, or 30 June – 1 July 2027."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def the(title: str) -> str:
    """A dialogue's title as it reads inside a sentence: "invited to the Third Dialogue"."""
    return title if title.lower().startswith(("the ", "a ", "an ")) else f"the {title}"


def zone_abbreviation(instant: datetime, zone: ZoneInfo) -> str:
    """The zone's abbreviation at that instant (KST, CEST, NZDT), which changes with DST."""
    return instant.astimezone(zone).tzname() or zone.key


# What XML 1.0 cannot hold at all, escaped or not (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str | None) -> str:
    """Text fit for an XML document (the Atom feed): without the characters XML forbids,
    which autoescaping leaves in."""
    return _NOT_XML.sub("", text or "")


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL under IP4DIALOGUE_BASE_URL; works outside requests (emails, calendars)
    and never trusts the Host header a client sent."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def register(app: Flask) -> None:
    app.add_template_global(external_url)
    app.add_template_global(allowed)
    app.add_template_global(can)
    app.add_template_global(Permission)
    app.add_template_filter(local_time)
    app.add_template_filter(reader_span)
    app.add_template_filter(local_datetime)
    app.add_template_filter(long_date)
    app.add_template_filter(date_range)
    app.add_template_filter(the)
    app.add_template_filter(unbroken)
    app.add_template_filter(zone_abbreviation)
    app.add_template_filter(xml_text)
