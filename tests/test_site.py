"""Site-wide behaviour: the health check, error pages, static files."""

import pytest

from ip4dialogue import create_app
from ip4dialogue.errors import wait_in_words


def test_health_is_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "late_mail": 0}


def test_health_is_unavailable_when_the_database_is_down(monkeypatch, tmp_path):
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {"ENV": "testing", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_pages_use_the_site_layout(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Skip to content" in page
    assert "Go to the list of dialogues" in page


def test_wrong_method_is_a_clear_405(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "does not accept that kind of request" in response.get_data(as_text=True)


def test_server_errors_show_the_layout_and_no_details(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page


def test_the_stylesheet_is_served_locally(client):
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.split("<body")[0].replace("http://127.0.0.1", "")
    assert "https://" not in page.split("<body")[0]


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "a minute"), (600, "10 minutes"), (3601, "60 minutes"), (7200, "2 hours")],
)
def test_a_wait_is_said_as_a_person_would(seconds, words):
    assert wait_in_words(seconds) == words
