"""`make bench`: the performance picture, measured on this machine in one run.

Every ratio compares two measurements taken in the same run, side by side: the app against a
floor that does only the irreducible part of the same work.

- Pages, for dialogues of 50, 500 and 2000 items (with 100, 1000 and 10000 registrations):
  the agenda feed cold and warm against icalendar building the same events from plain values;
  the programme against its template rendered from the very context the view builds; a 304
  revalidation, a personal schedule and the registrant list, with their SQL query counts.
- The garbage collector: five rounds, each measuring the 500-item feed and programme against
  their floors with Python's default collector and with the workers' tuned one, interleaved.
- One registration: its SQL statements with an empty agenda, the sample's 13 items and 300
  items, and how long it holds the seat lock.
- Registration throughput (GET the form, POST it, follow the redirect; 4 gunicorn workers)
  on SQLite and PostgreSQL at 13 and 300 items, against the floor app (benchmarks/floor.py)
  measured in the same rounds, with the number of overbooked seats. A registration is done
  when its rows and its message are committed: the app hands mail to a broker (Redis).
- Mail: a worker (`ip4dialogue worker --concurrency 4`) draining 1000 queued messages to an
  SMTP server on loopback, against smtplib sending the same messages (benchmarks/mail.py).
- The peak memory of a worker serving the largest dialogue.
- The briefing book of a 2,000-session dialogue against WeasyPrint laying out the same words
  unstyled (benchmarks/briefing.py), and whether a person would wait for it.

Results go to benchmarks/results.json and docs/performance.md. PostgreSQL is included when
the server at IP4DIALOGUE_BENCH_POSTGRESQL (default: the local one) answers.
"""

import contextlib
import gc
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import briefing
from benchmarks.feed import build_dialogue, floor, plain_events
from benchmarks.load import (
    SAMPLE,
    Mailbox,
    gunicorn,
    prepare_load_dialogue,
    register_batch,
)
from benchmarks.mail import BROKER, broker_queue, drain_rate
from ip4dialogue import create_app
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.database import Base, utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.programme import programme_context
from ip4dialogue.dialogues.queries import public_agenda
from ip4dialogue.extensions import cache, db
from ip4dialogue.gunicorn_conf import tune_garbage_collector
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.tokens import new_secret
from ip4dialogue.unit_of_work import transaction

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(50, 100), (500, 1000), (2000, 10000)]
PAIRS = 9  # measurements of the app and its floor, back to back, per ratio
ROUNDS = 5
AGENDAS = (SAMPLE, 300)
RATE_ROUNDS = 3
WORKERS = 4
PASSWORD = "benchmark passphrase"  # noqa: S105 (a throwaway account in a temporary database)
APP, FLOOR_APP = "ip4dialogue:create_app()", "benchmarks.floor:create_floor_app()"


def seconds(action: Callable[[], Any]) -> float:
    """The CPU time `action` takes: in this shared virtual machine, what other guests do
    would otherwise count as the app's time, or the floor's, at random."""
    began = time.process_time()
    action()
    return time.process_time() - began


def median_seconds(action: Callable[[], Any], repeats: int = PAIRS, before=None) -> float:
    samples = []
    for _ in range(repeats):
        if before:
            before()
        samples.append(seconds(action))
    return statistics.median(samples)


def paired_ratio(action, floor_action, before=None) -> float:
    """The median of PAIRS ratios, each of the app and its floor measured back to back, so
    that what the machine does meanwhile weighs on both alike."""
    ratios = []
    for _ in range(PAIRS):
        if before:
            before()
        ratios.append(seconds(action) / seconds(floor_action))
    return statistics.median(ratios)


def counted(engine, action) -> int:
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def bench_app(folder: str, **config: Any) -> Flask:
    os.environ["IP4DIALOGUE_INSTANCE_PATH"] = folder
    settings = {
        "ENV": "testing",
        "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
        "BASE_URL": "https://x",
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }
    return create_app(settings | config)


# Pages


