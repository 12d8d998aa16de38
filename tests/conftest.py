"""Fixtures: an app on a clean database per test (SQLite by default, PostgreSQL when
IP4DIALOGUE_TEST_DATABASE_URL is set), a client, factories and a query counter."""

import asyncio
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from werkzeug.security import generate_password_hash

from ip4dialogue import create_app
from ip4dialogue import models as _models  # noqa: F401 (maps every table)
from ip4dialogue.access import TeamRole
from ip4dialogue.config import PREFIX, SETTINGS
from ip4dialogue.database import Base, utcnow
from ip4dialogue.dialogues.models import ItemKind, RegistrationMode, Role
from ip4dialogue.extensions import db
from ip4dialogue.report.models import Recommendation
from ip4dialogue.tokens import new_secret
from ip4dialogue.unit_of_work import transaction
from tests.factories import Factories
from tests.helpers import QueryLog, count_queries, free_port, parse_email, register, release

TEST_DATABASE_URL = os.environ.get("IP4DIALOGUE_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The suite's database, its schema created once; each test empties it afterwards."""
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    engine = create_engine(url)
    drop_every_table(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def drop_every_table(engine: Engine) -> None:
    """Drop what the database holds, not only what the models know: a shared server may keep
    tables from another checkout whose foreign keys would block dropping ours."""
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)


def empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def app(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    for name in SETTINGS:
        monkeypatch.delenv(PREFIX + name, raising=False)
    monkeypatch.setenv(f"{PREFIX}INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables(db.engine)
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in an app context of its own, as a server does, so a request never
    sees the test's database session, `g`, or objects it cached."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def visitor(app: Flask) -> FlaskClient:
    """A second client, never logged in: what the public sees while an organiser works."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def make(app: Flask) -> Factories:
    return Factories(db.session)


@pytest.fixture
def queries(app: Flask) -> Callable[[], AbstractContextManager[QueryLog]]:
    """`with queries() as log:` counts the SQL statements the block runs."""
    return lambda: count_queries(db.engine)


ORGANISER_PASSWORD = "a long enough passphrase"
TESS_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the world's organiser with a second factor


@pytest.fixture
def organiser(app: Flask):
    """A site administrator, who may do everything, with a real password hash."""
    from ip4dialogue.accounts.services import create_organiser

    with transaction():
        return create_organiser("ana@example.org", "Ana Organiser", ORGANISER_PASSWORD, admin=True)


def logged_in(app: Flask, organiser: Any) -> FlaskClient:
    """A client of its own, logged in as `organiser` (whose password is ORGANISER_PASSWORD)."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = client.post(
        "/login", data={"email": organiser.email, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def organiser_client(client: FlaskClient, organiser) -> FlaskClient:
    """A client logged in as the organiser."""
    response = client.post(
        "/login", data={"email": organiser.email, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd) and what it received. It can be slowed
    (`delay` seconds a message), made to refuse addresses for good, stopped and started again
    on its port."""

    def __init__(self, port: int, data_size_limit: int = 33554432) -> None:
        self.port, self.data_size_limit = port, data_size_limit
        self.received: list[EmailMessage] = []
        self.delay = 0.0
        self.refused: set[str] = set()
        self.controller: Any = None

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received if address in message["To"]]

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_RCPT(self, smtp_server, session, envelope, address, options) -> str:  # noqa: N802
                if address in server.refused:
                    return "550 5.1.1 No such user here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp_server, session, envelope) -> str:  # noqa: N802
                await asyncio.sleep(server.delay)
                server.received.append(parse_email(envelope.original_content))
                return "250 OK"

        self.controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, data_size_limit=self.data_size_limit
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app: Flask) -> Iterator[SMTPServer]:
    server = SMTPServer(port=free_port())
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def route_url(make: Factories) -> Callable[[Flask, Any], str]:
    """A concrete URL for any route of the app, with real objects behind its ids: for tests
    that walk the whole url_map."""
    dialogue = make.dialogue(slug="routes")
    values = {
        "dialogue_id": dialogue.id,
        "room_id": make.room(dialogue).id,
        "item_id": make.item(dialogue).id,
        "participant_id": make.participant().id,
        "registration_id": make.registration(dialogue=dialogue).id,
        "invitation_id": make.invitation(dialogue=dialogue).id,
        "message_id": make.message(dialogue=dialogue).id,
        "question_id": make.question(dialogue).id,
        "member_id": make.member(dialogue, make.organiser(), TeamRole.EDITOR).id,
        "team_invitation_id": make.team_invitation(dialogue).id,
        "organiser_id": make.organiser().id,
        "recommendation_id": make.recommendation(number=1).id,
        "outcome_id": make.outcome(make.item(dialogue), make.recommendation()).id,
        "number": 1,
        "report": "a-report",
        "institution_id": make.institution().id,
        "decision": "approve",
        "direction": "down",
        "action": "revoke",
        "slug": "routes",
        "token": "x" * 43,
    }

    def build(app: Flask, rule: Any) -> str:
        urls = app.url_map.bind("localhost")
        return urls.build(rule.endpoint, {name: values[name] for name in rule.arguments})

    return build


@pytest.fixture
def worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    """More apps on the same database, as other gunicorn workers would build them; their
    connection pools are closed afterwards."""
    apps: list[Flask] = []

    def build(database_url: str, **config: Any) -> Flask:
        monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path / "worker"))
        app = create_app(
            {"ENV": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False, **config}
        )
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def world(app: Flask, make: Factories, seeded: None) -> dict[str, Any]:
    """A published open dialogue with rooms, a break-out with a speaker, a registrant, one
    address waiting for confirmation, an invitation and a message: real objects for every id
    and token in the url_map."""
    dialogue = make.dialogue(slug="fuzz", registration_mode=RegistrationMode.OPEN, capacity=5)
    room = make.room(dialogue)
    recommendation = db.session.scalars(select(Recommendation).order_by(Recommendation.id)).first()
    item = make.item(
        dialogue,
        room=room,
        kind=ItemKind.BREAKOUT,
        signup_required=True,
        recommendations=[recommendation],
    )
    speaker = make.participant(name="A speaker")
    make.role(item, speaker, Role.SPEAKER)
    db.session.commit()
    release(dialogue)
    registered = register(dialogue, "expert@example.org")
    waiting = register(dialogue, "waiting@example.org", confirm=False)
    consent, consent_hash = new_secret()
    speaker.ask_consent(consent_hash, utcnow())
    code, code_hash = new_secret()
    make.invitation(dialogue=dialogue, code_hash=code_hash)
    owner = make.organiser(name="Olu Owner")
    team_token, team_token_hash = new_secret()
    password_token, password_token_hash = new_secret()
    make.password_link(owner, token_hash=password_token_hash)
    make.organiser(
        email="tess@example.org",
        name="Tess Two-Factor",
        password_hash=generate_password_hash(ORGANISER_PASSWORD),
        totp_secret=TESS_SECRET,
        two_factor_since=utcnow(),
    )
    values = {
        "dialogue_id": dialogue.id,
        "room_id": room.id,
        "item_id": item.id,
        "participant_id": speaker.id,
        "registration_id": make.registration(dialogue=dialogue).id,
        "invitation_id": make.invitation(dialogue=dialogue).id,
        "message_id": make.message(dialogue=dialogue).id,
        "question_id": make.question(dialogue, label="Your role at the dialogue").id,
        "member_id": make.member(dialogue, owner, TeamRole.OWNER).id,
        "recommendation_id": recommendation.id,
        "outcome_id": make.outcome(item, recommendation).id,
        "number": recommendation.number,
        "report": recommendation.report.slug,
        "team_invitation_id": make.team_invitation(dialogue, token_hash=team_token_hash).id,
        "team_token": team_token,
        "password_token": password_token,
        "organiser_id": owner.id,
        "institution_id": make.institution().id,
        "slug": "fuzz",
        "token": registered.token,
        "confirmation": waiting.confirmation,
        "consent": consent,
        "code": code,
        "decision": "approve",
        "direction": "down",
    }
    db.session.commit()
    return values


@pytest.fixture
def seeded(app: Flask) -> None:
    """The real seed data: report, countries and the sample dialogue."""
    from ip4dialogue.resources import resource_dir
    from ip4dialogue.seeding import load_seed

    with transaction():
        load_seed(resource_dir("seed"))


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, on the suite's backend, dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server = make_url(TEST_DATABASE_URL)
    name = f"ip4dialogue_empty_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
