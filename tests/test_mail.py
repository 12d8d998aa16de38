"""Email leaves only after the transaction commits, to a real SMTP server or the outbox, and
no name or subject can smuggle in a header."""

from ip4dialogue import mail
from ip4dialogue.extensions import db
from tests.helpers import outbox, text_body


def message(**overrides: str) -> mail.Message:
    fields = {
        "to_name": "Dr Kim",
        "to_address": "kim@example.org",
        "subject": "Hello",
        "text": "Plain words.",
        "html": "<p>Rich words.</p>",
    }
    return mail.Message(**fields | overrides)


def test_mail_goes_to_the_outbox_only_after_commit(app):
    mail.queue(db.session, message())
    assert outbox(app) == []
    db.session.commit()
    [sent] = outbox(app)
    assert sent["To"] == "Dr Kim <kim@example.org>"
    assert text_body(sent).strip() == "Plain words."
    assert sent.get_body(("html",)).get_content().strip() == "<p>Rich words.</p>"


def test_a_rollback_sends_nothing(app):
    mail.queue(db.session, message())
    db.session.rollback()
    db.session.commit()
    assert outbox(app) == []


def test_with_an_smtp_server_mail_goes_there(app, smtp):
    mail.queue(db.session, message(subject="Via SMTP"))
    db.session.commit()
    [received] = smtp.received
    assert received["Subject"] == "Via SMTP"
    assert received["From"] == app.config["MAIL_SENDER"]
    assert outbox(app) == []


def test_names_and_subjects_cannot_add_headers(app, smtp):
    mail.queue(
        db.session,
        message(
            to_name='Kim "the Admiral"\r\nBcc: spy@evil.example',
            subject="Hi\r\nBcc: spy@evil.example\nX-Injected: yes",
        ),
    )
    db.session.commit()
    [received] = smtp.received
    assert received["Bcc"] is None
    assert received["X-Injected"] is None
    assert received["To"].addresses[0].addr_spec == "kim@example.org"
    assert received["To"].addresses[0].display_name == 'Kim "the Admiral" Bcc: spy@evil.example'
    assert "spy@evil.example" in received["Subject"]  # kept as text, harmlessly


def test_an_unreachable_smtp_server_does_not_undo_the_change(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    mail.queue(db.session, message())
    db.session.commit()
    assert "could not send" in caplog.text
