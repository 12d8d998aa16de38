"""Jinja filters for showing instants in a reader's or a dialogue's time zone, and for text
in XML."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_skeleton, format_time
from flask import Flask, current_app
from flask_babel import gettext

from ip4dialogue.access import Permission, allowed, can
from ip4dialogue.i18n import babel_locale, current_language, translated


def local_time(instant: datetime, zone: ZoneInfo) -> str:
    """Wall time in `zone` as the language writes it: 09:30, 9:30, 오전 9:30."""
    return format_time(instant, "short", tzinfo=zone, locale=babel_locale())


def _day(local: datetime | date) -> str:
    """A day of the week and month, short: Tue 11 May, 5月11日(火), 5월 11일 (화)."""
    if current_language() == "en":
        return f"{local:%a} {local.day} {local:%b}"
    return format_skeleton("MMMEd", local, locale=babel_locale())


def _clock(local: datetime, with_day: bool) -> str:
    time = format_time(local, "short", locale=babel_locale())
    if not with_day:
        return time
    return f"{time} {_day(local)}" if current_language() == "en" else f"{_day(local)} {time}"


# Between the ends of a span of time, as each language writes it.
_SPAN = {"en": "–", "ja": "～", "ko": " ~ "}


def unbroken(text: str) -> str:
    """Spaces that do not break: "20:00 Mon 10 May–21:00" then wraps only after its dash,
    between the start and the end, never inside a date."""
    return text.replace(" ", "\u00a0")


def reader_span(start: datetime, end: datetime, zone: ZoneInfo, day: date) -> str:
    """A session's times in the reader's zone, naming a date wherever it is not the one the
    reader would assume: the programme's `day` for the start, the start's date for the end."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (
        f"{_clock(local_start, local_start.date() != day)}{_SPAN[current_language()]}"
        f"{_clock(local_end, local_end.date() != local_start.date())}"
    )


def local_datetime(instant: datetime, zone: ZoneInfo) -> str:
    """e.g. 28 Nov 2026, 10:04 KST: a moment in the life of the agenda, not a session time."""
    local = instant.astimezone(zone)
    day = format_skeleton("yMMMd", local, locale=babel_locale())
    between = ", " if current_language() == "en" else " "
    return f"{day}{between}{format_time(local, 'short', locale=babel_locale())} {local.tzname()}"


def long_date(day: date) -> str:
    """e.g. Tuesday 11 May 2027, 2027年5月11日火曜日, 2027년 5월 11일 화요일."""
    if current_language() == "en":
        return f"{day:%A} {day.day} {day:%B %Y}"
    return format_skeleton("yMMMMEEEEd", day, locale=babel_locale())


def date_range(start: date, end: date) -> str:
    """e.g. 11–12 May 2027, 30 June – 1 July 2027, 2027年5月11日～12日, 2027년 5월 11일~12일."""
    if current_language() != "en":
        return format_interval(start, end, "yMMMMd", locale=babel_locale())
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def the(title: str) -> str:
    """A dialogue's title as it reads inside an English sentence: "invited to the Third
    Dialogue". Japanese and Korean have no article: the title stays as it is."""
    if current_language() != "en" or title.lower().startswith(("the ", "a ", "an ")):
        return title
    return f"the {title}"


def greeting(name: str) -> str:
    """ "Dear Dr Kim," or, to someone whose name the organisers did not give, "Dear
    colleague,": plain text, which an HTML mail escapes like any other."""
    return gettext("Dear %(name)s,", name=name) if name else gettext("Dear colleague,")


def dates_and_place(dialogue: Any, venue: bool = False, in_city: bool = False) -> str:
    """When a dialogue is and where: "11–12 May 2027, Seoul"; with `venue`, its venue too;
    with `in_city`, "11–12 May 2027, in Seoul", as an invitation says it."""
    dates = date_range(dialogue.start_date, dialogue.end_date)
    city = translated(dialogue, "city") if dialogue.city else ""
    hall = translated(dialogue, "venue") if venue and dialogue.venue else ""
    if in_city and city:
        return gettext("%(dates)s, in %(city)s", dates=dates, city=city)
    if place := ", ".join(part for part in (hall, city) if part):
        return gettext("%(dates)s, %(place)s", dates=dates, place=place)
    return dates


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


def page_link(endpoint: str, **values: object) -> str:
    """An absolute link to a page, in the language being written: a mail's reader opens it in
    the language of the mail, whatever their browser speaks."""
    return external_url(endpoint, **values, lang=current_language())


def register(app: Flask) -> None:
    app.add_template_global(external_url)
    app.add_template_global(page_link)
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
    app.add_template_global(greeting)
    app.add_template_global(dates_and_place)
    app.add_template_filter(xml_text)
