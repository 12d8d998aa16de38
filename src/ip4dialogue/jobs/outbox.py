"""The transactional outbox (after Warehouse's and pretix's mail queues).

`queue` writes a message as a row in the transaction of the change that causes it, so a change
that rolls back leaves no message, and one that commits cannot lose its message. After the
commit, the rows are handed on: to a Celery worker when a broker is configured, else delivered
in-process by the very same `deliver`. A periodic sweep hands on whatever was missed.

Delivery is at least once: a message is claimed (queued -> sending) in a transaction of its
own before it is handed to SMTP and marked sent after; a worker that dies between the two
leaves it "sending", and once its lease is over the sweep queues it again. Messages to one
address go in the order they were written: one waits while an earlier one is on its way.
"""

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    Update,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, selectinload

from ip4dialogue import mail
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.jobs.models import Delivery, OutgoingAttachment, OutgoingMessage

logger = logging.getLogger(__name__)

COMMITTED_KEY = "ip4dialogue.outbox"
DELIVER_TASK = "ip4dialogue.jobs.deliver"
_messages = OutgoingMessage.__table__


def queue(
    session: Session,
    message: mail.Message,
    *,
    dialogue_id: int | None = None,
    key: str | None = None,
) -> OutgoingMessage:
    """Write `message` to the outbox in this session's transaction; it leaves after commit.
    Its files go in one statement, however many (a calendar part for every session)."""
    row = OutgoingMessage(
        dialogue_id=dialogue_id,
        kind=message.kind,
        key=key,
        to_name=message.to_name[:200],
        to_address=message.to_address,
        reply_to=message.reply_to,
        subject=mail.header_text(message.subject)[:300],
        text=message.text,
        html=message.html,
        message_id=message.message_id,
        created_at=message.date,
    )
    session.add(row)
    session.flush()
    if message.attachments:
        session.execute(
            insert(OutgoingAttachment),
            [
                {
                    "message_id": row.id,
                    "filename": part.filename,
                    "maintype": part.maintype,
                    "subtype": part.subtype,
                    "params": part.params,
                    "content": part.content,
                }
                for part in message.attachments
            ],
        )
    _hand_on_after_commit(session, row)
    return row