def add_registrations(count: int) -> str:
    """`count` confirmed registrations spread over countries; returns one private token."""
    dialogue = db.session.scalars(select(Dialogue)).one()
    countries = [
        Country(code=code, name=name, group=group)
        for code, name, group in (
            ("KR", "South Korea", CountryGroup.IP4),
            ("DE", "Germany", CountryGroup.NATO),
            ("SG", "Singapore", CountryGroup.OTHER),
        )
    ]
    db.session.add_all(countries)
    token, token_hash = new_secret()
    now = utcnow()
    for number in range(count):
        person = Participant(
            name=f"Expert {number}",
            email=f"e{number}@example.org",
            affiliation="Institute",
            country_code=countries[number % 3].code,
        )
        db.session.add(
            Registration(
                participant=person,
                dialogue=dialogue,
                status=RegistrationStatus.CONFIRMED,
                manage_token_hash=token_hash if number == 0 else new_secret()[1],
                consent_data_processing_at=now,
            )
        )
    db.session.commit()
    return token


class Pages:
    """A dialogue of `items` items served in-process, with the floors of its feed and page."""

    feed_url, programme_url = "/dialogues/bench/agenda.ics", "/dialogues/bench"

    def __init__(self, folder: str, items: int, registrations: int) -> None:
        self.app = bench_app(folder)
        with self.app.app_context():
            Base.metadata.create_all(db.engine)
            build_dialogue(items)
            self.token = add_registrations(registrations)
            with transaction():
                create_organiser("bench@example.org", "Bench", PASSWORD)
            self.dialogue_id = db.session.scalars(select(Dialogue.id)).one()
            self.engine = db.engine
        self.client = self.app.test_client()
        self.client.get(self.feed_url)
        with self.app.app_context():
            # The floors' objects, detached: the app's commits cannot expire them, and any
            # attribute a template had to load lazily would fail instead of querying.
            self.loaded = public_agenda("bench", utcnow())
            db.session.expunge_all()
        self.context = programme_context(self.loaded, None, None)
        self.values = plain_events(self.loaded)

    def clear(self) -> None:
        with self.app.app_context():
            cache.clear()

    def feed(self) -> bytes:
        return self.client.get(self.feed_url).data

    def feed_floor(self) -> bytes:
        return floor(self.values, self.loaded.dialogue)

    def programme(self) -> bytes:
        return self.client.get(self.programme_url).data

    def programme_floor(self) -> str:
        with self.app.test_request_context(self.programme_url):
            return render_template("dialogues/programme.html", **self.context)

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


def measure_pages(items: int, registrations: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        pages = Pages(folder, items, registrations)
        client, engine = pages.client, pages.engine
        cold = median_seconds(pages.feed, before=pages.clear)
        etag = client.get(pages.feed_url).headers["ETag"]

        def revalidate() -> None:
            client.get(pages.feed_url, headers={"If-None-Match": etag})

        results = {
            "items": items,
            "registrations": registrations,
            "feed_cold_ms": cold * 1000,
            "feed_warm_ms": median_seconds(pages.feed) * 1000,
            "feed_cold_to_floor": paired_ratio(pages.feed, pages.feed_floor, before=pages.clear),
            "programme_ms": median_seconds(pages.programme, before=pages.clear) * 1000,
            "programme_to_floor": paired_ratio(
                pages.programme, pages.programme_floor, before=pages.clear
            ),
        }
        pages.clear()
        results |= {
            "programme_queries": counted(engine, pages.programme),
            "revalidation_304_ms": median_seconds(revalidate) * 1000,
            "revalidation_queries": counted(engine, revalidate),
            "schedule_ms": median_seconds(
                lambda: client.get(f"/registrations/{pages.token}/schedule.ics").data,
                before=pages.clear,
            )
            * 1000,
        }
        client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
        roster_url = f"/organise/dialogues/{pages.dialogue_id}/registrations"
        results["registrant_list_ms"] = median_seconds(lambda: client.get(roster_url)) * 1000
        results["registrant_list_queries"] = counted(engine, lambda: client.get(roster_url))
        pages.close()
    return results


def default_collector() -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)


COLLECTORS = (("default", default_collector), ("tuned", tune_garbage_collector))


