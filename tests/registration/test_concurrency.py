"""Never overbooked: 120 experts register at once, from four client processes, at a 20-seat
dialogue with the sample's 13-item agenda, served by four gunicorn workers with the
production settings, on the suite's database (SQLite or PostgreSQL). And one new address
registering for two dialogues at the same moment is one person, with both registrations."""

import multiprocessing
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from benchmarks.load import SAMPLE, Mailbox, gunicorn, prepare_load_dialogue, register_batch
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ip4dialogue import create_app
from ip4dialogue import models as _models  # noqa: F401 (maps every table)
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, RegistrationMode
from ip4dialogue.dialogues.services import publish
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.unit_of_work import transaction

# More load: IP4DIALOGUE_LOAD_PROCESSES=8 IP4DIALOGUE_LOAD_PER_PROCESS=50 pytest -k concurrent
SEATS = 20
CLIENT_PROCESSES = int(os.environ.get("IP4DIALOGUE_LOAD_PROCESSES", 4))
REGISTRATIONS_PER_PROCESS = int(os.environ.get("IP4DIALOGUE_LOAD_PER_PROCESS", 30))
WORKERS = int(os.environ.get("IP4DIALOGUE_LOAD_WORKERS", 4))


@pytest.fixture
def served(empty_database_url: str, tmp_path: Path) -> Iterator[tuple[str, str, Mailbox]]:
    slug = prepare_load_dialogue(empty_database_url, SEATS, SAMPLE)
    with gunicorn(empty_database_url, WORKERS, tmp_path / "instance") as server:
        yield server.url, slug, Mailbox(empty_database_url, tmp_path / "instance")


def test_concurrent_registrations_never_overbook_and_keep_the_waitlist_in_order(
    served, empty_database_url
):
    url, slug, mailbox = served
    batches = [
        [f"expert{process}-{number}@example.org" for number in range(REGISTRATIONS_PER_PROCESS)]
        for process in range(CLIENT_PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCESSES) as pool:
        statuses = [
            status
            for batch in pool.starmap(register_batch, [(url, slug, b, mailbox) for b in batches])
            for status in batch
        ]

    assert statuses == [200] * CLIENT_PROCESSES * REGISTRATIONS_PER_PROCESS
    engine = create_engine(empty_database_url)
    with Session(engine) as session:
        registrations = session.scalars(select(Registration).order_by(Registration.id)).all()
    engine.dispose()
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waitlisted = sorted(
        (r for r in registrations if r.status == RegistrationStatus.WAITLISTED),
        key=lambda r: r.waitlist_position,
    )
    assert len(registrations) == CLIENT_PROCESSES * REGISTRATIONS_PER_PROCESS
    assert len(confirmed) == SEATS
    assert [r.waitlist_position for r in waitlisted] == list(range(1, len(waitlisted) + 1))
    # First come, first served, in the order of confirmation: every confirmed registration
    # joined before every waitlisted one, and the line is in the order of joining.
    assert max(r.joined_at for r in confirmed) <= min(r.joined_at for r in waitlisted)
    assert [r.joined_at for r in waitlisted] == sorted(r.joined_at for r in waitlisted)


def _open_second_dialogue(database_url: str) -> str:
    """A second open dialogue beside the load dialogue; returns its slug."""
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        with transaction():
            tokyo = Dialogue(
                slug="tokyo-2027",
                title="Tokyo",
                start_date=date(2027, 10, 12),
                end_date=date(2027, 10, 13),
                timezone="Asia/Tokyo",
                capacity=100,
                chatham_house=False,
                registration_mode=RegistrationMode.OPEN,
                status=DialogueStatus.DRAFT,
            )
            db.session.add(tokyo)
            db.session.flush()
            publish(tokyo, None, "", utcnow())
        db.engine.dispose()
    return "tokyo-2027"


def test_one_new_address_registering_for_two_dialogues_at_once_is_one_person(
    served, empty_database_url
):
    url, seoul, mailbox = served
    tokyo = _open_second_dialogue(empty_database_url)
    emails = [f"both{number}@example.org" for number in range(20)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        statuses = pool.starmap(
            register_batch, [(url, seoul, emails, mailbox), (url, tokyo, emails, mailbox)]
        )

    assert statuses == [[200] * len(emails)] * 2
    engine = create_engine(empty_database_url)
    with Session(engine) as session:
        people = session.scalar(
            select(func.count()).where(Participant.email.like("both%@example.org"))
        )
        per_person = session.execute(
            select(Registration.participant_id, func.count()).group_by(Registration.participant_id)
        ).all()
    engine.dispose()
    assert people == len(emails)
    assert sorted(count for _, count in per_person) == [2] * len(emails)
