"""An injection corpus pushed through the forms and query parameters: never a 500, and what is
stored comes out escaped in HTML, calendar files, CSV and email headers."""

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from icalendar import Calendar

from ip4dialogue.dialogues.models import RegistrationMode
from tests.helpers import outbox, release

CORPUS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "Robert'); DROP TABLE participants;--",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "Line one\r\nBcc: spy@evil.example\r\nX-Injected: yes",
    "BEGIN:VEVENT\nUID:evil\nEND:VEVENT",
    "\u202egnp.exe\u200b\u200d\ufeff",  # bidirectional override and zero-width characters
    "nul\x00byte",
    "x" * 5000,
    "正体不明の専門家 🛰️",
]


@pytest.fixture
def open_dialogue(make):
    make.country(code="KR", name="South Korea")
    return make.dialogue(
        slug="open",
        title="Open Dialogue",
        registration_mode=RegistrationMode.OPEN,
        chatham_house=False,
    )


def form(payload: str, email: str) -> dict[str, str]:
    return {
        "name": payload,
        "email": email,
        "affiliation": payload,
        "position": payload,
        "country_code": "KR",
        "sector": "think_tank",
        "access_needs": payload,
        "dietary_needs": payload,
        "consent_data_processing": "y",
        "consent_to_be_listed": "y",
    }


@pytest.mark.parametrize("number", range(len(CORPUS)))
def test_registration_fields_never_break_anything(
    app, client, organiser_client, open_dialogue, number, make
):
    payload = CORPUS[number]
    email = f"payload{number}@example.org"
    response = client.post("/dialogues/open/register", data=form(payload, email))
    assert response.status_code in {200, 302}, response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    if response.status_code == 302:  # stored: check every place it comes out
        make.item(open_dialogue, title=payload, description=payload)
        release(open_dialogue, payload)  # and the update each participant is sent
        for message in outbox(app):
            assert message["Bcc"] is None
            assert message["X-Injected"] is None
            html = message.get_body(("html",)).get_content()
            assert "<script>alert" not in html
            assert "<img src=x" not in html
        feed = client.get("/dialogues/open/agenda.ics").data
        [event] = Calendar.from_ical(feed).walk("VEVENT")
        assert str(event["UID"]) != "evil"
        assert b"\r\nUID:evil" not in feed
        assert b"\x00" not in feed
        changelog = client.get("/dialogues/open/changes").get_data(as_text=True)
        assert "<script>alert" not in changelog
        atom = ElementTree.fromstring(client.get("/dialogues/open/changes.atom").data)  # noqa: S314
        assert atom.find("{http://www.w3.org/2005/Atom}entry") is not None
        listing = organiser_client.get(f"/organise/dialogues/{open_dialogue.id}/registrations")
        assert listing.status_code == 200
        assert "<script>alert" not in listing.get_data(as_text=True)
        export = organiser_client.get(f"/organise/dialogues/{open_dialogue.id}/registrations.csv")
        for row in csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


@pytest.mark.parametrize("payload", [*CORPUS, "%ff%fe", "../../etc/passwd"])
def test_query_parameters_never_break_anything(client, open_dialogue, payload):
    for url in ("/dialogues/open", "/organise/dialogues/1/registrations", "/registrations/x"):
        response = client.get(url, query_string={"tz": payload, "q": payload, "page": payload})
        assert response.status_code < 500
        assert "<script>alert" not in response.get_data(as_text=True)


def test_invalid_utf8_in_urls_and_forms_is_a_clear_4xx_at_worst(client, open_dialogue):
    assert client.get("/dialogues/%ff%fe").status_code == 404
    response = client.post(
        "/dialogues/open/register",
        data=b"name=%ff%fe&email=%c3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


def test_very_long_input_is_refused_with_a_message(client, open_dialogue):
    response = client.post("/dialogues/open/register", data=form("x" * 5000, "long@example.org"))
    assert response.status_code == 200
    assert re.search(r"Field cannot be longer than \d+ characters", response.get_data(as_text=True))


@pytest.mark.parametrize("number", range(len(CORPUS)))
def test_organiser_forms_take_any_text_safely(organiser_client, make, number):
    payload = CORPUS[number]
    dialogue = make.dialogue(slug="org", title="Org Dialogue")
    base = f"/organise/dialogues/{dialogue.id}"
    posts = [
        (
            f"{base}/edit",
            {
                "title": payload,
                "slug": "org",
                "summary": payload,
                "venue": payload,
                "city": payload,
                "convener_ids": payload,
                "start_date": "2027-05-11",
                "end_date": "2027-05-12",
                "timezone": payload,
                "format": payload,
                "registration_mode": payload,
                "capacity": payload,
            },
        ),
        (f"{base}/rooms", {"name": payload, "capacity": payload, "join_url": payload}),
        (
            f"{base}/items/new",
            {
                "kind": "panel",
                "title": payload,
                "description": payload,
                "day": "2027-05-11",
                "start": "09:00",
                "end": "10:00",
                "room_id": "0",
                "status": "confirmed",
                "roles-0-new_name": payload,
                "roles-0-new_email": payload,
            },
        ),
        (f"{base}/invitations", {"email": payload, "name": payload, "affiliation": payload}),
        (f"{base}/invitations/list", {"pasted": f"{payload},{payload},{payload}"}),
    ]
    for url, data in posts:
        response = organiser_client.post(url, data=data, follow_redirects=True)
        assert response.status_code < 500, url
        page = response.get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
    for page_url in (base, f"{base}/agenda", f"{base}/coverage", "/organise/audit/", "/report"):
        response = organiser_client.get(page_url)
        assert response.status_code == 200, page_url
        assert "<script>alert" not in response.get_data(as_text=True)


def test_control_characters_are_refused_with_a_reason_and_nothing_is_stored(client, open_dialogue):
    response = client.post("/dialogues/open/register", data=form("Dr\x00Kim", "nul@example.org"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove the invisible control characters from this text." in page
    assert 'id="name-error"' in page
    assert "Check your email" not in page
