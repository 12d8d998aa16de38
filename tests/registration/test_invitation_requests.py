"""An invitation-only dialogue says so where the Register button would be, and lets someone
not invited ask the organisers, whose answer goes straight back to them."""

import pytest

from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.extensions import db
from tests.helpers import outbox, release, text_body, visible_text

ASK = {
    "name": "Dr Aroha Ngata",
    "email": "Aroha@Example.org",
    "affiliation": "Centre for Strategic Studies",
    "message": "I work on Pacific maritime security.",
}


@pytest.fixture
def dialogue(make):
    dialogue = make.dialogue(
        slug="closed",
        title="Closed Dialogue",
        registration_mode=RegistrationMode.INVITATION,
        contact_email="desk@ussc.example",
    )
    db.session.commit()
    release(dialogue)
    return dialogue


def test_the_programme_says_it_is_by_invitation_and_how_to_ask(client, dialogue):
    page = client.get("/dialogues/closed").text
    assert "Participation is by invitation" in visible_text(page)
    assert ">Register</a>" not in page
    assert 'href="/dialogues/closed/register">Ask the organisers for an invitation</a>' in page


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "Participation in this dialogue is by invitation."),
        ("?code=not-a-code", "This invitation code is not valid for this dialogue."),
    ],
)
def test_without_a_valid_code_the_desk_offers_a_request(client, dialogue, query, reason):
    page = visible_text(client.get(f"/dialogues/closed/register{query}").text)
    assert reason in page
    assert "Ask for an invitation" in page
    assert "Send my request" in page


def test_a_request_reaches_the_organisers_and_their_reply_reaches_the_asker(app, client, dialogue):
    response = client.post("/dialogues/closed/register/ask", data=ASK)
    assert response.status_code == 302
    assert response.location == "/dialogues/closed"
    assert "Your request has gone to the organisers" in client.get(response.location).text
    (sent,) = outbox(app)
    assert sent["To"] == "desk@ussc.example"
    assert sent["Reply-To"] == "aroha@example.org"
    assert sent["Subject"] == "A request for an invitation to Closed Dialogue"
    body = text_body(sent)
    assert "Dr Aroha Ngata (Centre for Strategic Studies, aroha@example.org)" in body
    assert "I work on Pacific maritime security." in body
    assert f"/organise/dialogues/{dialogue.id}/invitations" in body


def test_a_bad_request_is_explained_keeps_what_was_typed_and_sends_nothing(app, client, dialogue):
    response = client.post("/dialogues/closed/register/ask", data=ASK | {"email": "not an address"})
    assert response.status_code == 200
    assert 'id="email-error"' in response.text
    assert 'value="Dr Aroha Ngata"' in response.text
    assert "I work on Pacific maritime security." in response.text
    assert outbox(app) == []


def test_without_a_contact_address_nobody_can_be_asked(app, client, make):
    dialogue = make.dialogue(slug="quiet", registration_mode=RegistrationMode.INVITATION)
    db.session.commit()
    release(dialogue)
    assert "Ask the organisers" not in client.get("/dialogues/quiet").text
    page = visible_text(client.get("/dialogues/quiet/register").text)
    assert "The organisers send invitations by email." in page
    assert "Send my request" not in page
    refused = client.post("/dialogues/quiet/register/ask", data=ASK)
    assert "This dialogue does not take requests for invitations." in refused.text
    assert outbox(app) == []


def test_requests_are_throttled_per_address(app, client, dialogue):
    app.config["RATELIMIT_ENABLED"] = True
    for _ in range(5):
        assert client.post("/dialogues/closed/register/ask", data=ASK).status_code == 302
    assert client.post("/dialogues/closed/register/ask", data=ASK).status_code == 429
    assert len(outbox(app)) == 5
