"""Real Celery workers on a real broker (Redis; RabbitMQ once) deliver the outbox to a real SMTP
server that is slowed, stopped and started again, and lose nothing when one is killed."""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from ip4dialogue import mail
from ip4dialogue.config import PREFIX
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.jobs import outbox, worker
from ip4dialogue.jobs.models import Delivery, OutgoingMessage
from ip4dialogue.unit_of_work import transaction
from tests.helpers import REGISTRATION_FORM

REDIS = "redis://127.0.0.1:6379/0"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


def reachable(url: str, flag: str) -> None:
    """Skip, saying why, when the broker is not there, unless `flag`=1 makes that a failure."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        reason = f"no broker at {url} ({error})"
        if os.environ.get(flag) == "1":
            pytest.fail(f"{flag}=1 but {reason}")
        pytest.skip(reason)


def broker(app: Flask, url: str) -> Iterator[str]:
    """The app hands the outbox to `url`, on a queue of this test's own."""
    queue = f"ip4test-{secrets.token_hex(4)}"
    app.config.update(BROKER_URL=url, BROKER_QUEUE=queue)
    celery = worker.init_app(app)
    yield queue
    with celery.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)
    app.extensions.pop("celery")


@pytest.fixture
def redis_broker(app: Flask) -> Iterator[str]:
    reachable(REDIS, "IP4DIALOGUE_REQUIRE_REDIS")
    yield from broker(app, REDIS)


@pytest.fixture
def rabbitmq_broker(app: Flask) -> Iterator[str]:
    reachable(RABBITMQ, "IP4DIALOGUE_REQUIRE_RABBITMQ")
    yield from broker(app, RABBITMQ)


