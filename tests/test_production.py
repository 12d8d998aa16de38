"""What several workers behind a proxy need: shared rate limits, a shared cache, recovery
from a lost database connection, SQLite tuned for concurrency, and proxy headers."""

import os
import secrets

import pytest
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine, text

from ip4dialogue import gunicorn_conf
from ip4dialogue.database import SQLITE_BUSY_TIMEOUT_MS
from ip4dialogue.extensions import db

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own on the Redis at 127.0.0.1:6379. Without a Redis the
    test skips, saying why, unless IP4DIALOGUE_REQUIRE_REDIS=1 (as in CI) makes that a failure."""
    try:
        Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except RedisError as error:
        reason = f"no Redis at {REDIS} ({error})"
        if os.environ.get("IP4DIALOGUE_REQUIRE_REDIS") == "1":
            pytest.fail(f"IP4DIALOGUE_REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    prefix = f"ip4test-{secrets.token_hex(4)}"
    yield prefix
    client = Redis.from_url(REDIS)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_rate_limits_are_shared_by_all_workers_through_redis(
    database_url, organiser, worker, redis_prefix
):
    settings = {"RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": redis_prefix}
    first = worker(database_url, **settings).test_client()
    second = worker(database_url, **settings).test_client()
    wrong = {"email": "ana@example.org", "password": "not the password at all"}
    for attempt in range(10):
        client = first if attempt % 2 else second
        assert client.post("/login", data=wrong).status_code == 200
    assert first.post("/login", data=wrong).status_code == 429
    assert second.post("/login", data=wrong).status_code == 429


def test_the_cache_can_live_in_redis(database_url, make, worker, redis_prefix):
    make.dialogue(slug="shared")
    app = worker(database_url, CACHE_URL=REDIS, CACHE_KEY_PREFIX=redis_prefix)
    assert app.test_client().get("/dialogues/shared/agenda.ics").status_code == 200
    assert any(Redis.from_url(REDIS).scan_iter(f"{redis_prefix}ics:*"))


def test_a_lost_database_connection_recovers_on_the_next_request(app, client):
    assert client.get("/healthz").status_code == 200
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:  # the server drops every other connection
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    else:
        db.engine.pool.dispose()
    assert client.get("/healthz").status_code == 200


def test_health_says_503_while_the_database_is_down_and_200_when_it_is_back(tmp_path, worker):
    database = tmp_path / "moved" / "db.sqlite"
    app = worker(f"sqlite:///{database}")
    assert app.test_client().get("/healthz").status_code == 503  # its folder does not exist
    database.parent.mkdir()
    with app.app_context():
        db.create_all()
    assert app.test_client().get("/healthz").status_code == 200


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'tuned.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_a_request_waiting_for_the_sqlite_lock_gives_up_well_before_its_worker_is_killed():
    assert gunicorn_conf.timeout >= SQLITE_BUSY_TIMEOUT_MS / 1000 * 3


def test_postgresql_pools_ping_are_sized_for_several_workers_and_wait_less_than_a_worker(
    worker,
):
    app = worker("postgresql+psycopg://nobody@127.0.0.1:1/none", DATABASE_POOL_SIZE=4)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert (options["pool_size"], options["max_overflow"], options["pool_recycle"]) == (4, 4, 1800)
    waits = [
        options["pool_timeout"],
        options["connect_args"]["connect_timeout"],
        int(options["connect_args"]["options"].removeprefix("-c lock_timeout=")) / 1000,
    ]
    assert all(wait * 2 <= gunicorn_conf.timeout for wait in waits)


def test_server_options_in_the_database_url_are_kept_beside_the_lock_timeout(worker):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?options=-c%20search_path%3Dip4"
    options = worker(url).config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    assert options == "-c search_path=ip4 -c lock_timeout=10000"


def test_behind_a_proxy_the_forwarded_scheme_and_address_are_trusted(database_url, worker):
    app = worker(database_url, PROXY_COUNT=1)

    @app.get("/whoami")
    def whoami() -> str:
        from flask import request

        return f"{request.scheme} {request.remote_addr}"

    answer = app.test_client().get(
        "/whoami", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert answer.get_data(as_text=True) == "https 203.0.113.9"
