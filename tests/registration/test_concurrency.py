"""Never overbooked: 120 experts register at once, from four client processes, at a 20-seat
dialogue with the sample's 13-item agenda, served by four gunicorn workers with the
production settings, on the suite's database (SQLite or PostgreSQL)."""

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.load import SAMPLE, gunicorn, prepare_load_dialogue, register_batch
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ip4dialogue import models as _models  # noqa: F401 (maps every table)
from ip4dialogue.registration.models import Registration, RegistrationStatus

# More load: IP4DIALOGUE_LOAD_PROCESSES=8 IP4DIALOGUE_LOAD_PER_PROCESS=50 pytest -k concurrent
SEATS = 20
CLIENT_PROCESSES = int(os.environ.get("IP4DIALOGUE_LOAD_PROCESSES", 4))
REGISTRATIONS_PER_PROCESS = int(os.environ.get("IP4DIALOGUE_LOAD_PER_PROCESS", 30))
WORKERS = int(os.environ.get("IP4DIALOGUE_LOAD_WORKERS", 4))


@pytest.fixture
def served(empty_database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    slug = prepare_load_dialogue(empty_database_url, SEATS, SAMPLE)
    with gunicorn(empty_database_url, WORKERS, tmp_path / "instance") as server:
        yield server.url, slug


def test_concurrent_registrations_never_overbook_and_keep_the_waitlist_in_order(
    served, empty_database_url
):
    url, slug = served
    batches = [
        [f"expert{process}-{number}@example.org" for number in range(REGISTRATIONS_PER_PROCESS)]
        for process in range(CLIENT_PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCESSES) as pool:
        statuses = [
            status
            for batch in pool.starmap(register_batch, [(url, slug, b) for b in batches])
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