class Worker:
    """`ip4dialogue worker` (with its beat) in a process group of its own, on the test's
    database, broker queue and SMTP server."""

    def __init__(self, app: Flask, log: Path, **settings: object) -> None:
        config = app.config
        environment = {
            "ENV": "testing",
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": app.instance_path,
            "BROKER_URL": config["BROKER_URL"],
            "BROKER_QUEUE": config["BROKER_QUEUE"],
            "MAIL_SERVER": config["MAIL_SERVER"] or "",
            "MAIL_PORT": config["MAIL_PORT"],
            "MAIL_RETRY_SECONDS": 1,
            "OUTBOX_SWEEP_SECONDS": 1,
        } | settings
        env = os.environ | {PREFIX + name: str(value) for name, value in environment.items()}
        command = [str(Path(sys.executable).parent / "ip4dialogue"), "worker", "--pool", "solo"]
        command += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        # A node name of its own: on RabbitMQ a node's control queue is exclusive, so two
        # workers named alike on one machine (two test runs at once) lock each other out.
        command += ["--hostname", f"ip4test-{secrets.token_hex(4)}@%h"]
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self, sign: int = signal.SIGKILL) -> None:
        """The worker and its beat, at once (SIGKILL) or asked to finish (SIGTERM)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sign)
        self.process.wait(timeout=30)


@pytest.fixture
def start_worker(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(**settings: object) -> Worker:
        started.append(Worker(app, tmp_path / "worker.log", **settings))
        return started[-1]

    yield start
    for running in started:
        running.kill(signal.SIGTERM)


def wait_for(condition: Callable[[], bool], what: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}; worker said:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


def states() -> Counter:
    db.session.rollback()
    query = select(OutgoingMessage.state, func.count()).group_by(OutgoingMessage.state)
    return Counter(dict(db.session.execute(query).all()))


def all_sent(count: int) -> Callable[[], bool]:
    return lambda: states()[Delivery.SENT] == count


def test_a_registration_does_not_wait_for_a_slow_smtp_server(
    app, client, make, smtp, redis_broker, start_worker
):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(registration_mode=RegistrationMode.OPEN)
    smtp.delay = 2
    form = REGISTRATION_FORM | {"email": "kim@example.org"}
    assert client.post(f"/dialogues/{dialogue.slug}/register", data=form).status_code == 302
    assert smtp.received == []  # answered without having spoken to it
    assert states() == Counter({Delivery.QUEUED: 1})

    running = start_worker()
    wait_for(all_sent(1), "the confirmation", running.log)
    [confirmation] = smtp.to("kim@example.org")
    assert "/registrations/" in confirmation.get_body(("plain",)).get_content()


def test_mail_written_while_smtp_is_down_arrives_once_in_order_when_it_returns(
    app, client, make, smtp, redis_broker, start_worker
):
    from ip4dialogue.registration import services
    from ip4dialogue.registration.models import Registration

    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(registration_mode=RegistrationMode.OPEN)
    running = start_worker()
    smtp.stop()
    experts = [f"expert{number}@example.org" for number in range(30)]
    for number, address in enumerate(experts):  # from addresses of their own: no rate limit
        form, origin = REGISTRATION_FORM | {"email": address}, {"REMOTE_ADDR": f"10.0.0.{number}"}
        response = client.post(
            f"/dialogues/{dialogue.slug}/register", data=form, environ_base=origin
        )
        assert response.status_code == 302
    cancelling = experts[:10]
    with transaction():
        for registration in db.session.scalars(select(Registration)):
            if registration.participant.email in cancelling:
                services.cancel(registration)
    wait_for(lambda: states()[Delivery.QUEUED] == 40, "every message queued", running.log)
    time.sleep(2)  # down for a while: messages are retried, and kept
    assert states()[Delivery.SENT] == 0

    smtp.start()
    wait_for(all_sent(40), "every message sent", running.log)
    assert sorted(Counter(m["Message-ID"] for m in smtp.received).values()) == [1] * 40
    for address in experts:
        subjects = [message["Subject"] for message in smtp.to(address)]
        asked = f"Confirm your registration for {dialogue.title}"
        expected = [asked, "cancelled"] if address in cancelling else [asked]
        assert [s if s == asked else s.split()[-1] for s in subjects] == expected, subjects


def queue_many(count: int) -> list[str]:
    ids = []
    with transaction():
        for number in range(count):
            message = mail.Message(
                to_name=f"Expert {number}",
                to_address=f"expert{number}@example.org",
                subject=f"Message {number}",
                text="Plain.",
                html="<p>Rich.</p>",
            )
            outbox.queue(db.session, message)
            ids.append(message.message_id)
    return ids


def test_a_worker_killed_mid_batch_loses_nothing(app, smtp, redis_broker, start_worker):
    smtp.delay = 0.05
    first = start_worker(OUTBOX_LEASE_SECONDS=3)
    sent = queue_many(60)
    wait_for(lambda: len(smtp.received) >= 10, "some deliveries", first.log)
    first.kill()
    assert states()[Delivery.SENT] < 60

    second = start_worker(OUTBOX_LEASE_SECONDS=3)
    wait_for(all_sent(60), "every message sent", second.log)
    received = Counter(message["Message-ID"] for message in smtp.received)
    assert set(received) == set(sent)
    # At least once: only the message in SMTP's hands when the worker died may come twice.
    assert sum(received.values()) - len(sent) <= 1


def test_rabbitmq_works_as_the_broker_too(app, smtp, rabbitmq_broker, start_worker):
    running = start_worker()
    queue_many(3)
    wait_for(all_sent(3), "three messages", running.log)
    assert sorted(message["Subject"] for message in smtp.received) == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]


def test_the_beat_runs_the_scheduled_work_once(app, make, smtp, redis_broker, start_worker):
    dialogue = make.dialogue(title="Seoul 2027", invitation_reminder_days=1)
    make.invitation(
        dialogue=dialogue, email="kim@example.org", sent_at=utcnow() - timedelta(days=2)
    )
    db.session.commit()
    running = start_worker(SCHEDULE_SECONDS=1)
    wait_for(lambda: smtp.to("kim@example.org"), "the reminder", running.log)
    time.sleep(3)  # the beat's next rounds find nothing more to send
    assert [message["Subject"] for message in smtp.received] == [
        "Reminder: your invitation to Seoul 2027"
    ]


def test_the_worker_command_needs_a_broker_and_says_so(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1
    assert "IP4DIALOGUE_BROKER_URL is not set" in result.output
