"""Test helpers that are not fixtures."""

import email
import email.policy
import html
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine: Engine) -> Iterator[QueryLog]:
    """Record the SQL statements `engine` runs inside the block (after Indico's helper)."""
    log = QueryLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: no tags, entities decoded, white space folded."""
    body = page.split("<body", 1)[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", body)))


def parse_email(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def outbox(app: object) -> list[EmailMessage]:
    """The messages written to the instance folder's outbox, oldest first."""
    folder = Path(app.instance_path) / "outbox"  # type: ignore[attr-defined]
    return [parse_email(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def text_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message: EmailMessage, path_start: str) -> str:
    """The path of the first link in a message's text that starts with `path_start`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)", text_body(message))
    assert match, text_body(message)
    return match.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
