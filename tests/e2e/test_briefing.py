"""The briefing book and the name cards, downloaded in Chromium as their readers get them:
a visitor from the programme's link, an organiser from the dialogue's page."""

from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.briefing.conftest import SECRET, briefing  # noqa: F401 (a fixture)
from tests.e2e.conftest import log_in
from tests.pdfs import pdf_text, weasyprint_loaded  # noqa: F401 (a fixture)


def test_a_visitor_downloads_the_briefing_book_from_the_programme(
    briefing,  # noqa: F811
    weasyprint_loaded,  # noqa: F811
    live_server,
    page,
    tmp_path: Path,
):
    page.goto(f"{live_server}/dialogues/{briefing.dialogue.slug}")
    link = page.get_by_role("link", name="Download the briefing book to print (PDF)")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("seoul-briefing-briefing-")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert len(PdfReader(saved).pages) >= 5
    text = pdf_text(saved.read_bytes())
    assert "Third Dialogue: Deterrence at sea" in text
    assert SECRET not in text


def test_an_organiser_downloads_the_badges_from_the_dialogue_s_page(
    briefing,  # noqa: F811
    weasyprint_loaded,  # noqa: F811
    organiser,
    live_server,
    screen,
    tmp_path: Path,
):
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{briefing.dialogue.id}")
    screen.shot("1-print-panel")
    with page.expect_download() as download:
        page.get_by_role("link", name="Name badges (PDF)").click()
    assert download.value.suggested_filename.startswith("seoul-briefing-badges-")
    saved = tmp_path / "badges.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert all(" ".join(name.split())[:20] in text for name in briefing.named)
    assert SECRET not in text
