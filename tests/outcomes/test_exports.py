"""The outcomes report as PDF and Word, read back as its readers' software would: pypdf and
poppler for the PDF (tests/pdfs.py), python-docx for the Word file."""

import socket
import sys
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from ip4dialogue.outcomes.exports import (
    CHATHAM_HOUSE,
    EAST_ASIAN_FONT,
    NO_OUTCOMES,
    OutcomeEntry,
    OutcomesBook,
    RecommendationSection,
    ThemeIndex,
    document_title,
    outcomes_docx,
    outcomes_pdf,
)
from ip4dialogue.printing import ExportUnavailable
from tests.pdfs import assert_in_order, dark_pixels, font_names, page_image, pdf_lines

JAPANESE = "日本の防衛産業との協力"
KOREAN = "한국 방위산업과의 협력"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'
CO_PRODUCTION = (
    "NATO and its Indo-Pacific partners should set up a standing mechanism to develop and "
    "produce munitions together.\nThey should agree common standards for export controls."
)

BOOK = OutcomesBook(
    series="Indo-Pacific Security Dialogue",
    dialogue="Third Dialogue: Deterrence at sea",
    edition=3,
    dates="11-12 May 2026",
    place="Seoul, Republic of Korea",
    report="Beyond alignment",
    generated_on="3 June 2026",
    chatham_house=True,
    themes=(
        ThemeIndex("Defence-industrial cooperation", (1, 3)),
        ThemeIndex("Maritime security", (2,)),
    ),
    recommendations=(
        RecommendationSection(
            number=1,
            short_title="Co-production of munitions",
            text=CO_PRODUCTION,
            themes=("Defence-industrial cooperation",),
            outcomes=(
                OutcomeEntry(
                    session="Panel: Defence industry beyond alignment",
                    when="Tue 12 May 2026, 10:00-11:30 (Asia/Seoul)",
                    assessment="Broad agreement",
                    summary=f"Participants saw room for co-production.\n{JAPANESE}\n{KOREAN}",
                    agreement="Common standards come first.",
                    disagreement="",
                    next_steps="A working group reports at the next edition.",
                ),
                OutcomeEntry(
                    session="Roundtable: Supply chains",
                    when="Tue 12 May 2026, 14:00-15:30 (Asia/Seoul)",
                    assessment="Divided",
                    summary=f"The notes quote {SCRIPT} and <b>bold</b> as typed.\n{FORMULA}",
                    agreement="",
                    disagreement="Whether export controls can be harmonised.",
                    next_steps="",
                ),
            ),
        ),
        RecommendationSection(
            number=2,
            short_title="Shared maritime domain awareness",
            text="Partners should share a recognised maritime picture of the sea lanes.",
            themes=("Maritime security",),
            outcomes=(
                OutcomeEntry(
                    session="Workshop: Seeing the sea lanes",
                    when="Mon 11 May 2026, 16:00-17:30 (Asia/Seoul)",
                    assessment="Emerging consensus",
                    summary="The chart: see http://example.com/x.png for the picture.",
                    agreement="Data sharing agreements are the first step.",
                    disagreement="Who hosts the shared picture.",
                    next_steps="Draft a data sharing template.",
                ),
            ),
        ),
        RecommendationSection(
            number=3,
            short_title="Joint standards bodies",
            text="Standards bodies should admit the Indo-Pacific partners as observers.",
            themes=("Defence-industrial cooperation",),
            outcomes=(),
        ),
    ),
)


@pytest.fixture
def pdf_ready(app, weasyprint_loaded) -> None:
    """WeasyPrint, and the app's context that its template renders in."""


@pytest.fixture
def pdf(pdf_ready) -> bytes:
    return outcomes_pdf(BOOK)


def docx_paragraphs(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(BytesIO(data)).paragraphs]


# What both files say, in this order: headings, fields, and text that must stay text.
READING_ORDER = [
    "Indo-Pacific Security Dialogue",
    "Edition 3",
    "Third Dialogue: Deterrence at sea",
    "11-12 May 2026 · Seoul, Republic of Korea",
    "Outcomes, grouped by recommendation and theme",
    "Index of themes",
    "Defence-industrial cooperation: Recommendations 1 and 3",
    "Maritime security: Recommendation 2",
    "Recommendation 1: Co-production of munitions",
    "Panel: Defence industry beyond alignment",
    "Assessment: Broad agreement",
    "Points of agreement",
    "Next steps",
    "Roundtable: Supply chains",
    "Assessment: Divided",
    f"The notes quote {SCRIPT} and <b>bold</b> as typed.",
    FORMULA,
    "Points of disagreement",
    "Recommendation 2: Shared maritime domain awareness",
    "Assessment: Emerging consensus",
    "see http://example.com/x.png",
    "Recommendation 3: Joint standards bodies",
    NO_OUTCOMES,
]


