"""The organisers' messages page: what was sent to whom and how it went, filters, and sending a
failed message again; the overview counts the failures."""

from sqlalchemy import select

from ip4dialogue.audit import AuditEvent
from ip4dialogue.extensions import db
from ip4dialogue.jobs.models import Delivery, OutgoingMessage
from tests.helpers import visible_text


def test_the_page_shows_each_message_its_state_and_the_servers_reply(organiser_client, make):
    dialogue = make.dialogue()
    make.message(dialogue=dialogue, to_address="nobody@example.org", subject="Your place")
    make.message(dialogue=dialogue, state=Delivery.SENT, last_error="", subject="Glad you come")
    make.message(subject="Another dialogue's")
    page = visible_text(
        organiser_client.get(f"/organise/dialogues/{dialogue.id}/messages").get_data(as_text=True)
    )
    assert "2 messages match" in page
    assert "1 message could not be delivered" in page
    assert "nobody@example.org" in page
    assert "550 5.1.1 No such user here" in page
    assert "Glad you come" in page
    assert "Another dialogue's" not in page


def test_filters_by_state_and_by_words(organiser_client, make):
    dialogue = make.dialogue()
    make.message(dialogue=dialogue, to_address="kim@example.org", subject="Your place")
    make.message(dialogue=dialogue, state=Delivery.SENT, last_error="", subject="Glad you come")
    url = f"/organise/dialogues/{dialogue.id}/messages"
    failed = visible_text(organiser_client.get(f"{url}?state=failed").get_data(as_text=True))
    assert "Your place" in failed
    assert "Glad you come" not in failed
    found = visible_text(organiser_client.get(f"{url}?q=KIM@").get_data(as_text=True))
    assert "1 message match" in found
    odd = organiser_client.get(f"{url}?state=nonsense&page=99999999999999")
    assert odd.status_code == 200  # an unknown state or page is no filter, not an error


def test_a_failed_message_is_sent_again_and_the_resend_is_in_the_audit_log(
    app, organiser_client, make, organiser
):
    dialogue = make.dialogue()
    message = make.message(dialogue=dialogue)
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/messages/{message.id}/resend?state=failed"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/messages?state=failed")
    db.session.expire_all()
    sent = db.session.get(OutgoingMessage, message.id)
    assert sent.state is Delivery.SENT  # no broker: delivered to the outbox folder at once
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.resent"))
    assert event.organiser_id == organiser.id


def test_a_sent_message_cannot_be_sent_again(organiser_client, make):
    dialogue = make.dialogue()
    message = make.message(dialogue=dialogue, state=Delivery.SENT, last_error="")
    url = f"/organise/dialogues/{dialogue.id}/messages"
    response = organiser_client.post(f"{url}/{message.id}/resend", follow_redirects=True)
    assert "only a failed one can be sent again" in response.get_data(as_text=True)
    other = make.message()
    assert organiser_client.post(f"{url}/{other.id}/resend").status_code == 404


def test_the_overview_counts_the_failures_and_links_to_them(organiser_client, make):
    dialogue = make.dialogue()
    make.message(dialogue=dialogue)
    make.message(dialogue=dialogue)
    page = organiser_client.get(f"/organise/dialogues/{dialogue.id}").get_data(as_text=True)
    assert "2 messages could not be delivered" in visible_text(page)
    assert f"/organise/dialogues/{dialogue.id}/messages?state=failed" in page


def test_the_messages_page_needs_an_organiser(client, make):
    dialogue = make.dialogue()
    response = client.get(f"/organise/dialogues/{dialogue.id}/messages")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
