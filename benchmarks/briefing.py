"""The briefing book of a 2,000-session dialogue: how long a person waits for the PDF, and how
that compares with WeasyPrint laying out the very same words with no style at all, measured
side by side in the same run.

The dialogue has a real agenda's shape (benchmarks.load.synthetic_agenda): sessions over four
days in eight rooms, each with a speaker, themes and a recommendation, under the Chatham House
Rule, and 300 confirmed participants of whom two thirds agreed to be named. The book is asked
for as a reader asks for it (GET /dialogues/<slug>/briefing.pdf, the cache emptied first).

    .venv/bin/python benchmarks/briefing.py      (also part of `make bench`)
"""

import html
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.feed import build_dialogue
from ip4dialogue import create_app
from ip4dialogue.briefing.documents import BriefingBook
from ip4dialogue.briefing.services import briefing_book, named_participants
from ip4dialogue.database import Base, utcnow
from ip4dialogue.dialogues.queries import public_agenda
from ip4dialogue.extensions import cache, db
from ip4dialogue.people.models import Participant
from ip4dialogue.printing import html_to_pdf
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.report.queries import current_report

SESSIONS = 2000
HOURS = 81  # 09:00 on the first day in Seoul to 18:00 on the fourth
PARTICIPANTS = 300
REPEATS = 3
# What a person would wait for a download before giving up on it: a minute, generously.
PATIENCE_SECONDS = 60
URL = "/dialogues/bench/briefing.pdf"


def build(sessions: int) -> None:
    """The published dialogue at /dialogues/bench, its agenda and its participants (who
    register after the release: no calendar mail to queue)."""
    dialogue = build_dialogue(sessions, days=4, hours=HOURS, chatham_house=True)
    now = utcnow()
    for number in range(PARTICIPANTS):
        person = Participant(
            name=f"Expert {number} of the benchmark",
            email=f"p{number}@example.org",
            affiliation="Institute for Strategic Studies",
            consent_to_be_listed=number % 3 != 0,
        )
        db.session.add(
            Registration(
                participant=person,
                dialogue=dialogue,
                status=RegistrationStatus.CONFIRMED,
                consent_data_processing_at=now,
            )
        )
    db.session.commit()


def plain_html(book: BriefingBook) -> str:
    """The floor's document: the book's words, each session one unstyled paragraph, no
    cover, headers, page numbers, floats or page breaks."""
    lines = [book.title, book.dates, book.place]
    for day in book.days:
        lines.append(day.heading)
        lines += [
            " ".join(
                (
                    *(session.time, session.title, session.kind, session.room),
                    *(session.description, *session.people),
                    *(*session.recommendations, *session.themes),
                )
            )
            for session in day.sessions
        ]
    lines += [f"{p.name} {p.institution} {p.country}" for p in book.participants]
    lines += [f"{r.number} {r.short_title} {r.text}" for r in book.recommendations]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f'<!doctype html><html lang="en"><meta charset="utf-8"><body>{body}</body></html>'


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock seconds (what the reader waits), CPU seconds, and the result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(sessions: int = SESSIONS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENV": "testing",
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'briefing.sqlite'}",
                "BASE_URL": "https://x",
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            Base.metadata.create_all(db.engine)
            build(sessions)
        client = app.test_client()
        with app.test_request_context(URL):
            agenda = public_agenda("bench", utcnow())
            people = named_participants(agenda.dialogue)
            book = briefing_book(agenda, current_report(), people, datetime.now(UTC))
            floor_document = plain_html(book)
        html_to_pdf("<p>warm up</p>")  # WeasyPrint and its fonts loaded once, as in a worker
        ours, floors, cpus, trivial = [], [], [], []
        size = pages = 0
        for _ in range(REPEATS):
            with app.app_context():
                cache.clear()
            wall, cpu, response = timed(lambda: client.get(URL))
            assert response.status_code == 200, response.status_code
            ours.append(wall)
            cpus.append(cpu)
            size = len(response.data)
            pages = len(PdfReader(BytesIO(response.data)).pages)
            floors.append(timed(lambda: html_to_pdf(floor_document))[0])
            trivial.append(timed(lambda: html_to_pdf("<p>One page.</p>"))[0])
        etag = client.get(URL).headers["ETag"]
        revalidate, _, again = timed(lambda: client.get(URL, headers={"If-None-Match": etag}))
        assert again.status_code == 304
        with app.app_context():
            db.engine.dispose()
    seconds = statistics.median(ours)
    return {
        "sessions": sessions,
        "days": len(book.days),
        "named_participants": len(book.participants),
        "pdf_kb": round(size / 1024),
        "pages": pages,
        "book_seconds": seconds,
        "book_cpu_seconds": statistics.median(cpus),
        "floor_seconds": statistics.median(floors),
        "book_to_floor": statistics.median(o / f for o, f in zip(ours, floors, strict=True)),
        "one_page_seconds": statistics.median(trivial),
        "revalidation_304_ms": revalidate * 1000,
        "patience_seconds": PATIENCE_SECONDS,
        "within_patience": seconds < PATIENCE_SECONDS,
    }


def report(result: dict[str, Any]) -> list[str]:
    """The section of docs/performance.md."""
    verdict = "holds" if result["within_patience"] else "**does not hold**"
    return [
        "## The briefing book",
        "",
        f"A dialogue of {result['sessions']} sessions over {result['days']} days, "
        f"{result['named_participants']} participants named; GET "
        "/dialogues/<slug>/briefing.pdf with the cache empty, median of "
        f"{REPEATS}, wall-clock: what a person waits.",
        "",
        "| book | pages | size | CPU | floor: same words, unstyled | book / floor "
        "| one-page PDF | 304 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {result['book_seconds']:.1f} s | {result['pages']} | {result['pdf_kb']} KB "
        f"| {result['book_cpu_seconds']:.1f} s | {result['floor_seconds']:.1f} s "
        f"| {result['book_to_floor']:.2f} | {result['one_page_seconds'] * 1000:.0f} ms "
        f"| {result['revalidation_304_ms']:.1f} ms |",
        "",
        f"A person would wait: a download that takes under {result['patience_seconds']} s. "
        f"At {result['sessions']} sessions that {verdict}. The floor is WeasyPrint laying out "
        "the very same words as bare paragraphs, without the book's cover, running headers, "
        "page numbers, floats or page breaks; once made, the book is cached per version "
        "and a client holding it gets a 304.",
        "",
    ]


if __name__ == "__main__":
    outcome = measure(int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS)
    print(outcome)
    print("\n".join(report(outcome)))
