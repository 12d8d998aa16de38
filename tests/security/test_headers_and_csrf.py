"""Security by default: headers, cookies, sessions, and CSRF on every state-changing route."""

import re

import pytest

from ip4dialogue import create_app
from ip4dialogue.extensions import db
from tests.conftest import ORGANISER_PASSWORD


@pytest.fixture
def csrf_app(database_url, tmp_path, monkeypatch):
    """The app as deployed: CSRF protection on."""
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path / "csrf"))
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    yield app
    with app.app_context():
        db.engine.dispose()


def csrf_token(client, path: str) -> str:
    return re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True)
    ).group(1)


@pytest.mark.parametrize("path", ["/", "/dialogues/seoul-2027", "/report", "/login", "/nowhere"])
def test_pages_carry_a_strict_policy_and_no_inline_code(client, seeded, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+\s*=", page)
    assert " style=" not in page


def test_private_pages_are_never_cached(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_session_cookies_are_http_only_lax_and_secure_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("IP4DIALOGUE_SECRET_KEY", "x" * 64)
    monkeypatch.delenv("IP4DIALOGUE_ENV", raising=False)  # production, the default
    config = create_app({"DATABASE_URL": "sqlite://"}).config
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_login_starts_a_new_session(csrf_app, organiser):
    client = csrf_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={"csrf_token": token, "email": organiser.email, "password": ORGANISER_PASSWORD},
    )
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(organiser.id)


def test_every_post_is_refused_without_a_valid_csrf_token(csrf_app, organiser, route_url):
    client = csrf_app.test_client()
    client.post(
        "/login",
        data={
            "csrf_token": csrf_token(client, "/login"),
            "email": organiser.email,
            "password": ORGANISER_PASSWORD,
        },
    )
    posts = [rule for rule in csrf_app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(posts) >= 20
    for rule in posts:
        url = route_url(csrf_app, rule)
        for token in (None, "forged-token"):
            response = client.post(url, data={"csrf_token": token} if token else {})
            assert response.status_code == 400, (url, token)
            assert "Form expired" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/dialogues/x/items/99999999999999999999.ics", 404),
        ("/organise/dialogues/99999999999999999999", 404),
        ("/dialogues/x%00y", 400),
        ("/dialogues/seoul-2027?tz=%00", 400),
    ],
)
def test_odd_urls_get_a_clear_4xx_or_login_never_a_500(client, seeded, url, status):
    assert client.get(url).status_code == status


def test_pages_for_organisers_are_never_cached(organiser_client, seeded):
    assert organiser_client.get("/dialogues/seoul-2027").headers["Cache-Control"] == "no-store"


def test_access_logs_never_hold_private_links():
    from ip4dialogue.gunicorn_conf import _SECRETS

    line = "GET /registrations/AbC-123_xyz/schedule.ics?download=1 HTTP/1.1"
    assert _SECRETS.sub(r"\1[private]", line) == (
        "GET /registrations/[private]/schedule.ics?download=1 HTTP/1.1"
    )
    invite = "GET /dialogues/seoul/register?code=s3cr3t&x=1 HTTP/1.1"
    assert "s3cr3t" not in _SECRETS.sub(r"\1[private]", invite)
