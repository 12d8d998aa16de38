"""A message becomes MIME that no name or subject can smuggle a header into."""

from ip4dialogue import mail
from tests.helpers import parse_email, text_body

SENDER = "IP4 Dialogue <dialogue@localhost>"


def message(**overrides: str) -> mail.Message:
    fields = {
        "to_name": "Dr Kim",
        "to_address": "kim@example.org",
        "subject": "Hello",
        "text": "Plain words.",
        "html": "<p>Rich words.</p>",
    }
    return mail.Message(**fields | overrides)


def as_received(message: mail.Message):
    return parse_email(mail.to_email(message, SENDER).as_bytes())


def test_a_message_has_both_bodies_its_own_id_and_the_sender():
    composed = message()
    received = as_received(composed)
    assert received["To"] == "Dr Kim <kim@example.org>"
    assert received["From"] == SENDER
    assert received["Message-ID"] == composed.message_id
    assert text_body(received).strip() == "Plain words."
    assert received.get_body(("html",)).get_content().strip() == "<p>Rich words.</p>"
    assert received["Reply-To"] is None  # none given: answers go to the sender


def test_answers_go_to_the_reply_to_address_which_cannot_add_headers():
    received = as_received(message(reply_to="desk@ussc.example\r\nBcc: spy@evil.example"))
    assert received["Bcc"] is None
    assert as_received(message(reply_to="desk@ussc.example"))["Reply-To"] == "desk@ussc.example"


def test_names_and_subjects_cannot_add_headers():
    received = as_received(
        message(
            to_name='Kim "the Admiral"\r\nBcc: spy@evil.example',
            subject="Hi\r\nBcc: spy@evil.example\nX-Injected: yes",
        )
    )
    assert received["Bcc"] is None
    assert received["X-Injected"] is None
    assert received["To"].addresses[0].addr_spec == "kim@example.org"
    assert received["To"].addresses[0].display_name == 'Kim "the Admiral" Bcc: spy@evil.example'
    assert "spy@evil.example" in received["Subject"]  # kept as text, harmlessly


def test_names_and_subjects_beyond_ascii_are_encoded_and_read_back():
    received = as_received(message(to_name="김민준", subject="서울 대화 초대"))
    assert received["To"].addresses[0].display_name == "김민준"
    assert received["Subject"] == "서울 대화 초대"
