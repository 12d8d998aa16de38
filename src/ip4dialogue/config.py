"""Settings: defaults, then the instance folder's `settings.py`, then IP4DIALOGUE_* variables.

Environment variables win so that a deployment can be configured without touching files.
Values are parsed by type here, once, so the rest of the app reads plain Python values.
"""

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click
import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ip4dialogue.resources import PROJECT_DIR, is_source_checkout

PREFIX = "IP4DIALOGUE_"
ENVIRONMENTS = ("development", "testing", "production")


class ConfigurationError(click.ClickException):
    """A setting the app cannot run with; a ClickException so the CLI prints one clear line."""


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


SETTINGS: dict[str, Callable[[str], Any]] = {
    "ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "BASE_URL": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": _boolean,
    "MAIL_SENDER": str,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_ENABLED": _boolean,
    "CACHE_URL": str,
    "PROXY_COUNT": int,
    "DATABASE_POOL_SIZE": int,
    "BROKER_URL": str,
    "BROKER_QUEUE": str,
    "MAIL_MAX_ATTEMPTS": int,
    "MAIL_RETRY_SECONDS": int,
    "OUTBOX_SWEEP_SECONDS": int,
    "OUTBOX_LEASE_SECONDS": int,
    "SCHEDULE_SECONDS": int,
    "ORGANISER_IDLE_MINUTES": int,
    "ORGANISER_SESSION_HOURS": int,
    "MAX_CONTENT_LENGTH": int,
}

DEFAULTS: dict[str, Any] = {
    "ENV": "production",
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,
    "MAIL_SENDER": "IP4 Dialogue <dialogue@localhost>",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "CACHE_URL": None,
    "PROXY_COUNT": 0,
    "DATABASE_POOL_SIZE": 5,
    "BROKER_URL": None,
    "BROKER_QUEUE": "ip4dialogue",
    # A temporary SMTP failure is tried again after 30 s, 1, 2, 4 ... minutes (at most an
    # hour apart), 10 attempts in all: about eight hours before a message is given up.
    "MAIL_MAX_ATTEMPTS": 10,
    "MAIL_RETRY_SECONDS": 30,
    "OUTBOX_SWEEP_SECONDS": 60,
    # A message "sending" for longer than this belongs to a worker that died: send it again.
    "OUTBOX_LEASE_SECONDS": 600,
    # How often beat runs the scheduled work (reminders, day-before schedules, digests).
    "SCHEDULE_SECONDS": 600,
    # An organiser's session ends after this long without a request, and this long after login.
    "ORGANISER_IDLE_MINUTES": 120,
    "ORGANISER_SESSION_HOURS": 12,
    # A request body larger than this (bytes) is refused with 413 before it is read: room for
    # the largest form, the invitation list with its CSV file of up to 2 MB. Multipart forms
    # are also held to 1,000 parts and 1 MB a field (a 200,000-character paste in Hangul).
    "MAX_CONTENT_LENGTH": 3 * 1024 * 1024,
    "MAX_FORM_PARTS": 1000,
    "MAX_FORM_MEMORY_SIZE": 1_000_000,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}


def default_instance_path() -> Path:
    """`instance/` beside a source checkout; the user's data folder for an installed wheel."""
    if configured := os.environ.get(f"{PREFIX}INSTANCE_PATH"):
        return Path(configured).expanduser().resolve()
    if is_source_checkout():
        return PROJECT_DIR / "instance"
    return Path(platformdirs.user_data_dir("ip4dialogue", appauthor=False))


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The IP4DIALOGUE_* variables that are set, parsed to their types."""
    settings: dict[str, Any] = {}
    for name, parse in SETTINGS.items():
        raw = environ.get(PREFIX + name)
        if raw is None:
            continue
        try:
            settings[name] = parse(raw)
        except ValueError as error:
            raise ConfigurationError(f"{PREFIX}{name}: {error}") from None
    return settings


LOCK_TIMEOUT = "-c lock_timeout=10000"  # added to any server options the URL gives


def engine_options(url: str, pool_size: int) -> dict[str, Any]:
    """Connections that survive a database restart (pre-ping), and on PostgreSQL a pool per
    worker small enough that workers x (pool_size + max_overflow) stays under the server's
    max_connections (4 workers x 10 = 40 of PostgreSQL's default 100)."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        server_options = " ".join(filter(None, [parsed.query.get("options"), LOCK_TIMEOUT]))
        options |= {
            "pool_size": pool_size,
            "max_overflow": pool_size,
            "pool_recycle": 1800,
            # Every wait ends well within a worker's 30 s, as a 503 to retry: for a pool
            # connection, for the server to answer, and for a row another holds locked.
            "pool_timeout": 10,
            "connect_args": {"connect_timeout": 5, "options": server_options},
        }
    return options


def cache_settings(cache_url: str | None) -> dict[str, Any]:
    """Redis, shared by every worker, when configured; else each worker's own memory. Either
    is safe: cached pages are keyed by the agenda's version, so none is ever served stale."""
    if cache_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": cache_url,
            "CACHE_KEY_PREFIX": "ip4dialogue:",
            "CACHE_DEFAULT_TIMEOUT": 86400,
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 200, "CACHE_DEFAULT_TIMEOUT": 86400}


def finalise(config: dict[str, Any], instance_path: Path) -> None:
    """Derive and check what depends on other settings, failing early with a clear reason."""
    environment = config["ENV"]
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(
            f"{PREFIX}ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}."
        )
    if not config["SECRET_KEY"]:
        if environment == "production":
            raise ConfigurationError(
                f"{PREFIX}SECRET_KEY is not set. Generate one with "
                "`python -c 'import secrets; print(secrets.token_hex(32))'` and export it as "
                f"{PREFIX}SECRET_KEY (or set {PREFIX}ENV=development on your own machine)."
            )
        config["SECRET_KEY"] = f"insecure-{environment}-key"
    config["TESTING"] = config.get("TESTING", False) or environment == "testing"
    config["SESSION_COOKIE_SECURE"] = environment == "production"
    url = config["DATABASE_URL"] or f"sqlite:///{instance_path / 'ip4dialogue.sqlite'}"
    try:
        make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            f"{PREFIX}DATABASE_URL is not a database URL: {url!r} "
            "(expected e.g. sqlite:///path/to/file.sqlite or postgresql+psycopg://user@host/db)."
        ) from None
    config["SQLALCHEMY_DATABASE_URI"] = url
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url, config["DATABASE_POOL_SIZE"])
    for key, value in cache_settings(config["CACHE_URL"]).items():
        config.setdefault(key, value)  # explicit CACHE_* settings win
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
