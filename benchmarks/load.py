"""The load harness: dialogues to register for, gunicorn serving an app with the production
settings, and client processes that register experts as a browser would (GET the form, POST
it, follow the redirect). The concurrency tests and `make bench` both use it.
"""

import html
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import create_engine, text, update
from sqlalchemy.pool import NullPool

from ip4dialogue import create_app
from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.database import Base, utcnow
from ip4dialogue.dialogues.models import (
    AgendaItem,
    AgendaRole,
    Dialogue,
    DialogueStatus,
    ItemKind,
    RegistrationMode,
    Role,
    Room,
)
from ip4dialogue.dialogues.services import publish
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation, Report, Theme
from ip4dialogue.resources import resource_dir
from ip4dialogue.seeding import load_seed
from ip4dialogue.unit_of_work import transaction

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SAMPLE = "sample"  # the seed's sample dialogue, Seoul 2027, with its 13 items


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Dialogues to register for


def synthetic_agenda(dialogue: Dialogue, size: int, hours: int = 30) -> None:
    """`size` sessions over `hours` from the first morning (the dialogue's two days by
    default) in eight rooms, each with a speaker, two themes and a recommendation, one in
    twenty a break-out taking sign-ups: the shape of a real agenda, at any length."""
    report = Report(
        slug="bench",
        title="Report",
        author="A",
        publishers="P",
        year=2024,
        url="https://x",
        summary="S",
    )
    themes = [
        Theme(report=report, slug=f"t{n}", title=f"Theme {n}", summary="About.", position=n)
        for n in range(6)
    ]
    recommendations = [
        Recommendation(report=report, number=n, short_title=f"R{n}", text=f"Recommendation {n}.")
        for n in range(1, 6)
    ]
    rooms = [Room(name=f"Room {n}", capacity=50, position=n) for n in range(8)]
    dialogue.rooms = rooms
    speaker = Participant(name="Dr Speaker", email="speaker@example.org", consent_to_be_listed=True)
    start = datetime(2027, 5, 11, 0, 0, tzinfo=UTC)
    for number in range(size):
        begins = start + timedelta(minutes=(number * 37) % (hours * 60))
        breakout = number % 20 == 19
        dialogue.items.append(
            AgendaItem(
                kind=ItemKind.BREAKOUT if breakout else ItemKind.PANEL,
                signup_required=breakout,
                title=f"Session {number}: on deterrence",
                description="A discussion of the report's themes.\nSecond line.",
                starts_at=begins,
                ends_at=begins + timedelta(minutes=60),
                room=rooms[number % 8],
                themes=themes[number % 6 : number % 6 + 2],
                recommendations=recommendations[number % 5 : number % 5 + 1],
                roles=[AgendaRole(participant=speaker, role=Role.SPEAKER)],
            )
        )
    db.session.add(report)


