"""Organisers' sessions end for good: logout ends every copy of the cookie, and a session
ends after its idle time and its lifetime."""

import time

import pytest
from flask import g

from ip4dialogue.accounts.services import SessionStamp, session_problem
from tests.conftest import ORGANISER_PASSWORD


def get(client, path: str):
    """A request as in production, where each has its own app context: the suite's shared
    context would otherwise keep the user Flask-Login loaded before."""
    g.pop("_login_user", None)
    return client.get(path)


def log_in(client, organiser) -> None:
    response = client.post(
        "/login", data={"email": organiser.email, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302


def test_logout_ends_every_copy_of_the_session(app, organiser):
    browser = app.test_client()
    log_in(browser, organiser)
    stolen = app.test_client()
    stolen.set_cookie("session", browser.get_cookie("session").value)
    assert get(stolen, "/organise/").status_code == 200

    browser.post("/logout")

    for client in (browser, stolen):
        response = get(client, "/organise/")
        assert response.status_code == 302
        assert response.location.startswith("/login")
    log_in(browser, organiser)  # a new login works as before
    assert get(browser, "/organise/").status_code == 200
    assert get(stolen, "/organise/").status_code == 302


def test_an_idle_session_ends(app, organiser):
    client = app.test_client()
    app.config["ORGANISER_IDLE_MINUTES"] = 0
    log_in(client, organiser)
    time.sleep(0.01)
    assert get(client, "/organise/").status_code == 302


@pytest.mark.parametrize(
    ("stamp", "problem"),
    [
        (SessionStamp(3, 1000.0, 1000.0), None),
        (SessionStamp(2, 1000.0, 1000.0), "ended"),
        (SessionStamp(None, 1000.0, 1000.0), "ended"),
        (SessionStamp(3, 1000.0, 1000.0 - 7201), "idle"),
        (SessionStamp(3, 1000.0 - 43201, 1000.0), "lifetime"),
    ],
)
def test_why_a_session_no_longer_holds(make, stamp, problem):
    organiser = make.organiser(session_version=3)
    assert session_problem(organiser, stamp, 1000.0, 7200, 43200) == problem
    assert session_problem(None, stamp, 1000.0, 7200, 43200) == "account"


def test_a_session_cookie_is_written_again_only_when_its_use_is_news():
    stamp = SessionStamp(3, 1000.0, 1000.0)
    assert stamp.touched(1030.0) is None
    assert stamp.touched(1060.0) == SessionStamp(3, 1000.0, 1060.0)
