"""The briefing book as its readers get it: downloaded from the programme's link, read back
with pypdf and drawn with poppler (tests/pdfs.py)."""

import socket
import sys
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ip4dialogue.dialogues.models import DialogueStatus
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from tests.briefing.conftest import (
    CANCELLED,
    INJECTED,
    JAPANESE_NAME,
    KOREAN_NAME,
    NAMED_SPEAKER,
    SECRET,
    UNNAMED_SPEAKER,
    WAITING,
)
from tests.helpers import release
from tests.pdfs import assert_in_order, dark_pixels, font_names, page_image, pdf_lines, pdf_text


@pytest.fixture
def book(client, briefing, weasyprint_loaded) -> bytes:
    response = client.get(briefing.url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def test_the_book_has_a_cover_practical_information_each_day_participants_and_recommendations(
    book, briefing
):
    assert_in_order(
        pdf_lines(book),
        [
            "Indo-Pacific Security Dialogue",
            "Third Dialogue: Deterrence at sea",
            "Korea Foundation Global Center, Seoul, South Korea",
            "Convened by United States Studies Centre and Korea Foundation",
            "This dialogue is held under the Chatham House Rule.",
            "Practical information",
            "All times in this book are in Asia/Seoul",
            "Main Hall · Seminar B",
            "Tuesday 11 May 2027",
            "Opening: what the IP4 can be",
            "Plenary · Main Hall",
            f"Chair: {NAMED_SPEAKER}",
            "R1 Map the industrial bases",
            "Defence-industrial cooperation",
            "Wednesday 12 May 2027",
            "Roundtable: seeing the sea lanes",
            "1 person taking part, not named under the Chatham House Rule.",
            "R2 Agree on deterrence",
            "Maritime security",
            "Participants",
            "agreed to be named are listed",
            "The report's recommendations",
            "Recommendation 1: Map the industrial bases",
            "Map the defence-industrial bases of NATO and the IP4.",
            "Share the map.",
            "Recommendation 2: Agree on deterrence",
        ],
    )
    assert "09:00–10:30" in pdf_text(book), "times in the dialogue's zone"
    assert len(PdfReader(BytesIO(book)).pages) >= 5  # cover, practical, two days, the rest
    assert PdfReader(BytesIO(book)).metadata.title == "Third Dialogue: Deterrence at sea"


def test_each_day_starts_a_page_numbered_with_the_book_s_title_above(book):
    pages = [page.extract_text() for page in PdfReader(BytesIO(book)).pages]
    total = len(pages)
    for day in ("Tuesday 11 May 2027", "Wednesday 12 May 2027"):
        page = next(text for text in pages if day in text)
        assert "Third Dialogue: Deterrence at sea" in page, "the running header"
    assert all(f"{number} / {total}" in text for number, text in enumerate(pages[1:], 2))
    assert f"1 / {total}" not in pages[0], "the cover is not numbered"


def test_only_confirmed_participants_who_consented_are_named_anywhere(book, briefing):
    text = pdf_text(book)
    listed = text.split("agreed to be named are listed.")[-1]
    assert [listed.index(name) for name in briefing.named] == sorted(
        listed.index(name) for name in briefing.named
    ), "by name"
    for hidden in (SECRET, WAITING, CANCELLED, UNNAMED_SPEAKER):
        assert hidden not in text


def test_a_session_title_with_html_is_printed_as_typed_and_nothing_is_fetched(
    client, briefing, weasyprint_loaded
):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x.png"
        item = next(item for item in briefing.dialogue.items if item.title == INJECTED)
        item.title = INJECTED.replace("http://127.0.0.1:9/x.png", url)
        db.session.commit()
        release(briefing.dialogue)
        text = pdf_text(client.get(briefing.url).data)
        with pytest.raises(BlockingIOError):
            listener.accept()
    unbroken = text.replace(" ", "")  # wherever the title wrapped
    assert f'<imgsrc="{url}"><b>Bold</b>&<script>alert(1)</script>' in unbroken
    assert "Cancelled" in text


@pytest.mark.parametrize(
    ("language", "expected", "font"),
    [
        ("ja", ["第3回対話：海洋における抑止", "ご案内", JAPANESE_NAME, KOREAN_NAME], "CJK-JP"),
        ("ko", ["안내 사항", KOREAN_NAME, "참가자"], "CJK-KR"),
    ],
)
def test_japanese_and_korean_books_are_in_the_reader_s_language_in_noto_cjk(
    client, briefing, weasyprint_loaded, cjk_font, language, expected, font
):
    response = client.get(f"{briefing.url}?lang={language}")
    text = pdf_text(response.data)
    for words in expected:
        assert " ".join(words.split()) in text, words
    assert any(font in name for name in font_names(response.data)), font_names(response.data)
    assert f"-briefing-{language}-" in response.headers["Content-Disposition"]


def test_the_pages_are_drawn_with_content(book, pdftoppm, tmp_path):
    for page in range(1, len(PdfReader(BytesIO(book)).pages) + 1):
        assert dark_pixels(page_image(pdftoppm, book, page, tmp_path)) > 300, page


def test_a_cancelled_dialogue_s_book_says_so_on_its_cover(client, briefing, weasyprint_loaded):
    assert "This dialogue has been cancelled." not in pdf_text(client.get(briefing.url).data)
    briefing.dialogue.status = DialogueStatus.CANCELLED
    db.session.commit()
    cover = PdfReader(BytesIO(client.get(briefing.url).data)).pages[0].extract_text()
    assert "This dialogue has been cancelled." in cover


def test_a_draft_has_no_public_book(client, briefing):
    briefing.dialogue.status = DialogueStatus.DRAFT
    db.session.commit()
    assert client.get(briefing.url).status_code == 404
    assert client.get("/dialogues/no-such-dialogue/briefing.pdf").status_code == 404


def test_the_book_is_named_after_the_dialogue_and_the_day(client, briefing, weasyprint_loaded):
    disposition = client.get(briefing.url).headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="seoul-briefing-briefing-20')
    assert disposition.endswith('.pdf"')


def test_an_unchanged_book_is_not_sent_again_but_a_new_participant_changes_it(
    client, briefing, make, weasyprint_loaded, queries
):
    first = client.get(briefing.url)
    etag = first.headers["ETag"].strip('"')
    with queries() as log:
        again = client.get(briefing.url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert log.count <= 3
    for held in (f'W/"{etag}"', "*"):  # as proxies and caches send it back
        assert client.get(briefing.url, headers={"If-None-Match": held}).status_code == 304
    assert client.get(f"{briefing.url}?lang=ja").headers["ETag"] != first.headers["ETag"]
    speaker = db.session.scalars(select(Participant).filter_by(name=NAMED_SPEAKER)).one()
    make.registration(dialogue=briefing.dialogue, participant=speaker)  # now a participant
    changed = client.get(f"{briefing.url}?lang=en", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert NAMED_SPEAKER in pdf_text(changed.data).split("agreed to be named are listed.")[-1]


def test_the_book_is_gathered_in_a_fixed_number_of_queries(
    client, briefing, make, weasyprint_loaded, queries
):
    def counted() -> int:
        with queries() as log:
            assert client.get(briefing.url).status_code == 200
        return log.count

    small = counted()
    for number in range(20):
        make.item(briefing.dialogue, title=f"Extra session {number}")
        make.registration(
            dialogue=briefing.dialogue,
            participant=make.participant(name=f"Extra {number}", consent_to_be_listed=True),
        )
    release(briefing.dialogue)
    assert counted() == small


def test_without_weasyprint_the_visitor_is_told_the_server_cannot_print(
    client, briefing, monkeypatch
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = client.get(briefing.url)
    assert response.status_code == 503
    assert "cannot make PDF files" in response.get_data(as_text=True)


def test_the_programme_links_its_book_in_the_reader_s_language(client, briefing):
    page = client.get(f"/dialogues/{briefing.dialogue.slug}?lang=ko").get_data(as_text=True)
    assert f'href="{briefing.url}?lang=ko"' in page
    assert "인쇄용 브리핑 자료(PDF) 내려받기" in page