def prepare_load_dialogue(database_url: str, seats: int, agenda: int | str = 0) -> str:
    """An empty schema with one open, published dialogue of `seats` seats; its agenda is the
    seed's sample (SAMPLE) or a synthetic one of that many items. Returns its slug."""
    engine = create_engine(database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        slug = _add_load_dialogue(seats, agenda)
        db.engine.dispose()
    return slug


def _add_load_dialogue(seats: int, agenda: int | str) -> str:
    with transaction():
        if agenda == SAMPLE:
            load_seed(resource_dir("seed"))
            slug = "seoul-2027"
            db.session.execute(
                update(Dialogue)
                .where(Dialogue.slug == slug)
                .values(capacity=seats, registration_mode=RegistrationMode.OPEN)
            )
        else:
            slug = "load"
            db.session.add(Country(code="KR", name="South Korea", group=CountryGroup.IP4))
            dialogue = Dialogue(
                slug=slug,
                title="Load",
                start_date=date(2027, 5, 11),
                end_date=date(2027, 5, 12),
                timezone="Asia/Seoul",
                capacity=seats,
                chatham_house=False,
                registration_mode=RegistrationMode.OPEN,
                status=DialogueStatus.DRAFT,
            )
            db.session.add(dialogue)
            synthetic_agenda(dialogue, int(agenda))
            db.session.flush()
            publish(dialogue, None, "", utcnow())
    return slug


# Serving


class Served(NamedTuple):
    url: str
    pid: int  # gunicorn's master process


@contextmanager
def gunicorn(
    database_url: str,
    workers: int,
    instance: Path,
    app: str = "ip4dialogue:create_app()",
    settings: Mapping[str, str] | None = None,
) -> Iterator[Served]:
    """`app` served by gunicorn with the production settings (ip4dialogue.gunicorn_conf), and
    any IP4DIALOGUE_ `settings` more."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("IP4DIALOGUE_")}
    env |= {
        "IP4DIALOGUE_ENV": "development",
        "IP4DIALOGUE_DATABASE_URL": database_url,
        "IP4DIALOGUE_INSTANCE_PATH": str(instance),
        "IP4DIALOGUE_RATELIMIT_ENABLED": "false",  # every client shares one loopback address
        "IP4DIALOGUE_BIND": f"127.0.0.1:{port}",
        "IP4DIALOGUE_WORKERS": str(workers),
        "PYTHONPATH": str(ROOT),
    }
    env |= {f"IP4DIALOGUE_{name}": value for name, value in (settings or {}).items()}
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:ip4dialogue.gunicorn_conf",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
            app,
        ],
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield Served(base_url, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


# Clients


CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/registrations/confirm/[\w-]+)")


class Mailbox(NamedTuple):
    """Where a load client reads its mail: the outbox table, where messages wait for a
    broker's worker, else the .eml files the app wrote to the instance folder itself."""

    database_url: str
    instance: Path

    def confirmation_link(self, email: str, slug: str) -> str:
        """The path of the confirmation link in the message to `email` about `slug`."""
        for body in (*self._waiting(email), *self._written(email)):
            if f"/dialogues/{slug}" in body and (found := CONFIRM_LINK.search(body)):
                return found.group(1)
        raise LookupError(f"no confirmation link for {email} at {slug}")

    def _waiting(self, email: str) -> list[str]:
        engine = create_engine(self.database_url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return list(
                    connection.execute(
                        text("SELECT text FROM outgoing_messages WHERE to_address = :to"),
                        {"to": email},
                    ).scalars()
                )
        finally:
            engine.dispose()

    def _written(self, email: str) -> Iterator[str]:
        for path in sorted((self.instance / "outbox").glob("*.eml"), reverse=True):
            message = BytesParser(policy=default).parsebytes(path.read_bytes())
            if message["To"] and email in message["To"]:
                yield message.get_body(("plain",)).get_content()


def register_one(base_url: str, slug: str, email: str, mailbox: Mailbox) -> int:
    """One expert's visit: load the form (session cookie and CSRF token), submit it, land on
    the page that says an email is on its way, then open the link in that email and
    confirm. Returns the final status (599:
    elsewhere)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form_url = f"{base_url}/dialogues/{slug}/register"
    form = {
        "name": email.split("@")[0],
        "email": email,
        "affiliation": "Institute",
        "country_code": "KR",
        "sector": "think_tank",
        "consent_data_processing": "y",
        "consent_chatham_house": "y",
    }
    try:
        if "/register/sent" not in _submit(opener, form_url, form).geturl():
            return 599
        confirm_url = base_url + mailbox.confirmation_link(email, slug)
        return _submit(opener, confirm_url, {}).status
    except urllib.error.HTTPError as error:
        return error.code


def _submit(opener: urllib.request.OpenerDirector, url: str, form: dict[str, str]):
    """GET a form page, then POST `form` to it with the page's CSRF token."""
    with opener.open(url, timeout=60) as response:
        token = html.unescape(CSRF.search(response.read().decode()).group(1))
    data = urllib.parse.urlencode(form | {"csrf_token": token}).encode()
    with opener.open(url, data=data, timeout=60) as response:
        response.read()
        return response


def register_batch(base_url: str, slug: str, emails: list[str], mailbox: Mailbox) -> list[int]:
    """A client process firing its registrations all at once, on threads."""
    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        return list(pool.map(lambda email: register_one(base_url, slug, email, mailbox), emails))