def keys_taken(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of these keys a message was already written under, in one query: what is
    sent once (a day-before schedule, a digest) is keyed, and never written twice."""
    wanted = list(keys)
    if not wanted:
        return set()
    return set(session.scalars(select(OutgoingMessage.key).where(OutgoingMessage.key.in_(wanted))))


def _hand_on_after_commit(session: Session, row: OutgoingMessage) -> None:
    session.info.setdefault(COMMITTED_KEY, []).append(row)


def committed_ids(session: Session) -> list[int]:
    """The ids of the rows this transaction wrote (none that a savepoint undid)."""
    rows = session.info.pop(COMMITTED_KEY, [])
    identities = (inspect(row).identity for row in rows)
    return [identity[0] for identity in identities if identity]


@dataclass(frozen=True)
class Failure:
    permanent: bool
    reason: str


def failure(error: Exception) -> Failure:
    """What a delivery error means: a 5xx reply about this message (its recipient refused,
    too large) is permanent; a 4xx, a server that cannot be reached or refuses our login is
    temporary, and worth trying again later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return Failure(code >= 500, _reply(code, reply))
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        return Failure(False, _reply(error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Failure(
            False, "The SMTP server refused our login: " + _reply(error.smtp_code, error.smtp_error)
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure(error.smtp_code >= 500, _reply(error.smtp_code, error.smtp_error))
    return Failure(False, f"{type(error).__name__}: {error}".strip())


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"


def retry_delay(attempts: int, base_seconds: int) -> int:
    """Exponential backoff: base, 2 x base, 4 x base ... never more than an hour."""
    return min(base_seconds * 2 ** max(attempts - 1, 0), 3600)


@dataclass(frozen=True)
class Outcome:
    """What one `deliver` did: the state it left, when to try again, and who is next."""

    state: Delivery | None  # None: not ours to send (taken, done, waiting for an earlier one)
    retry_in: int | None = None
    follow: int | None = None


def deliver(message_id: int) -> Outcome:
    """Claim, send and mark one message, each step in a transaction of its own."""
    config, now = current_app.config, utcnow()
    with db.engine.begin() as connection:
        if not connection.execute(_claim(message_id, now)).rowcount:
            return Outcome(None)
    with Session(db.engine) as session:
        row = session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.id == message_id)
            .options(selectinload(OutgoingMessage.attachments))
        ).one()
        email = mail.to_email(_message(row), config["MAIL_SENDER"])
        attempts, address = row.attempts, row.to_address
    try:
        mail.transmit(config, current_app.instance_path, email)
    except Exception as error:
        return _failed(message_id, attempts, failure(error))
    return _sent(message_id, address, len(email.as_bytes()))


def _claim(message_id: int, now: datetime) -> Update:
    earlier = _messages.alias("earlier")
    waiting_for_earlier = exists().where(
        earlier.c.to_address == _messages.c.to_address,
        earlier.c.id < _messages.c.id,
        earlier.c.state.in_([Delivery.QUEUED, Delivery.SENDING]),
    )
    return (
        update(_messages)
        .where(
            _messages.c.id == message_id,
            _messages.c.state == Delivery.QUEUED,
            or_(_messages.c.not_before.is_(None), _messages.c.not_before <= now),
            ~waiting_for_earlier,
        )
        .values(state=Delivery.SENDING, attempts=_messages.c.attempts + 1, claimed_at=now)
    )


def _message(row: OutgoingMessage) -> mail.Message:
    return mail.Message(
        to_name=row.to_name,
        to_address=row.to_address,
        reply_to=row.reply_to,
        subject=row.subject,
        text=row.text,
        html=row.html,
        attachments=[
            mail.Attachment(part.filename, part.content, part.maintype, part.subtype, part.params)
            for part in row.attachments
        ],
        kind=row.kind,
        message_id=row.message_id,
        date=row.created_at,
    )


def _sent(message_id: int, address: str, size: int) -> Outcome:
    """Marked sent, and its content forgotten; the next message to the address may go."""
    with db.engine.begin() as connection:
        connection.execute(
            _sending(message_id).values(
                state=Delivery.SENT, sent_at=utcnow(), last_error="", text="", html="", size=size
            )
        )
        connection.execute(
            delete(OutgoingAttachment).where(OutgoingAttachment.message_id == message_id)
        )
        follow = connection.scalar(
            select(func.min(_messages.c.id)).where(
                _messages.c.to_address == address, _messages.c.state == Delivery.QUEUED
            )
        )
    return Outcome(Delivery.SENT, follow=follow)


def _failed(message_id: int, attempts: int, reason: Failure) -> Outcome:
    """Failed for good, or queued again for later: at most MAIL_MAX_ATTEMPTS tries."""
    config = current_app.config
    if reason.permanent or attempts >= config["MAIL_MAX_ATTEMPTS"]:
        shown = (
            reason.reason
            if reason.permanent
            else f"Gave up after {attempts} attempts: {reason.reason}"
        )
        logger.warning("message %s failed: %s", message_id, shown)
        values: dict = {"state": Delivery.FAILED, "last_error": shown}
        outcome = Outcome(Delivery.FAILED)
    else:
        delay = retry_delay(attempts, config["MAIL_RETRY_SECONDS"])
        logger.info("message %s: %s; trying again in %s s", message_id, reason.reason, delay)
        values = {
            "state": Delivery.QUEUED,
            "last_error": reason.reason,
            "not_before": utcnow() + timedelta(seconds=delay),
        }
        outcome = Outcome(Delivery.QUEUED, retry_in=delay)
    with db.engine.begin() as connection:
        connection.execute(_sending(message_id).values(**values))
    return outcome


def _sending(message_id: int) -> Update:
    return update(_messages).where(
        _messages.c.id == message_id, _messages.c.state == Delivery.SENDING
    )


def sweep(grace_seconds: int) -> list[int]:
    """Queue again what a dead worker left "sending" past its lease, and return the queued
    messages that have been due for more than `grace_seconds`: their hand-on was lost."""
    config, now = current_app.config, utcnow()
    abandoned = now - timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    overdue = now - timedelta(seconds=grace_seconds)
    with db.engine.begin() as connection:
        connection.execute(
            update(_messages)
            .where(_messages.c.state == Delivery.SENDING, _messages.c.claimed_at < abandoned)
            .values(
                state=Delivery.QUEUED,
                not_before=None,
                last_error="The worker sending it stopped; sent again (it may arrive twice).",
            )
        )
        return list(
            connection.scalars(
                select(_messages.c.id)
                .where(
                    _messages.c.state == Delivery.QUEUED,
                    func.coalesce(_messages.c.not_before, _messages.c.created_at) <= overdue,
                )
                .order_by(_messages.c.id)
                .limit(1000)
            )
        )


def hand_on(message_ids: Iterable[int]) -> None:
    """To the workers through the broker; without one, delivered here and now. A broker that
    cannot be reached loses nothing: the rows stay queued for the sweep."""
    celery = current_app.extensions.get("celery")
    if celery is None:
        for message_id in message_ids:
            deliver(message_id)
        return
    for message_id in message_ids:
        try:
            celery.send_task(
                DELIVER_TASK, args=[message_id], queue=current_app.config["BROKER_QUEUE"]
            )
        except Exception:
            logger.warning(
                "could not enqueue message %s; the sweep will", message_id, exc_info=True
            )
            return


def resend(message: OutgoingMessage) -> None:
    """A failed message queued again, to be handed on when this transaction commits."""
    message.resend()
    _hand_on_after_commit(db.session, message)
    db.session.flush()


def forget_address(address: str) -> None:
    """An erased person's messages go, content and record alike."""
    db.session.execute(delete(OutgoingMessage).where(OutgoingMessage.to_address == address))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Hand on what the committed transaction wrote. In-process (no broker), drain everything
    that is due, so a message that once failed goes out with the next one. The change is
    committed whatever happens here: a failure is logged, and the sweep tries again."""
    if session.get_nested_transaction() is not None:
        return  # a savepoint released, which SQLAlchemy announces as a commit: wait for it
    if not (message_ids := committed_ids(session)):
        return
    try:
        if current_app.extensions.get("celery") is None:
            message_ids = sweep(grace_seconds=0)
        hand_on(message_ids)
    except Exception:
        logger.exception("could not hand on messages %s; they stay queued", message_ids)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: object) -> None:
    """Fires on every rollback; a savepoint's leaves the outer transaction's rows in place
    (and `committed_ids` skips the rows the savepoint undid)."""
    if not session.in_transaction():
        session.info.pop(COMMITTED_KEY, None)
