"""Outgoing email, sent only once the database transaction that caused it has committed.

Services queue messages on the database session; a session hook delivers them after commit
and drops them on rollback, so nobody is told about a change that did not happen. With an
SMTP server configured mail goes there; without, it is written as .eml files to the instance
folder's outbox, where a newcomer can read it.
"""

import logging
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message as MIMEMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

from ip4dialogue.database import utcnow

logger = logging.getLogger(__name__)

OUTBOX_KEY = "ip4dialogue.outbox"
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def header_text(value: str) -> str:
    """Text safe for a header: control characters (CR and LF above all) become spaces, so a
    name or subject can never start a header of its own."""
    return _CONTROL.sub(" ", value).strip()


@dataclass
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Message:
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)


def compose(to_name: str, to_address: str, subject: str, template: str, **context: Any) -> Message:
    """A message from `template`.txt and `template`.html, rendered with `context`."""
    return Message(
        to_name=to_name,
        to_address=to_address,
        subject=subject,
        text=render_template(f"{template}.txt", **context),
        html=render_template(f"{template}.html", **context),
    )


def queue(session: Session, message: Message) -> None:
    """Send `message` when this session's transaction commits; forget it if it rolls back."""
    session.connection()  # a transaction must exist for its commit or rollback to decide
    session.info.setdefault(OUTBOX_KEY, []).append(message)


def _header(text: str) -> str | Header:
    """Header text, RFC 2047-encoded only when it is not plain ASCII."""
    return text if text.isascii() else Header(text, "utf-8")


def _address(name: str, address: str) -> str:
    return formataddr((header_text(name), address), charset="utf-8")


def _text(body: str, subtype: str) -> MIMEText:
    """7-bit when plain ASCII, so an .eml in the outbox reads as it is (links included);
    quoted-printable UTF-8 otherwise."""
    return MIMEText(body, subtype, "us-ascii" if body.isascii() else _UTF8)


def _attachment(attachment: Attachment) -> MIMEBase:
    part = MIMEBase(attachment.maintype, attachment.subtype, **attachment.params)
    part.set_payload(attachment.content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def to_email(message: Message, sender: str) -> MIMEMultipart:
    """The message as MIME: text and HTML alternatives, then the attachments. Built with the
    email package's classic classes, which are many times faster than EmailMessage's header
    registry when a message carries a calendar file for every session."""
    bodies = MIMEMultipart("alternative")
    bodies.attach(_text(message.text, "plain"))
    bodies.attach(_text(message.html, "html"))
    if message.attachments:
        email = MIMEMultipart("mixed")
        email.attach(bodies)
        for attachment in message.attachments:
            email.attach(_attachment(attachment))
    else:
        email = bodies
    email["From"] = _address(*parseaddr(sender))
    email["To"] = _address(message.to_name, message.to_address)
    email["Subject"] = _header(header_text(message.subject))
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(domain="ip4dialogue")
    return email


def deliver(app: Flask, message: Message) -> None:
    email = to_email(message, app.config["MAIL_SENDER"])
    if app.config["MAIL_SERVER"]:
        _send_smtp(app.config, email)
    else:
        _write_outbox(Path(app.instance_path) / "outbox", email)


def _send_smtp(config: Any, email: MIMEMessage) -> None:
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def _write_outbox(outbox: Path, email: MIMEMessage) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    temporary = outbox / f".{name}.partial"
    temporary.write_bytes(email.as_bytes())
    temporary.rename(outbox / name)


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    messages = session.info.pop(OUTBOX_KEY, [])
    if not messages:
        return
    app = current_app._get_current_object()
    for message in messages:
        try:
            deliver(app, message)
        except Exception:
            # The change is committed; a mail server's hiccup, or one odd address, must not
            # turn it into an error page or stop the other messages.
            logger.exception("could not send %r to %s", message.subject, message.to_address)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: Any) -> None:
    """Fires on every rollback, even with no database work done; a savepoint's rollback
    leaves the outer transaction, and its mail, in place."""
    if not session.in_transaction():
        session.info.pop(OUTBOX_KEY, None)
