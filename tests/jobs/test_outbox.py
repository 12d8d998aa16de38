"""The outbox without a broker: a message is a row of the transaction that causes it, delivered
in-process after the commit, retried when the server is away, failed clearly when it says no."""

import smtplib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from ip4dialogue import mail
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.jobs import outbox
from ip4dialogue.jobs.models import Delivery, OutgoingAttachment, OutgoingMessage
from ip4dialogue.unit_of_work import transaction
from tests.conftest import SMTPServer
from tests.helpers import free_port
from tests.helpers import outbox as outbox_folder


def message(to: str = "kim@example.org", subject: str = "Hello", **fields) -> mail.Message:
    return mail.Message(
        to_name="Dr Kim",
        to_address=to,
        subject=subject,
        text="Plain.",
        html="<p>Rich.</p>",
        **fields,
    )


def rows() -> list[OutgoingMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)))


def calendar_part() -> mail.Attachment:
    return mail.Attachment(
        "invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar"
    )


def test_a_message_is_a_row_of_the_transaction_and_leaves_after_commit(app):
    queued = message(attachments=[calendar_part()])
    outbox.queue(db.session, queued)
    db.session.flush()
    assert outbox_folder(app) == []  # written, not sent
    db.session.commit()
    [sent] = outbox_folder(app)
    assert sent["Message-ID"] == queued.message_id
    assert [part.get_content_type() for part in sent.iter_attachments()] == ["text/calendar"]
    [row] = rows()
    assert (row.state, row.attempts, row.last_error) == (Delivery.SENT, 1, "")
    assert row.sent_at is not None
    assert row.size > 0
    # What it said (private links among it) is not kept once it is delivered.
    assert (row.text, row.html) == ("", "")
    assert db.session.scalars(select(OutgoingAttachment)).all() == []


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(app):
    outbox.queue(db.session, message())
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert rows() == []
    assert outbox_folder(app) == []


def test_a_savepoint_rolled_back_takes_only_its_own_message(app):
    outbox.queue(db.session, message(subject="Kept"))
    savepoint = db.session.begin_nested()
    outbox.queue(db.session, message(subject="Undone"))
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert [m["Subject"] for m in outbox_folder(app)] == ["Kept"]


def test_a_message_queued_in_a_savepoint_kept_leaves_with_the_commit_not_before(app):
    """SQLAlchemy announces a savepoint's release as a commit: the message must wait for the
    transaction's, and then leave."""
    with db.session.begin_nested():
        outbox.queue(db.session, message(subject="Inside"))
    assert outbox_folder(app) == []
    db.session.commit()
    assert [m["Subject"] for m in outbox_folder(app)] == ["Inside"]


def test_with_an_smtp_server_the_message_goes_there(app, smtp):
    outbox.queue(db.session, message(subject="Via SMTP"))
    db.session.commit()
    [received] = smtp.received
    assert received["Subject"] == "Via SMTP"
    assert received["From"] == app.config["MAIL_SENDER"]
    assert outbox_folder(app) == []


def test_a_paragraph_longer_than_an_smtp_line_still_arrives_whole(app, smtp):
    """A summary or note typed as one paragraph: SMTP refuses lines over 998 characters, so
    such a body goes quoted-printable, folded, and reads back as it was."""
    paragraph = "The dialogue turns the report's recommendations into work. " * 60
    long = mail.Message("Dr Kim", "kim@example.org", "Hello", paragraph, f"<p>{paragraph}</p>")
    outbox.queue(db.session, long)
    db.session.commit()
    [received] = smtp.received
    assert received.get_body(("plain",)).get_content().strip() == paragraph.strip()
    assert received.get_body(("html",)).get_content().strip() == f"<p>{paragraph}</p>"
    assert [row.state for row in rows()] == [Delivery.SENT]


def test_an_unreachable_server_keeps_the_change_and_the_message_for_later(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_SECONDS=30)
    outbox.queue(db.session, message(subject="First"))
    db.session.commit()
    [row] = rows()
    assert (row.state, row.attempts) == (Delivery.QUEUED, 1)
    assert "ConnectionRefusedError" in row.last_error
    assert row.not_before - utcnow() > timedelta(seconds=25)

    # The server comes back; once the message is due, the next commit with mail drains both,
    # in the order they were written.
    server = SMTPServer(port=app.config["MAIL_PORT"])
    server.start()
    try:
        db.session.execute(update(OutgoingMessage).values(not_before=utcnow()))
        outbox.queue(db.session, message(subject="Second"))
        db.session.commit()
        assert [m["Subject"] for m in server.received] == ["First", "Second"]
    finally:
        server.stop()
    assert [(row.state, row.attempts) for row in rows()] == [(Delivery.SENT, 2), (Delivery.SENT, 1)]