def collector_rounds(items: int = 500) -> list[dict]:
    """The feed's and the programme's ratios to their floors in ROUNDS rounds, each with the
    default collector and then with the tuned one of the workers."""
    rounds = []
    with tempfile.TemporaryDirectory() as folder:
        pages = Pages(folder, items, 0)
        for number in range(1, ROUNDS + 1):
            row: dict[str, Any] = {"round": number}
            for setting, prepare in (
                ("default", default_collector),
                ("tuned", tune_garbage_collector),
            ):
                prepare()
                row[f"feed_{setting}"] = paired_ratio(
                    pages.feed, pages.feed_floor, before=pages.clear
                )
                row[f"programme_{setting}"] = paired_ratio(
                    pages.programme, pages.programme_floor, before=pages.clear
                )
            rounds.append(row)
        pages.close()
    default_collector()
    return rounds


# One registration


def registration_cost(agenda: int | str) -> dict:
    """Statements of one registration, its form and its confirmation (each one seated), and
    how long they hold the seat lock, from SQLite's write to the dialogue's row to the
    commit."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'costs.sqlite'}"
        slug = prepare_load_dialogue(url, 100_000, agenda)
        app = bench_app(folder, DATABASE_URL=url)
        client = app.test_client()
        with app.app_context():
            engine = db.engine
        instance = Path(app.instance_path)
        post_registration(client, slug, 0, url, instance)  # warms the caches up
        measured = [
            lock_held(
                engine,
                lambda number=number: post_registration(client, slug, number, url, instance),
            )
            for number in range(1, PAIRS + 1)
        ]
        with app.app_context():
            db.engine.dispose()
    return {
        "agenda": "sample (13)" if agenda == SAMPLE else str(agenda),
        "statements": statistics.median(count for count, _ in measured),
        "lock_held_ms": statistics.median(held for _, held in measured) * 1000,
    }


def lock_held(engine, action: Callable[[], Any]) -> tuple[int, float]:
    """The statements `action` runs, and the seconds from the seat lock to the commit."""
    marks: list[tuple[str, float]] = []

    def statement(conn, cursor, sql, *args) -> None:
        marks.append(
            ("lock" if sql.startswith("UPDATE dialogues SET id = id") else "", time.perf_counter())
        )

    def commit(conn) -> None:
        marks.append(("commit", time.perf_counter()))

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    held, locked_at = 0.0, None
    for kind, moment in marks:  # each request's span, from its lock to its commit
        if kind == "lock" and locked_at is None:
            locked_at = moment
        elif kind == "commit" and locked_at is not None:
            held, locked_at = held + moment - locked_at, None
    return sum(kind != "commit" for kind, _ in marks), held


def post_registration(client, slug: str, number: int, database_url: str, instance: Path) -> None:
    """Both steps of a registration: the form, then the link that confirms the address."""
    email = f"cost{number}@example.org"
    response = client.post(
        f"/dialogues/{slug}/register",
        data={
            "name": f"Expert {number}",
            "email": email,
            "affiliation": "Institute",
            "country_code": "KR",
            "sector": "think_tank",
            "consent_data_processing": "y",
            "consent_chatham_house": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post(Mailbox(database_url, instance).confirmation_link(email, slug))
    assert response.status_code == 302, response.get_data(as_text=True)


# Throughput


def registration_rate(database_url: str, agenda, app: str, seats: int = 50) -> dict:
    """Four client processes of 50 registrations each, at once, against WORKERS workers. A
    registration is done when it is confirmed from the link in its first message, and its
    rows and its second message are committed: the app hands mail to the broker (no worker
    runs), so no request waits for SMTP."""
    clients, each = 4, 50
    slug = prepare_load_dialogue(database_url, seats, agenda)
    with (
        tempfile.TemporaryDirectory() as folder,
        broker_queue() as queue,
        gunicorn(
            database_url,
            WORKERS,
            Path(folder),
            app=app,
            settings={"BROKER_URL": BROKER, "BROKER_QUEUE": queue},
        ) as server,
    ):
        batches = [[f"r{c}-{n}@example.org" for n in range(each)] for c in range(clients)]
        with get_context("spawn").Pool(clients) as pool:
            began = time.perf_counter()
            results = pool.starmap(
                register_batch,
                [(server.url, slug, b, Mailbox(database_url, Path(folder))) for b in batches],
            )
            elapsed = time.perf_counter() - began
    statuses = [status for batch in results for status in batch]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        confirmed = connection.execute(
            text("SELECT count(*) FROM registrations WHERE status = 'confirmed'")
        ).scalar()
        queued = connection.execute(text("SELECT count(*) FROM outgoing_messages")).scalar()
    engine.dispose()
    return {
        "per_second": clients * each / elapsed,
        "errors": sum(status != 200 for status in statuses),
        "overbooked": max(0, confirmed - seats),
        "unqueued": 2 * clients * each - queued,  # asked to confirm, then confirmed
    }


def registration_rates(databases: dict[str, Callable[[], str]]) -> list[dict]:
    """The app and the floor, in alternating rounds, for each database and agenda."""
    rows = []
    for database, fresh_url in databases.items():
        for agenda in AGENDAS:
            ours, floors, errors, overbooked, unqueued = [], [], 0, 0, 0
            for _ in range(RATE_ROUNDS):
                for app, rates in ((APP, ours), (FLOOR_APP, floors)):
                    url = fresh_url()
                    try:
                        result = registration_rate(url, agenda, app)
                    finally:
                        drop_database(url)
                    rates.append(result["per_second"])
                    errors += result["errors"]
                    overbooked += result["overbooked"] if app == APP else 0
                    unqueued += result["unqueued"] if app == APP else 0
            app_rate, floor_rate = statistics.median(ours), statistics.median(floors)
            rows.append(
                {
                    "database": database,
                    "agenda": "sample (13)" if agenda == SAMPLE else str(agenda),
                    "per_second": app_rate,
                    "floor_per_second": floor_rate,
                    "to_floor": app_rate / floor_rate,
                    "errors": errors,
                    "overbooked": overbooked,
                    "unqueued": unqueued,
                }
            )
            print(f"  {rows[-1]}", flush=True)
    return rows


# Memory and databases


def worker_peak_memory(items: int) -> float:
    """Peak resident memory (MB) of a single gunicorn worker serving the largest dialogue."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'memory.sqlite'}"
        app = bench_app(folder, DATABASE_URL=url)
        with app.app_context():
            Base.metadata.create_all(db.engine)
            build_dialogue(items)
            db.engine.dispose()
        with gunicorn(url, 1, Path(folder)) as server:
            for path in ("/dialogues/bench/agenda.ics", "/dialogues/bench", "/dialogues/bench/x"):
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(server.url + path, timeout=60).read()  # noqa: S310
            [worker] = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            status = Path(f"/proc/{worker}/status").read_text()
            peak_kb = int(
                next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]
            )
    return peak_kb / 1024


