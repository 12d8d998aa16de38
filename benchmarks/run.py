"""`make bench`: the whole performance picture, measured on this machine in one run.

For synthetic dialogues of 50, 500 and 2000 items (with 100, 1000 and 10000 registrations) it
times, as medians of several requests through the whole app:
- the agenda feed cold (built) and warm (cached), and the cold feed against icalendar's floor
  (the same events built and serialised from plain values);
- the public programme against a template floor (the same template rendered from objects
  already in memory), with its SQL query count;
- a personal schedule, and a 304 revalidation with its query count;
- the organisers' registrant list (first page) with its query count;
then registrations per second against 2 and 4 gunicorn workers on SQLite and PostgreSQL, with
the number of overbooked seats (must be 0), and the peak memory of a worker serving the
largest dialogue. Results go to benchmarks/results.json and docs/performance.md.

Set IP4DIALOGUE_BENCH_POSTGRESQL to a server URL (database created and dropped) to include
PostgreSQL; `make bench` uses the local one when it answers.
"""

import contextlib
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
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from flask import render_template
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.registration.test_concurrency import gunicorn, prepare_load_dialogue, register_batch

from benchmarks.feed import build_dialogue, floor, plain_events
from ip4dialogue import create_app
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.countries.models import Country, CountryGroup
from ip4dialogue.database import Base, utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.programme import programme_context
from ip4dialogue.dialogues.queries import public_dialogue
from ip4dialogue.extensions import cache, db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.tokens import new_secret
from ip4dialogue.unit_of_work import transaction

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(50, 100), (500, 1000), (2000, 10000)]
REPEATS = 5
PASSWORD = "benchmark passphrase"  # noqa: S105 (a throwaway account in a temporary database)


def median_seconds(action, repeats: int = REPEATS, before=None) -> float:
    samples = []
    for _ in range(repeats):
        if before:
            before()
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def counted(engine, action) -> int:
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


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


