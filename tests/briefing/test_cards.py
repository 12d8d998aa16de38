"""Name badges and table tent cards, as the organiser who prints them at the venue gets them:
only confirmed participants who agreed to be named, long and CJK names fitted to the card."""

from io import BytesIO

import pytest
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.briefing.documents import name_size
from ip4dialogue.unit_of_work import transaction
from tests.briefing.conftest import (
    CANCELLED,
    JAPANESE_NAME,
    KOREAN_NAME,
    LONG_NAME,
    SECRET,
    UNNAMED_SPEAKER,
    WAITING,
)
from tests.conftest import ORGANISER_PASSWORD, logged_in
from tests.pdfs import dark_pixels, font_names, page_image, pdf_text


def member(app, make, dialogue, role: TeamRole) -> FlaskClient:
    """A client logged in as a new member of the dialogue's team in `role`."""
    with transaction():
        account = create_organiser(f"{role}@example.org", role.title(), ORGANISER_PASSWORD)
    make.member(dialogue, account, role)
    return logged_in(app, account)


@pytest.fixture
def viewer(app, make, briefing, organiser) -> FlaskClient:
    """A viewer on the dialogue's team: the least a team member may be (the site's
    administrator, `organiser`, is the first account)."""
    return member(app, make, briefing.dialogue, TeamRole.VIEWER)


def cards(viewer, briefing, kind: str) -> bytes:
    response = viewer.get(f"/organise/dialogues/{briefing.dialogue.id}/{kind}.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert f'filename="seoul-briefing-{kind}-20' in response.headers["Content-Disposition"]
    return response.data


@pytest.mark.parametrize("kind", ["badges", "tent-cards"])
def test_cards_name_only_confirmed_participants_who_agreed(
    viewer, briefing, weasyprint_loaded, kind
):
    text = pdf_text(cards(viewer, briefing, kind))
    for name in briefing.named:
        assert " ".join(name.split()) in text or name.replace(" ", "") in text.replace(" ", "")
    for hidden in (SECRET, WAITING, CANCELLED, UNNAMED_SPEAKER):
        assert hidden not in text
    assert "日本国際問題研究所" in text
    assert "Japan" in text
    assert "Third Dialogue: Deterrence at sea" in text


def test_badges_are_eight_to_an_a4_sheet(viewer, briefing, make, weasyprint_loaded):
    pages = PdfReader(BytesIO(cards(viewer, briefing, "badges"))).pages
    assert len(pages) == 1
    assert (round(pages[0].mediabox.width), round(pages[0].mediabox.height)) == (595, 842)
    for number in range(5):
        person = make.participant(name=f"Guest {number}", consent_to_be_listed=True)
        make.registration(dialogue=briefing.dialogue, participant=person)
    assert len(PdfReader(BytesIO(cards(viewer, briefing, "badges"))).pages) == 2  # 9 badges


def test_a_tent_card_is_a_page_with_the_name_on_both_halves(
    viewer, briefing, weasyprint_loaded, pdftoppm, tmp_path
):
    data = cards(viewer, briefing, "tent-cards")
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) == len(briefing.named)
    first = reader.pages[0].extract_text()
    assert first.count(briefing.named[0]) == 2
    with Image.open(page_image(pdftoppm, data, 1, tmp_path)) as page:
        width, height = page.size
        top, bottom = (
            page.crop((0, 0, width, height // 2)),
            page.crop((0, height // 2, width, height)),
        )
        for half, name in ((top, "top"), (bottom, "bottom")):
            half.save(tmp_path / f"{name}.png")
            assert dark_pixels(tmp_path / f"{name}.png") > 300, name


def test_japanese_and_korean_names_are_set_in_noto_cjk(
    viewer, briefing, weasyprint_loaded, cjk_font
):
    data = cards(viewer, briefing, "badges")
    assert JAPANESE_NAME in pdf_text(data)
    assert KOREAN_NAME in pdf_text(data)
    assert any("CJK" in font for font in font_names(data)), font_names(data)


def test_long_names_are_set_smaller_down_to_a_size_that_still_reads_then_wrap():
    assert name_size("Anna Adams", 18, 24, 13) == 24
    assert 13 < name_size("Maximiliane Wolkenstein", 18, 24, 13) < 24
    assert name_size(LONG_NAME, 18, 24, 13) == 13
    assert name_size(KOREAN_NAME, 18, 24, 13) == 24
    assert name_size("김" * 12, 18, 24, 13) < 24, "a CJK character is as wide as two Latin ones"


def test_every_badge_sheet_is_drawn(viewer, briefing, weasyprint_loaded, pdftoppm, tmp_path):
    data = cards(viewer, briefing, "badges")
    assert dark_pixels(page_image(pdftoppm, data, 1, tmp_path)) > 1000


def test_with_nobody_named_the_cards_say_so(app, make, organiser, weasyprint_loaded):
    dialogue = make.dialogue(slug="empty-room")
    owner = member(app, make, dialogue, TeamRole.OWNER)
    response = owner.get(f"/organise/dialogues/{dialogue.id}/badges.pdf")
    assert "No participant has agreed to be named yet." in pdf_text(response.data)


def test_the_dialogue_s_page_offers_the_cards_to_its_team(viewer, briefing):
    page = viewer.get(f"/organise/dialogues/{briefing.dialogue.id}").get_data(as_text=True)
    assert f"/organise/dialogues/{briefing.dialogue.id}/badges.pdf" in page
    assert f"/organise/dialogues/{briefing.dialogue.id}/tent-cards.pdf" in page
    assert briefing.url in page