def sqlite_urls(folder: str) -> Callable[[], str]:
    def fresh() -> str:
        return f"sqlite:///{Path(folder) / f'load-{secrets.token_hex(4)}.sqlite'}"

    return fresh


def postgresql_urls() -> Callable[[], str] | None:
    """A new database on the benchmark's server each time, or None when there is none."""
    server = os.environ.get(
        "IP4DIALOGUE_BENCH_POSTGRESQL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )

    def fresh() -> str:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        name = f"ip4dialogue_bench_{secrets.token_hex(4)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    try:
        drop_database(fresh())
    except Exception:
        return None
    return fresh


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    tune_garbage_collector()  # as the workers do; the collector rounds compare both
    results: dict[str, Any] = {"machine": machine(), "sizes": []}
    for items, registrations in SIZES:
        print(f"pages at {items} items, {registrations} registrations ...", flush=True)
        results["sizes"].append(measure_pages(items, registrations))
    print("the collector, default and tuned ...", flush=True)
    results["collector_rounds"] = collector_rounds()
    tune_garbage_collector()
    print("one registration ...", flush=True)
    results["registration_costs"] = [registration_cost(agenda) for agenda in (0, *AGENDAS)]
    print("registrations per second ...", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        databases = {"sqlite": sqlite_urls(folder)}
        if postgresql := postgresql_urls():
            databases["postgresql"] = postgresql
        results["registration_rates"] = registration_rates(databases)
    print("a mail worker draining the outbox ...", flush=True)
    results["mail_drain"] = drain_rate()
    print("peak memory of a worker ...", flush=True)
    results["worker_peak_memory_mb"] = worker_peak_memory(SIZES[-1][0])
    print("the briefing book of 2000 sessions ...", flush=True)
    results["briefing"] = briefing.measure()
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report = render_report(results)
    (ROOT / "docs" / "performance.md").write_text(report)
    print(report)


# The report


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


SIZE_COLUMNS = (
    ("items", "items", "{}"),
    ("registrations", "registrations", "{}"),
    ("feed cold", "feed_cold_ms", "{:.1f} ms"),
    ("feed warm", "feed_warm_ms", "{:.2f} ms"),
    ("cold / icalendar floor", "feed_cold_to_floor", "{:.2f}"),
    ("programme", "programme_ms", "{:.1f} ms"),
    ("programme / template floor", "programme_to_floor", "{:.2f}"),
    ("programme queries", "programme_queries", "{}"),
    ("304", "revalidation_304_ms", "{:.2f} ms"),
    ("304 queries", "revalidation_queries", "{}"),
    ("personal schedule", "schedule_ms", "{:.1f} ms"),
    ("registrant list", "registrant_list_ms", "{:.1f} ms"),
    ("list queries", "registrant_list_queries", "{}"),
)
ROUND_COLUMNS = (
    ("round", "round", "{}"),
    ("feed / floor, default collector", "feed_default", "{:.2f}"),
    ("feed / floor, tuned", "feed_tuned", "{:.2f}"),
    ("programme / floor, default", "programme_default", "{:.2f}"),
    ("programme / floor, tuned", "programme_tuned", "{:.2f}"),
)
COST_COLUMNS = (
    ("agenda (items)", "agenda", "{}"),
    ("SQL statements", "statements", "{:.0f}"),
    ("seat lock held", "lock_held_ms", "{:.1f} ms"),
)
RATE_COLUMNS = (
    ("database", "database", "{}"),
    ("agenda (items)", "agenda", "{}"),
    ("registrations / s", "per_second", "{:.1f}"),
    ("floor / s", "floor_per_second", "{:.1f}"),
    ("app / floor", "to_floor", "{:.2f}"),
    ("errors", "errors", "{}"),
    ("overbooked seats", "overbooked", "{}"),
    ("messages not queued", "unqueued", "{}"),
)
DRAIN_COLUMNS = (
    ("messages", "messages", "{}"),
    ("worker processes", "concurrency", "{}"),
    ("worker / s", "per_second", "{:.0f}"),
    ("smtplib floor / s", "floor_per_second", "{:.0f}"),
    ("worker / floor", "to_floor", "{:.2f}"),
    ("received", "received", "{}"),
    ("twice", "duplicates", "{}"),
)


def table(columns: tuple, rows: list[dict]) -> list[str]:
    header = "| " + " | ".join(title for title, _, _ in columns) + " |"
    rule = "|" + " --- |" * len(columns)
    body = [
        "| " + " | ".join(fmt.format(row[key]) for _, key, fmt in columns) + " |" for row in rows
    ]
    return [header, rule, *body]


def targets(results: dict) -> list[str]:
    sizes, rounds = results["sizes"], results["collector_rounds"]
    costs, rates = results["registration_costs"], results["registration_rates"]
    at_500 = next(size for size in sizes if size["items"] == 500)
    flat = all(
        len({size[key] for size in sizes}) == 1
        for key in ("programme_queries", "revalidation_queries", "registrant_list_queries")
    )
    with_items = [cost for cost in costs if cost["agenda"] != "0"]  # an empty one does less
    memory = results["worker_peak_memory_mb"]
    worst_feed = max(row["feed_tuned"] for row in rounds)
    checks = [
        (
            "A registration runs the same statements at 13 and 300 items",
            " / ".join(f"{cost['statements']:.0f}" for cost in costs),
            len({cost["statements"] for cost in with_items}) == 1,
        ),
        (
            "Registration throughput at least half its floor's, on every database and agenda",
            ", ".join(f"{rate['to_floor']:.2f}" for rate in rates),
            all(rate["to_floor"] >= 0.5 for rate in rates),
        ),
        (
            "Programme at most 2 x its template floor at 500 items",
            f"{at_500['programme_to_floor']:.2f}",
            at_500["programme_to_floor"] <= 2,
        ),
        (
            "Cold feed at most 1.5 x its icalendar floor at 500 items in every round (tuned)",
            f"worst {worst_feed:.2f}",
            worst_feed <= 1.5,
        ),
        ("Query counts of pages that do not grow with size", "see the table", flat),
        (
            "No overbooked seat",
            f"{sum(rate['overbooked'] for rate in rates)} overbooked",
            all(rate["overbooked"] == 0 for rate in rates),
        ),
        (
            "Every registration's message committed with it",
            f"{sum(rate['unqueued'] for rate in rates)} missing",
            all(rate["unqueued"] == 0 for rate in rates),
        ),
        ("Under 150 MB per worker", f"{memory:.0f} MB", memory < 150),
    ]
    if book := results.get("briefing"):
        checks.append(
            (
                f"The briefing book of {book['sessions']} sessions within a person's patience "
                f"({book['patience_seconds']} s)",
                f"{book['book_seconds']:.1f} s, {book['book_to_floor']:.2f} x its floor",
                book["within_patience"],
            )
        )
    if drain := results.get("mail_drain"):
        checks.append(
            (
                "A drained outbox delivers every message once",
                f"{drain['received']} of {drain['expected']}, {drain['duplicates']} twice",
                drain["received"] == drain["expected"] and drain["duplicates"] == 0,
            )
        )
    return [f"- {what}: {value}, {verdict(ok)}." for what, value, ok in checks]


def render_report(results: dict) -> str:
    info = results["machine"]
    largest = results["sizes"][-1]["items"]
    return "\n".join(
        [
            "# Performance",
            "",
            "Measured by `make bench` (benchmarks/run.py). Every ratio compares the app with a",
            "floor measured in the same run, side by side: each page ratio is the median of",
            f"{PAIRS} back-to-back pairs, so what the machine does meanwhile weighs on both.",
            "Times measured in-process are CPU times; registrations per second are wall-clock.",
            "",
            f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; Python",
            f"{info['python']}, SQLite {info['sqlite']}; {info['system']}; {info['date']}.",
            "",
            "## Pages",
            "",
            *table(SIZE_COLUMNS, results["sizes"]),
            "",
            "## The garbage collector",
            "",
            "Workers freeze what start-up allocated and collect the youngest generation after",
            "50,000 allocations (ip4dialogue.gunicorn_conf.tune_garbage_collector). At 500 items:",
            "",
            *table(ROUND_COLUMNS, results["collector_rounds"]),
            "",
            "## One registration",
            "",
            *table(COST_COLUMNS, results["registration_costs"]),
            "",
            "## Registrations per second",
            "",
            f"Four client processes register 200 experts at once for 50 seats; {WORKERS} gunicorn",
            "workers; medians of three rounds, the app's and the floor's alternating.",
            "",
            *table(RATE_COLUMNS, results["registration_rates"]),
            "",
            "A registration counts when its rows and its confirmation are committed: the app",
            "hands its mail to the broker (Redis) and no request speaks to SMTP. The floor writes",
            "the same rows, the message among them, in one transaction.",
            "",
            f"Peak memory of one worker serving the {largest}-item dialogue: "
            f"{results['worker_peak_memory_mb']:.0f} MB.",
            "",
            "## Mail",
            "",
            "`ip4dialogue worker --concurrency 4` drains 1000 queued confirmations (both bodies",
            "and a calendar part) to an SMTP server on loopback, from their commit until the last",
            "is marked sent; the floor hands the same MIME messages to the same server from four",
            "threads with smtplib, a connection a message, as the worker does.",
            "",
            *(
                table(DRAIN_COLUMNS, [results["mail_drain"]])
                if results.get("mail_drain")
                else ["Not measured: no broker answered."]
            ),
            "",
            *(briefing.report(results["briefing"]) if results.get("briefing") else []),
            "## Targets",
            "",
            *targets(results),
            "",
        ]
    )


if __name__ == "__main__":
    main()