def test_an_address_the_server_refuses_fails_with_the_servers_reply(app, smtp):
    smtp.refused.add("nobody@example.org")
    outbox.queue(db.session, message(to="nobody@example.org"))
    outbox.queue(db.session, message(to="kim@example.org"))
    db.session.commit()
    failed, sent = rows()
    assert failed.state is Delivery.FAILED
    assert failed.last_error == "550 5.1.1 No such user here"
    assert failed.text == "Plain."  # kept, to be sent again once the address is put right
    assert sent.state is Delivery.SENT


def test_a_message_too_large_for_the_server_fails_clearly(app):
    server = SMTPServer(port=free_port(), data_size_limit=4000)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    try:
        big = mail.Attachment("big.ics", b"X" * 20000, "text", "calendar")
        outbox.queue(db.session, message(attachments=[big]))
        db.session.commit()
    finally:
        server.stop()
    [row] = rows()
    assert row.state is Delivery.FAILED
    assert row.last_error.startswith("552 ")
    assert "size" in row.last_error.lower()


def test_temporary_failures_give_up_after_the_last_attempt(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    with transaction():
        outbox.queue(db.session, message())
    [row] = rows()
    db.session.execute(update(OutgoingMessage).values(not_before=None))
    db.session.commit()
    assert outbox.deliver(row.id).state is Delivery.FAILED
    [row] = rows()
    assert row.attempts == 2
    assert row.last_error.startswith("Gave up after 2 attempts: ConnectionRefusedError")


def test_a_later_message_to_the_same_address_waits_for_the_earlier_one(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with transaction():
        outbox.queue(db.session, message(subject="First"))
    with transaction():
        db.session.execute(update(OutgoingMessage).values(not_before=utcnow() + timedelta(hours=1)))
        outbox.queue(db.session, message(subject="Second"))
        outbox.queue(db.session, message(to="lee@example.org", subject="Other"))
    first, second, other = rows()
    assert first.state is second.state is Delivery.QUEUED
    assert second.attempts == 0  # never claimed while the first is on its way
    assert other.attempts == 1
    assert outbox.deliver(second.id).state is None


def test_the_sweep_gives_back_what_a_dead_worker_was_sending(app):
    with transaction():
        outbox.queue(db.session, message())
    [row] = rows()
    long_ago = utcnow() - timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
    db.session.execute(
        update(OutgoingMessage).values(state=Delivery.SENDING, claimed_at=long_ago, sent_at=None)
    )
    db.session.commit()
    assert outbox.sweep(grace_seconds=0) == [row.id]
    [row] = rows()
    assert row.state is Delivery.QUEUED
    assert "may arrive twice" in row.last_error


def test_a_message_being_sent_is_not_swept_before_its_lease_ends(app):
    with transaction():
        outbox.queue(db.session, message())
    db.session.execute(update(OutgoingMessage).values(state=Delivery.SENDING, claimed_at=utcnow()))
    db.session.commit()
    assert outbox.sweep(grace_seconds=0) == []


@pytest.mark.parametrize(
    ("error", "permanent", "reason"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"No such user")}), True, "550 No such user"),
        (smtplib.SMTPRecipientsRefused({"a@b": (450, b"Mailbox busy")}), False, "450 Mailbox busy"),
        (smtplib.SMTPSenderRefused(552, b"Message too big", "me"), True, "552 Message too big"),
        (smtplib.SMTPDataError(451, b"Try again\n later"), False, "451 Try again later"),
        (smtplib.SMTPConnectError(554, b"No service"), False, "554 No service"),
        (ConnectionRefusedError(111, "Connection refused"), False, None),
        (TimeoutError("timed out"), False, "TimeoutError: timed out"),
    ],
)
def test_what_a_delivery_error_means(error, permanent, reason):
    judged = outbox.failure(error)
    assert judged.permanent is permanent
    if reason:
        assert judged.reason == reason


def test_a_refused_login_is_temporary_and_says_so():
    judged = outbox.failure(smtplib.SMTPAuthenticationError(535, b"Bad credentials"))
    assert not judged.permanent
    assert judged.reason == "The SMTP server refused our login: 535 Bad credentials"


def test_backoff_doubles_from_the_base_and_stops_at_an_hour():
    assert [outbox.retry_delay(attempt, 30) for attempt in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.retry_delay(20, 30) == 3600
