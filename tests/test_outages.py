"""Bad days for the database: a health check that tells the truth, 503s with a retry hint in
the site's layout (never a bare 500), and a connection lost before anything was written
that nobody notices."""

import sqlite3
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, literal, select, text
from sqlalchemy.engine import make_url

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.extensions import db, limiter
from ip4dialogue.health import Heartbeat
from ip4dialogue.jobs.models import Delivery
from ip4dialogue.registration.models import Registration
from tests.registration.test_views import FORM

REFUSING = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


@pytest.fixture
def other_app(worker) -> Callable[..., Flask]:
    """Another app on `url`, as another worker or a later deployment would build it, with
    errors as pages, as in production."""
    return lambda url: worker(url, PROPAGATE_EXCEPTIONS=False)


def read_only(url: str) -> str:
    """The same database, opened so that it answers reads and refuses every write."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    options = {"options": "-c default_transaction_read_only=on"}
    return parsed.update_query_dict(options).render_as_string(hide_password=False)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Skip to content" in response.text  # the layout, with its way on
    assert "Nothing you sent was saved" in response.text


def test_health_writes_its_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "late_mail": 0}
    first = db.session.scalar(select(Heartbeat.beat_at))
    assert client.get("/healthz").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Heartbeat.beat_at)) > first
    assert db.session.scalar(select(func.count()).select_from(Heartbeat)) == 1


def test_health_is_unavailable_when_the_database_takes_no_writes(app, database_url, other_app):
    response = other_app(read_only(database_url)).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json == {"status": "unavailable", "database": "unwritable"}


def test_health_is_unavailable_when_the_database_refuses_connections(other_app):
    response = other_app(REFUSING).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_health_says_degraded_while_mail_is_late(client, make):
    make.message(state=Delivery.QUEUED, created_at=utcnow().replace(year=2020))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200  # the site works: keep it in the balancer
    assert response.json == {"status": "degraded", "database": "ok", "late_mail": 1}


def test_a_database_refusing_connections_is_a_503_in_the_layout(other_app):
    assert_unavailable_page(other_app(REFUSING).test_client().get("/"))


def test_a_logged_in_organiser_meets_the_same_outage_and_health_stays_json(
    organiser_client, other_app
):
    cut_off = other_app(REFUSING).test_client()
    cut_off.set_cookie("session", organiser_client.get_cookie("session").value)
    assert_unavailable_page(cut_off.get("/organise/"))
    health = cut_off.get("/healthz")
    assert health.status_code == 503
    assert health.json == {"status": "unavailable", "database": "unreachable"}
    with cut_off.get("/static/css/site.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_a_mistake_in_the_sql_is_a_bug_not_an_outage(app, other_app, database_url):
    broken = other_app(database_url)

    @broken.get("/typo")
    def typo() -> str:
        db.session.execute(text("SELEC 1"))
        return "never"

    response = broken.test_client().get("/typo")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_a_form_sent_to_a_database_that_takes_no_writes_is_a_503(
    app, make, database_url, other_app
):
    make.country(code="KR", name="South Korea")
    make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)
    db.session.commit()
    client = other_app(read_only(database_url)).test_client()
    assert client.get("/dialogues/seoul/register").status_code == 200  # reads still work
    assert_unavailable_page(client.post("/dialogues/seoul/register", data=FORM))
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_a_write_refused_at_the_commit_is_a_503_too(app, database_url, other_app):
    """The commit runs after the view has built its page; an outage there is no bug either."""
    broken = other_app(read_only(database_url))

    @broken.post("/beat")
    def beat() -> str:
        db.session.add(Heartbeat(id=7, beat_at=utcnow()))  # flushed only by the commit
        return "beating"

    assert_unavailable_page(broken.test_client().post("/beat"))


def test_a_held_sqlite_lock_is_a_503_after_the_busy_timeout(app, database_url, other_app):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("the write lock of a whole database file is SQLite's")
    holder = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        response = other_app(database_url).test_client().get("/healthz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.json["database"] == "unwritable"


def test_a_row_locked_too_long_on_postgresql_is_a_503_before_the_worker_is_killed(
    app, client, postgresql
):
    client.get("/healthz")  # the heartbeat row exists
    holder = create_engine(postgresql)
    with holder.connect() as connection:
        connection.execute(text("SELECT * FROM heartbeats FOR UPDATE"))  # held, uncommitted
        response = client.get("/healthz")
        connection.rollback()
    holder.dispose()
    assert response.status_code == 503
    assert response.json["database"] == "unwritable"


def _cut_off(database_url: str) -> None:
    """The server ends the connection the request's session is using (a failover, a
    restart, an administrator's pg_terminate_backend)."""
    pid = db.session.scalar(select(func.pg_backend_pid()))
    killer = create_engine(database_url)
    with killer.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@pytest.fixture
def postgresql(database_url: str) -> str:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("cut connections and row locks, as PostgreSQL has them")
    return database_url


def test_a_connection_lost_before_anything_was_written_is_retried_unseen(app, client, postgresql):
    runs = []

    @app.get("/reads-twice")
    def reads_twice() -> str:
        runs.append(1)
        if len(runs) == 1:
            _cut_off(postgresql)
        return str(db.session.scalar(select(literal(41) + 1)))

    response = client.get("/reads-twice")
    assert response.status_code == 200
    assert response.text == "42"
    assert len(runs) == 2


def test_a_view_run_again_is_not_counted_again_by_its_rate_limit(app, client, postgresql):
    app.config["RATELIMIT_ENABLED"] = True
    runs = []

    @app.get("/once-a-minute")
    @limiter.limit("1 per minute")
    def once_a_minute() -> str:
        runs.append(1)
        if len(runs) == 1:
            _cut_off(postgresql)
        return str(db.session.scalar(select(literal(1))))

    assert client.get("/once-a-minute").status_code == 200
    assert len(runs) == 2
    assert client.get("/once-a-minute").status_code == 429  # the one visit was counted once


def test_a_connection_lost_after_a_write_is_a_503_and_keeps_nothing(app, other_app, postgresql):
    broken = other_app(postgresql)
    runs = []

    @broken.post("/writes")
    def writes() -> str:
        runs.append(1)
        db.session.add(Heartbeat(id=9, beat_at=utcnow()))
        db.session.flush()
        _cut_off(postgresql)
        db.session.scalar(text("SELECT 1"))
        return "written"

    assert_unavailable_page(broken.test_client().post("/writes"))
    assert runs == [1]  # not run again: it had written
    assert db.session.get(Heartbeat, 9) is None