def test_the_pdf_has_a_title_page_the_index_then_each_recommendation_with_its_outcomes(pdf):
    reader = PdfReader(BytesIO(pdf))
    pages = reader.pages
    assert len(pages) >= 2
    assert reader.metadata.title == document_title(BOOK)
    lines = pdf_lines(pdf)
    assert_in_order(lines, READING_ORDER)
    text = " ".join(" ".join(lines).split())  # a long paragraph wraps over several lines
    assert all(paragraph in text for paragraph in CO_PRODUCTION.split("\n"))
    assert f"page 1 of {len(pages)}" in lines


def test_the_pdf_shows_japanese_and_korean_in_an_embedded_cjk_font(pdf, cjk_font):
    assert_in_order(pdf_lines(pdf), [JAPANESE, KOREAN])
    assert any("CJK" in font for font in font_names(pdf)), font_names(pdf)


def test_the_first_page_of_the_pdf_is_not_blank(pdf, pdftoppm, tmp_path: Path):
    assert dark_pixels(page_image(pdftoppm, pdf, 1, tmp_path)) > 500


def test_the_word_file_has_the_same_contents_in_the_same_order():
    paragraphs = docx_paragraphs(outcomes_docx(BOOK))
    assert_in_order(paragraphs, READING_ORDER)
    assert {*CO_PRODUCTION.split("\n"), JAPANESE, KOREAN, FORMULA} <= set(paragraphs), (
        "each line, a paragraph of its own"
    )


def test_the_word_file_is_a4_numbered_and_names_a_font_for_cjk():
    document = docx.Document(BytesIO(outcomes_docx(BOOK)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "NUMPAGES" in section.footer._element.xml
    assert document.core_properties.title == document_title(BOOK)
    for name in ("Normal", "Heading 1", "Heading 2"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
        assert fonts.get(qn("w:eastAsiaTheme")) is None, "a theme font would win"


def test_the_word_file_drops_characters_xml_cannot_hold():
    entry = replace(BOOK.recommendations[1].outcomes[0], summary="bad\x00 \x0bbytes\ud800")
    section = replace(BOOK.recommendations[1], outcomes=(entry,))
    paragraphs = docx_paragraphs(outcomes_docx(replace(BOOK, recommendations=(section,))))
    assert "bad bytes" in paragraphs


@pytest.fixture(params=["pdf", "docx"])
def read_back(request):
    """The text a book's file holds, line by line, in each format."""
    if request.param == "docx":
        return lambda book: docx_paragraphs(outcomes_docx(book))
    request.getfixturevalue("pdf_ready")
    return lambda book: pdf_lines(outcomes_pdf(book))


@pytest.mark.parametrize("chatham_house", [True, False])
def test_the_chatham_house_statement_is_there_only_when_the_rule_held(read_back, chatham_house):
    text = " ".join(" ".join(read_back(replace(BOOK, chatham_house=chatham_house))).split())
    assert (CHATHAM_HOUSE in text) is chatham_house


def test_a_recommendation_no_session_took_up_says_so(read_back):
    lines = read_back(BOOK)
    assert_in_order(lines, ["Recommendation 3: Joint standards bodies", NO_OUTCOMES])
    assert sum(NO_OUTCOMES in line for line in lines) == 1


def test_fields_left_empty_leave_out_their_headings(read_back):
    lines = read_back(BOOK)
    start = lines.index("Roundtable: Supply chains")
    outcome = lines[start : lines.index("Recommendation 2: Shared maritime domain awareness")]
    assert "Points of disagreement" in outcome
    assert "Points of agreement" not in outcome
    assert "Next steps" not in outcome


def test_urls_in_outcomes_stay_text_and_nothing_is_fetched(pdf_ready):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x.png"
        summary = f'see {url}\n<img src="{url}">\n<link rel="stylesheet" href="{url}">'
        entry = replace(BOOK.recommendations[1].outcomes[0], summary=summary)
        section = replace(BOOK.recommendations[1], outcomes=(entry,))
        lines = pdf_lines(outcomes_pdf(replace(BOOK, recommendations=(section,))))
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert_in_order(
        lines, [f"see {url}", f'<img src="{url}">', f'<link rel="stylesheet" href="{url}">']
    )


def test_without_weasyprint_the_pdf_is_unavailable_and_says_why(app, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(ExportUnavailable, match="needs WeasyPrint and Pango"):
        outcomes_pdf(BOOK)
