"""Outgoing email: composing a message, turning it into MIME, and handing it over.

Messages are not sent from here: `jobs.outbox` writes them in the transaction of the change
that causes them and delivers them after it commits. Delivery hands the MIME to the SMTP server,
or, with none configured, writes it as an .eml file to the instance folder's outbox, where a
newcomer can read it.
"""

import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime
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

from flask import render_template

from ip4dialogue.database import utcnow

_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
MAX_LINE = 998  # characters in a line of a message, without its CRLF (RFC 5321 4.5.3.1.6)


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
    kind: str = "message"  # what it is, for the organisers' list: "confirmed", "invitation"...
    reply_to: str = ""  # where answers go: the dialogue's contact, not the sending robot
    message_id: str = field(default_factory=lambda: make_msgid(domain="ip4dialogue"))
    date: datetime = field(default_factory=utcnow)


def compose(
    to_name: str,
    to_address: str,
    subject: str,
    template: str,
    *,
    reply_to: str | None = None,
    **context: Any,
) -> Message:
    """A message from `template`.txt and `template`.html, rendered with `context`."""
    message = Message(to_name, to_address, subject, "", "", reply_to=reply_to or "")
    write(message, template, **context)
    return message


def write(message: Message, template: str, **context: Any) -> None:
    """The message's text and HTML from `template`.txt and `template`.html, which may say
    what is attached (`attachments`); its kind is the template's name."""
    context["attachments"] = message.attachments
    message.text = render_template(f"{template}.txt", **context)
    message.html = render_template(f"{template}.html", **context)
    message.kind = template.rsplit("/", 1)[-1]


def _header(text: str) -> str | Header:
    """Header text, RFC 2047-encoded only when it is not plain ASCII."""
    return text if text.isascii() else Header(text, "utf-8")


def _address(name: str, address: str) -> str:
    return formataddr((header_text(name), address), charset="utf-8")


def _text(body: str, subtype: str) -> MIMEText:
    """7-bit when plain ASCII in lines SMTP carries as they are, so an .eml in the outbox
    reads as it is (links included); quoted-printable UTF-8 otherwise, which also folds a
    line too long for SMTP (a summary typed as one paragraph) that a server would refuse."""
    plain = body.isascii() and all(len(line) <= MAX_LINE for line in body.splitlines())
    return MIMEText(body, subtype, "us-ascii" if plain else _UTF8)


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
    email["Date"] = format_datetime(message.date)
    email["Message-ID"] = message.message_id
    if message.reply_to:
        email["Reply-To"] = header_text(message.reply_to)
    return email


def transmit(config: Any, instance_path: str, email: MIMEMessage) -> None:
    """Hand `email` over: to the SMTP server when one is configured, else to the outbox
    folder. Raises what the server or the file system raised."""
    if config["MAIL_SERVER"]:
        _send_smtp(config, email)
    else:
        _write_outbox(Path(instance_path) / "outbox", email)


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
