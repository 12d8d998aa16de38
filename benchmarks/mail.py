"""Mail: how fast `ip4dialogue worker --concurrency 4` drains 1000 queued messages to an SMTP
server on loopback, against a floor that hands the same MIME messages to the same server from
four threads with smtplib, a connection a message as the worker opens one. The worker also
claims each row and marks it sent, each in a transaction of its own: that is the difference.

Needs the broker at IP4DIALOGUE_BENCH_BROKER (default: the local Redis); skipped without one.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

from benchmarks.load import free_port
from ip4dialogue import create_app, mail
from ip4dialogue.database import Base
from ip4dialogue.extensions import db
from ip4dialogue.jobs import outbox
from ip4dialogue.jobs.models import Delivery, OutgoingMessage
from ip4dialogue.unit_of_work import transaction

BROKER = os.environ.get("IP4DIALOGUE_BENCH_BROKER", "redis://127.0.0.1:6379/3")
MESSAGES = 1000
CONCURRENCY = 4
SENDER = "IP4 Dialogue <dialogue@localhost>"
TEXT = "Dear colleague, your place at the Indo-Pacific Security Dialogue is confirmed. " * 20
CALENDAR = b"BEGIN:VCALENDAR\r\n" + b"X" * 900 + b"\r\nEND:VCALENDAR\r\n"


class Received:
    """The SMTP server's side: the Message-ID of everything it accepted."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self._lock:
                    self.ids[line.split(b":", 1)[1].strip().decode()] += 1
                break
        return "250 OK"

    def count(self) -> int:
        with self._lock:
            return sum(self.ids.values())


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    received, port = Received(), free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def broker_answers() -> bool:
    from kombu import Connection

    try:
        with Connection(BROKER, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception:
        return False
    return True


@contextmanager
def broker_queue() -> Iterator[str]:
    """A queue of the benchmark's own on the broker, deleted afterwards with what is left in it
    (the registration rounds run no worker)."""
    from kombu import Connection

    queue = f"ip4bench-{secrets.token_hex(4)}"
    try:
        yield queue
    finally:
        with Connection(BROKER, connect_timeout=2) as connection:
            connection.default_channel.queue_delete(queue)


def messages(count: int, batch: str) -> list[mail.Message]:
    """Confirmations as the app writes them: both bodies and a calendar part."""
    return [
        mail.Message(
            to_name=f"Expert {number}",
            to_address=f"drain-{batch}-{number}@example.org",
            subject="Your place at the Indo-Pacific Security Dialogue is confirmed",
            text=TEXT,
            html=f"<p>{TEXT}</p>",
            attachments=[mail.Attachment("invite.ics", CALENDAR, "text", "calendar")],
            kind="confirmed",
        )
        for number in range(count)
    ]


def wait_until(condition: Callable[[], bool], what: str, log: Path, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{what} did not happen; the worker said:\n{log.read_text()[-3000:]}"
            )
        time.sleep(0.05)


@contextmanager
def worker(settings: dict[str, str], log: Path) -> Iterator[None]:
    env = os.environ | {f"IP4DIALOGUE_{name}": value for name, value in settings.items()}
    command = [str(Path(sys.executable).parent / "ip4dialogue"), "worker"]
    command += ["--concurrency", str(CONCURRENCY), "--without-mingle", "--without-gossip"]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (our own script and arguments)
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def sent(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(OutgoingMessage)
            .where(OutgoingMessage.state == Delivery.SENT)
        )


def queue_all(app: Flask, batch: list[mail.Message]) -> None:
    """One commit writes them; after it, their ids go to the broker."""
    with app.app_context(), transaction():
        for message in batch:
            outbox.queue(db.session, message)


def worker_drain(folder: Path, port: int) -> float:
    """Seconds from the commit of MESSAGES messages until the worker has marked them all sent."""
    with broker_queue() as queue:
        return _drain(folder, port, queue)


def _drain(folder: Path, port: int, queue: str) -> float:
    settings = {
        "ENV": "testing",
        "DATABASE_URL": f"sqlite:///{folder / 'mail.sqlite'}",
        "INSTANCE_PATH": str(folder),
        "BROKER_URL": BROKER,
        "BROKER_QUEUE": queue,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
    }
    os.environ["IP4DIALOGUE_INSTANCE_PATH"] = str(folder)
    app = create_app(settings)
    with app.app_context():
        Base.metadata.create_all(db.engine)
    log = folder / "worker.log"
    with worker(settings, log):
        queue_all(app, messages(CONCURRENCY * 2, "warm"))  # the pool is up and connected
        wait_until(lambda: sent(app) == CONCURRENCY * 2, "the warm-up", log)
        began = time.perf_counter()
        queue_all(app, messages(MESSAGES, "drain"))
        wait_until(lambda: sent(app) == CONCURRENCY * 2 + MESSAGES, "the drain", log)
        return time.perf_counter() - began


def floor_drain(port: int) -> float:
    """The same messages, as MIME, handed to the server by four threads with smtplib."""
    import smtplib

    emails = [mail.to_email(message, SENDER) for message in messages(MESSAGES, "floor")]

    def send(email: Any) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.send_message(email)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(send, emails))
    return time.perf_counter() - began


def drain_rate() -> dict[str, Any] | None:
    """The worker's and the floor's messages per second, and whether each arrived once."""
    if not broker_answers():
        print(f"  skipped: no broker at {BROKER}", flush=True)
        return None
    with tempfile.TemporaryDirectory() as folder, smtp_server() as (port, received):
        ours = worker_drain(Path(folder), port)
        floor = floor_drain(port)
    return {
        "messages": MESSAGES,
        "concurrency": CONCURRENCY,
        "per_second": MESSAGES / ours,
        "floor_per_second": MESSAGES / floor,
        "to_floor": floor / ours,
        "expected": CONCURRENCY * 2 + 2 * MESSAGES,  # the warm-up, the worker's, the floor's
        "received": received.count(),
        "duplicates": sum(count - 1 for count in received.ids.values()),
    }