def measure_size(items: int, registrations: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["IP4DIALOGUE_INSTANCE_PATH"] = folder
        app = create_app(
            {
                "ENV": "testing",
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "BASE_URL": "https://x",
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            Base.metadata.create_all(db.engine)
            build_dialogue(items)
            token = add_registrations(registrations)
            with transaction():
                create_organiser("bench@example.org", "Bench", PASSWORD)
            dialogue_id = db.session.scalars(select(Dialogue.id)).one()
            engine = db.engine
        client = app.test_client()
        feed_url, programme_url = "/dialogues/bench/agenda.ics", "/dialogues/bench"
        client.get(feed_url)

        def clear() -> None:
            with app.app_context():
                cache.clear()

        cold = median_seconds(lambda: client.get(feed_url).data, before=clear)
        warm = median_seconds(lambda: client.get(feed_url).data)
        etag = client.get(feed_url).headers["ETag"]
        revalidation = median_seconds(lambda: client.get(feed_url, headers={"If-None-Match": etag}))
        revalidation_queries = counted(
            engine, lambda: client.get(feed_url, headers={"If-None-Match": etag})
        )
        programme = median_seconds(lambda: client.get(programme_url).data, before=clear)
        clear()
        programme_queries = counted(engine, lambda: client.get(programme_url))

        schedule = median_seconds(
            lambda: client.get(f"/registrations/{token}/schedule.ics").data, before=clear
        )
        client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
        roster_url = f"/organise/dialogues/{dialogue_id}/registrations"
        roster = median_seconds(lambda: client.get(roster_url).data)
        roster_queries = counted(engine, lambda: client.get(roster_url))
        # The floors: the same work from objects already in memory, no database involved.
        with app.test_request_context(programme_url):
            loaded = public_dialogue("bench")
            context = programme_context(loaded, None, None)
            values = plain_events(loaded)
            icalendar_floor = median_seconds(lambda: floor(values, loaded))
            template_floor = median_seconds(
                lambda: render_template("dialogues/programme.html", **context)
            )
            db.engine.dispose()
    return {
        "items": items,
        "registrations": registrations,
        "feed_cold_ms": cold * 1000,
        "feed_warm_ms": warm * 1000,
        "icalendar_floor_ms": icalendar_floor * 1000,
        "feed_cold_to_floor": cold / icalendar_floor,
        "feed_warm_to_cold": warm / cold,
        "programme_ms": programme * 1000,
        "template_floor_ms": template_floor * 1000,
        "programme_to_floor": programme / template_floor,
        "programme_queries": programme_queries,
        "schedule_ms": schedule * 1000,
        "revalidation_304_ms": revalidation * 1000,
        "revalidation_queries": revalidation_queries,
        "registrant_list_ms": roster * 1000,
        "registrant_list_queries": roster_queries,
    }


def registration_rate(
    database_url: str, workers: int, seats: int = 50, clients: int = 4, each: int = 50
) -> dict:
    prepare_load_dialogue(database_url, seats)
    with (
        tempfile.TemporaryDirectory() as folder,
        gunicorn(database_url, workers, Path(folder)) as server,
    ):
        batches = [[f"r{c}-{n}@example.org" for n in range(each)] for c in range(clients)]
        began = time.perf_counter()
        with get_context("spawn").Pool(clients) as pool:
            results = pool.starmap(register_batch, [(server.url, batch) for batch in batches])
        elapsed = time.perf_counter() - began
    statuses = [status for batch in results for status in batch]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        confirmed = connection.execute(
            text("SELECT count(*) FROM registrations WHERE status = 'confirmed'")
        ).scalar()
    engine.dispose()
    return {
        "workers": workers,
        "registrations": clients * each,
        "per_second": clients * each / elapsed,
        "errors": sum(status != 200 for status in statuses),
        "overbooked": max(0, confirmed - seats),
    }


def worker_peak_memory(items: int) -> float:
    """Peak resident memory (MB) of a single gunicorn worker serving the largest dialogue."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'memory.sqlite'}"
        os.environ["IP4DIALOGUE_INSTANCE_PATH"] = folder
        app = create_app({"ENV": "testing", "DATABASE_URL": url})
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


def postgresql_url() -> str | None:
    server = os.environ.get(
        "IP4DIALOGUE_BENCH_POSTGRESQL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    try:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = f"ip4dialogue_bench_{secrets.token_hex(4)}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception:
        return None
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{make_url(url).database}" WITH (FORCE)'))
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
    results = {"machine": machine(), "sizes": [], "registrations_per_second": []}
    for items, registrations in SIZES:
        print(f"measuring {items} items, {registrations} registrations ...", flush=True)
        results["sizes"].append(measure_size(items, registrations))
    with tempfile.TemporaryDirectory() as folder:
        for workers in (2, 4):
            print(f"registrations per second, SQLite, {workers} workers ...", flush=True)
            rate = registration_rate(f"sqlite:///{Path(folder) / f'load{workers}.sqlite'}", workers)
            results["registrations_per_second"].append({"database": "sqlite", **rate})
    for workers in (2, 4):
        url = postgresql_url()
        if url is None:
            break
        print(f"registrations per second, PostgreSQL, {workers} workers ...", flush=True)
        try:
            results["registrations_per_second"].append(
                {"database": "postgresql", **registration_rate(url, workers)}
            )
        finally:
            drop_database(url)
    print("peak memory of a worker ...", flush=True)
    results["worker_peak_memory_mb"] = worker_peak_memory(SIZES[-1][0])
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report = render_report(results)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text(report)
    print(report)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


SIZE_COLUMNS = (
    ("items", "items", "{}"),
    ("registrations", "registrations", "{}"),
    ("feed cold", "feed_cold_ms", "{:.1f} ms"),
    ("feed warm", "feed_warm_ms", "{:.2f} ms"),
    ("warm / cold", "feed_warm_to_cold", "{:.3f}"),
    ("cold / icalendar floor", "feed_cold_to_floor", "{:.2f}"),
    ("programme", "programme_ms", "{:.1f} ms"),
    ("programme / template floor", "programme_to_floor", "{:.2f}"),
    ("programme queries", "programme_queries", "{}"),
    ("personal schedule", "schedule_ms", "{:.1f} ms"),
    ("304", "revalidation_304_ms", "{:.2f} ms"),
    ("304 queries", "revalidation_queries", "{}"),
    ("registrant list", "registrant_list_ms", "{:.1f} ms"),
    ("list queries", "registrant_list_queries", "{}"),
)
RATE_COLUMNS = (
    ("database", "database", "{}"),
    ("workers", "workers", "{}"),
    ("registrations", "registrations", "{}"),
    ("per second", "per_second", "{:.0f}"),
    ("errors", "errors", "{}"),
    ("overbooked seats", "overbooked", "{}"),
)


def table(columns: tuple, rows: list[dict]) -> list[str]:
    header = "| " + " | ".join(title for title, _, _ in columns) + " |"
    rule = "|" + " --- |" * len(columns)
    body = [
        "| " + " | ".join(fmt.format(row[key]) for _, key, fmt in columns) + " |" for row in rows
    ]
    return [header, rule, *body]


def targets(results: dict) -> list[str]:
    sizes, rates = results["sizes"], results["registrations_per_second"]
    at_500 = next(size for size in sizes if size["items"] == 500)
    flat = all(
        len({size[key] for size in sizes}) == 1
        for key in ("programme_queries", "revalidation_queries", "registrant_list_queries")
    )
    memory = results["worker_peak_memory_mb"]
    checks = [
        (
            "Cold feed at most 1.5 x its icalendar floor at 500 items",
            f"{at_500['feed_cold_to_floor']:.2f}",
            at_500["feed_cold_to_floor"] <= 1.5,
        ),
        (
            "Warm feed under a twentieth of the cold one at 500 items",
            f"{at_500['feed_warm_to_cold']:.3f}",
            at_500["feed_warm_to_cold"] < 0.05,
        ),
        (
            "Programme at most 2 x its template floor at 500 items",
            f"{at_500['programme_to_floor']:.2f}",
            at_500["programme_to_floor"] <= 2,
        ),
        ("Query counts that do not grow with size", "see the table", flat),
        (
            "No overbooked seat",
            f"{sum(rate['overbooked'] for rate in rates)} overbooked",
            all(rate["overbooked"] == 0 for rate in rates),
        ),
        ("Under 150 MB per worker", f"{memory:.0f} MB", memory < 150),
    ]
    return [f"- {what}: {value}, {verdict(ok)}." for what, value, ok in checks]


def render_report(results: dict) -> str:
    info = results["machine"]
    largest = results["sizes"][-1]["items"]
    return "\n".join(
        [
            "# Performance",
            "",
            "Measured by `make bench` (benchmarks/run.py). Every ratio compares two timings taken",
            "in the same run on the same machine: medians of several requests through the whole",
            "app (routing, queries, rendering), on SQLite unless said otherwise.",
            "",
            f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; Python",
            f"{info['python']}, SQLite {info['sqlite']}; {info['system']}; {info['date']}.",
            "",
            *table(SIZE_COLUMNS, results["sizes"]),
            "",
            *table(RATE_COLUMNS, results["registrations_per_second"]),
            "",
            f"Peak memory of one worker serving the {largest}-item dialogue: "
            f"{results['worker_peak_memory_mb']:.0f} MB.",
            "",
            "## Targets",
            "",
            *targets(results),
            "",
        ]
    )


if __name__ == "__main__":
    main()
