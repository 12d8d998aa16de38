"""One unit of work per request and per command: a failure anywhere in the middle of a change
that does several things leaves the database and the outbox exactly as they were; a request
that only reads commits nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from ip4dialogue import signals
from ip4dialogue.database import Base
from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Decision, Registration
from ip4dialogue.registration.services import decide, purge
from tests.helpers import committed, register, release


class Failure(RuntimeError):
    """What goes wrong half-way: a database error, a bug, a worker killed."""


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table, read afresh: the whole state a failure must not touch."""
    db.session.expire_all()
    return {
        table.name: sorted(map(tuple, db.session.execute(table.select())), key=repr)
        for table in Base.metadata.sorted_tables
    }


@contextmanager
def failing(signal, *, when=lambda *args, **kwargs: True) -> Iterator[None]:
    """Make the change fail at the moment `signal` is sent (and `when` holds)."""

    def fail(sender, **kwargs) -> None:
        if when(sender, **kwargs):
            raise Failure(f"{signal.name} failed")

    with signal.connected_to(fail):
        yield


def outbox_files(app) -> list[str]:
    return sorted(path.name for path in (Path(app.instance_path) / "outbox").glob("*.eml"))


@contextmanager
def nothing_changes(app) -> Iterator[None]:
    rows, mail = database_rows(), outbox_files(app)
    yield
    assert database_rows() == rows
    assert outbox_files(app) == mail


@pytest.fixture(autouse=True)
def korea(make):
    return make.country(code="KR", name="South Korea")


def person(email: str) -> Participant:
    return db.session.scalars(select(Participant).where(Participant.email == email)).one()


def registration_of(email: str) -> Registration:
    return db.session.scalars(
        select(Registration).join(Registration.participant).where(Participant.email == email)
    ).one()


def test_a_decline_that_fails_while_promoting_the_next_leaves_everything_as_it_was(app, make):
    dialogue = make.dialogue(title="Seoul", registration_mode=RegistrationMode.OPEN, capacity=1)
    for name in ("ana", "ben"):
        register(dialogue, f"{name}@example.org")
    ana = registration_of("ana@example.org")
    promoting = failing(
        signals.registrant_notified,
        when=lambda registration, message: message.subject.startswith("A place has opened up"),
    )

    with nothing_changes(app), promoting, pytest.raises(Failure):
        committed(decide, ana, Decision.DECLINE, None)


def test_a_purge_that_fails_half_way_erases_nobody(app, make):
    past = make.dialogue(start_date=date(2025, 3, 1), registration_mode=RegistrationMode.OPEN)
    for name in ("ana", "ben", "cho"):
        register(past, f"{name}@example.org")
    erased: list[Participant] = []
    second_erasure = failing(
        signals.person_erasing, when=lambda person: erased.append(person) or len(erased) == 2
    )

    with nothing_changes(app), second_erasure, pytest.raises(Failure):
        committed(purge, date(2026, 1, 1))

    assert len(erased) == 2  # it did fail in the middle
    assert person("ana@example.org").name == "Ana"


def test_a_purge_command_that_fails_reports_it_and_keeps_everything(app, make):
    past = make.dialogue(start_date=date(2025, 3, 1), registration_mode=RegistrationMode.OPEN)
    for name in ("ana", "ben"):
        register(past, f"{name}@example.org")
    erased: list[Participant] = []
    second_erasure = failing(
        signals.person_erasing, when=lambda person: erased.append(person) or len(erased) == 2
    )

    with nothing_changes(app), second_erasure:
        result = app.test_cli_runner().invoke(args=["purge", "--before", "2026-01-01"])

    assert isinstance(result.exception, Failure)


def test_a_move_that_fails_while_seating_the_line_leaves_everything_as_it_was(
    app, organiser_client, make
):
    dialogue = make.dialogue(title="Seoul", registration_mode=RegistrationMode.OPEN, capacity=10)
    small = make.room(dialogue, name="Small", capacity=1)
    large = make.room(dialogue, name="Large", capacity=5)
    breakout = make.item(dialogue, kind=ItemKind.BREAKOUT, signup_required=True, room=small)
    release(dialogue)
    for name in ("ana", "ben", "cho"):
        register(dialogue, f"{name}@example.org", breakout_ids=[breakout.id])
    seated: list[str] = []
    second_seat = failing(
        signals.registrant_notified,
        when=lambda registration, message: seated.append(message.to_address) or len(seated) == 2,
    )
    move = {"day": "2027-05-11", "start": "09:00", "room_id": str(large.id)}

    with nothing_changes(app), second_seat, pytest.raises(Failure):  # a 500, served
        organiser_client.post(
            f"/organise/dialogues/{dialogue.id}/items/{breakout.id}/move", data=move
        )

    assert seated == ["ben@example.org", "cho@example.org"]  # Ben's seat was given, then undone


def test_a_change_refused_half_way_shows_its_reason_and_leaves_nothing_behind(
    app, organiser_client, make
):
    """A new time zone moves every item to keep its wall-clock time; the second item's time
    does not exist in the new zone, after the first has moved and been logged."""
    dialogue = make.dialogue(timezone="Asia/Seoul", start_date=date(2027, 3, 27))
    make.item(dialogue, title="Opening", starts_at=datetime(2027, 3, 27, 0, tzinfo=UTC))
    late = datetime(2027, 3, 28, 2, 30, tzinfo=ZoneInfo("Asia/Seoul"))
    make.item(dialogue, title="Night owls", starts_at=late.astimezone(UTC))
    form = {
        "title": dialogue.title,
        "slug": dialogue.slug,
        "start_date": "2027-03-27",
        "end_date": "2027-03-28",
        "timezone": "Europe/Brussels",  # where 02:30 on 28 March is skipped
        "format": "in_person",
        "registration_mode": "invitation",
        "invitation_reminder_limit": "2",
    }

    with nothing_changes(app):
        response = organiser_client.post(f"/organise/dialogues/{dialogue.id}/edit", data=form)

    assert response.status_code == 200
    assert "does not exist on 28 March 2027" in response.get_data(as_text=True)


def test_a_request_that_only_reads_commits_nothing_and_one_that_writes_commits_once(client, make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.OPEN, chatham_house=False)
    commits: list[object] = []  # the unit of work's (delivering the mail takes its own)

    def committing(session) -> None:
        commits.append(session)

    event.listen(db.session, "after_commit", committing)
    try:
        assert client.get(f"/dialogues/{dialogue.slug}").status_code == 200
        assert client.get(f"/dialogues/{dialogue.slug}/register").status_code == 200
        assert commits == []
        form = {
            "name": "Dr Kim",
            "email": "kim@example.org",
            "affiliation": "KIDA",
            "country_code": "KR",
            "sector": "think_tank",
            "consent_data_processing": "y",
        }
        assert client.post(f"/dialogues/{dialogue.slug}/register", data=form).status_code == 302
        assert len(commits) == 1
    finally:
        event.remove(db.session, "after_commit", committing)
