"""Never overbooked: 120 experts register at once, from four client processes, at a 20-seat
dialogue served by four gunicorn workers (with the production gunicorn settings), on the
suite's database (SQLite or PostgreSQL)."""

import html
import http.cookiejar
import multiprocessing
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ip4dialogue import models as _models  # noqa: F401 (maps every table)
from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.database import Base
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, RegistrationMode
from ip4dialogue.registration.models import Registration, RegistrationStatus
from tests.helpers import free_port

# More load: IP4DIALOGUE_LOAD_PROCESSES=8 IP4DIALOGUE_LOAD_PER_PROCESS=50 pytest -k concurrent
SEATS = 20
CLIENT_PROCESSES = int(os.environ.get("IP4DIALOGUE_LOAD_PROCESSES", 4))
REGISTRATIONS_PER_PROCESS = int(os.environ.get("IP4DIALOGUE_LOAD_PER_PROCESS", 30))
WORKERS = int(os.environ.get("IP4DIALOGUE_LOAD_WORKERS", 4))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def register_one(base_url: str, email: str) -> int:
    """One expert's visit: load the form (session cookie and CSRF token), then submit it."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base_url}/dialogues/load/register", timeout=60) as response:
        token = html.unescape(CSRF.search(response.read().decode()).group(1))
    form = {
        "csrf_token": token,
        "name": email.split("@")[0],
        "email": email,
        "affiliation": "Institute",
        "country_code": "KR",
        "sector": "think_tank",
        "consent_data_processing": "y",
    }
    data = urllib.parse.urlencode(form).encode()
    try:
        with opener.open(f"{base_url}/dialogues/load/register", data=data, timeout=60) as response:
            return response.status if "/register/sent" in response.geturl() else 599
    except urllib.error.HTTPError as error:
        return error.code


def register_batch(base_url: str, emails: list[str]) -> list[int]:
    """A client process firing its registrations all at once, on threads."""
    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        return list(pool.map(lambda email: register_one(base_url, email), emails))


def prepare_load_dialogue(database_url: str, seats: int) -> None:
    """An empty schema and one open, published dialogue with `seats` seats, at /dialogues/load."""
    engine = create_engine(database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Country(code="KR", name="South Korea", group=CountryGroup.IP4))
        session.add(
            Dialogue(
                slug="load",
                title="Load",
                start_date=date(2027, 5, 11),
                end_date=date(2027, 5, 12),
                timezone="Asia/Seoul",
                capacity=seats,
                chatham_house=False,
                registration_mode=RegistrationMode.OPEN,
                status=DialogueStatus.PUBLISHED,
            )
        )
        session.commit()
    engine.dispose()


class Served(NamedTuple):
    url: str
    pid: int  # gunicorn's master process


@contextmanager
def gunicorn(database_url: str, workers: int, instance: Path) -> Iterator[Served]:
    """The app served by gunicorn with the production settings."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("IP4DIALOGUE_")}
    env |= {
        "IP4DIALOGUE_ENV": "development",
        "IP4DIALOGUE_DATABASE_URL": database_url,
        "IP4DIALOGUE_INSTANCE_PATH": str(instance),
        "IP4DIALOGUE_RATELIMIT_ENABLED": "false",  # every client shares one loopback address
        "IP4DIALOGUE_BIND": f"127.0.0.1:{port}",
        "IP4DIALOGUE_WORKERS": str(workers),
    }
    server = subprocess.Popen(
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
            "ip4dialogue:create_app()",
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


@pytest.fixture
def served(empty_database_url: str, tmp_path: Path) -> Iterator[str]:
    prepare_load_dialogue(empty_database_url, SEATS)
    with gunicorn(empty_database_url, WORKERS, tmp_path / "instance") as server:
        yield server.url


def test_concurrent_registrations_never_overbook_and_keep_the_waitlist_in_order(
    served, empty_database_url
):
    batches = [
        [f"expert{process}-{number}@example.org" for number in range(REGISTRATIONS_PER_PROCESS)]
        for process in range(CLIENT_PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCESSES) as pool:
        statuses = [
            status
            for batch in pool.starmap(register_batch, [(served, b) for b in batches])
            for status in batch
        ]

    assert statuses == [200] * CLIENT_PROCESSES * REGISTRATIONS_PER_PROCESS
    engine = create_engine(empty_database_url)
    with Session(engine) as session:
        registrations = session.scalars(select(Registration).order_by(Registration.id)).all()
    engine.dispose()
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waitlisted = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    assert len(registrations) == CLIENT_PROCESSES * REGISTRATIONS_PER_PROCESS
    assert len(confirmed) == SEATS
    assert [r.waitlist_position for r in waitlisted] == list(range(1, len(waitlisted) + 1))
    # First come, first served: every confirmed registration arrived before every waitlisted one.
    assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)
