"""A real CalDAV server (Radicale, on loopback) accepts every event we serve or email, and
gives back the instants the organiser entered."""

import base64
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from ip4dialogue.calendar import builders
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import released_agenda
from ip4dialogue.extensions import db
from tests.helpers import free_port

AUTH = {"Authorization": "Basic " + base64.b64encode(b"checker:checker").decode()}


def call(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = AUTH | ({"Content-Type": "text/calendar; charset=utf-8"} if body else {})
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def caldav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("radicale")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--rights-type",
            "owner_only",
            "--storage-filesystem-folder",
            str(folder / "collections"),
            "--logging-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                call("OPTIONS", base + "/")
                break
            except OSError:
                time.sleep(0.1)
        status, body = call("MKCALENDAR", base + "/checker/dialogue/")
        assert status == 201, body
        yield base + "/checker/dialogue/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def single_events(calendar: Calendar) -> Iterator[tuple[str, bytes]]:
    """One calendar object per event, each with the time zones it needs, as CalDAV wants."""
    timezones = list(calendar.walk("VTIMEZONE"))
    for event in calendar.walk("VEVENT"):
        single = Calendar()  # CalDAV stores events, not scheduling messages: no METHOD
        single.add("prodid", calendar["PRODID"])
        single.add("version", calendar["VERSION"])
        for component in (*timezones, event):
            single.add_component(component)
        yield str(event["UID"]), single.to_ical()


def store_and_read_back(caldav: str, dialogue: Dialogue) -> None:
    """PUT every event of the released agenda's feed and of its emailed invitations, GET it
    back, and compare the instants with those stored."""
    db.session.expire_all()
    agenda = released_agenda(db.session.get(Dialogue, dialogue.id))
    links = builders.Links("https://dialogue.example.org")
    expected = {item.uid: (item.starts_at, item.ends_at) for item in agenda.items}
    feed = builders.agenda_feed(agenda, links)
    kim = builders.Invitations(builders.Attendee("Kim", "kim@example.org"), "d@example.org", links)
    emailed = [Calendar.from_ical(kim.request(item)) for item in agenda.items]
    for calendar in (feed, *emailed):
        for uid, body in single_events(calendar):
            resource = f"{caldav}{uid.split('@')[0]}-{dialogue.slug}.ics"
            status, answer = call("PUT", resource, body)
            assert status in {201, 204}, answer.decode()
            status, stored = call("GET", resource)
            assert status == 200
            [event] = Calendar.from_ical(stored).walk("VEVENT")
            assert (event.decoded("DTSTART"), event.decoded("DTEND")) == expected[uid]


@pytest.mark.parametrize("zone", ["Europe/Brussels", "Australia/Sydney", "Pacific/Auckland"])
def test_radicale_stores_every_event_with_the_instants_entered(caldav, edge_dialogues, zone):
    store_and_read_back(caldav, edge_dialogues[zone])


@pytest.mark.parametrize("zone", ["Europe/Brussels", "Australia/Sydney"])
def test_radicale_stores_times_in_the_repeated_hour_as_entered(
    caldav, repeated_hour_dialogues, zone
):
    store_and_read_back(caldav, repeated_hour_dialogues[zone])
