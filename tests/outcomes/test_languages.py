"""The public report pages (/report, one recommendation, progress across the series) in
Japanese and Korean: the report's themes and recommendations in their unofficial renderings,
said to be unofficial, with the English original on the page and marked as English; our own
text translated; rapporteurs' words shown as written; English pages as they were."""

import pytest
from sqlalchemy import select

from ip4dialogue.dialogues.models import AgendaItem
from ip4dialogue.extensions import db
from ip4dialogue.outcomes.models import Assessment, OutcomeState
from ip4dialogue.report.models import Recommendation, Theme
from tests.helpers import english_in, read_languages

# What each language must show: the notice, the label of the English original, one rendering.
EXPECTED = {
    "ja": {
        "notice": "非公式翻訳：報告書のテーマと提言は、便宜上翻訳したものです。",
        "original": "英語原文（正本）",
        "recommendation": "抑止に関する共通理解を深めること。",
        "assessment": "大筋合意",
        "agreement": "合意点",
        "dates": "2027年5月11日～12日",
        "title": "提言3：抑止に関する共通理解",
    },
    "ko": {
        "notice": "비공식 번역: 보고서의 주제와 권고는 편의를 위해 번역한 것입니다.",
        "original": "영어 원문(정본)",
        "recommendation": "억제에 관한 공통된 이해를 증진할 것.",
        "assessment": "폭넓은 합의",
        "agreement": "합의 사항",
        "dates": "2027년 5월 11일~12일",
        "title": "권고 3: 억제에 관한 공통된 이해",
    },
}
LANGUAGES = sorted(EXPECTED)
RAPPORTEURS_WORDS = "Participants converged on a common glossary of deterrence terms."


def read(page: str) -> tuple[str, str]:
    """The text of the page's <main> in its own language, and the text marked English."""
    return read_languages(page.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0])


def fetch(client, url: str, language: str) -> str:
    response = client.get(url, query_string={"lang": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def concluded(seeded, make) -> None:
    """The sample dialogue's deterrence panel with a published outcome on recommendation 3."""
    panel = db.session.scalars(
        select(AgendaItem).where(AgendaItem.title.startswith("Towards a shared"))
    ).one()
    make.outcome(
        panel,
        db.session.scalars(select(Recommendation).filter_by(number=3)).one(),
        assessment=Assessment.BROAD_AGREEMENT,
        summary=RAPPORTEURS_WORDS,
        agreement="A glossary, kept by the IP4 in turn.",
        state=OutcomeState.PUBLISHED,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_page_shows_the_renderings_and_says_they_are_unofficial(
    client, seeded, language
):
    page = fetch(client, "/report", language)
    text, originals = read(page)
    expected = EXPECTED[language]

    assert expected["notice"] in text
    assert expected["recommendation"] in text
    for theme in db.session.scalars(select(Theme)):
        assert theme.translations[language]["title"] in text
        assert theme.translations[language]["summary"] in text
    for recommendation in db.session.scalars(select(Recommendation)):
        assert recommendation.translations[language]["short_title"] in text
    assert text.count(expected["original"]) == 11  # five recommendations, six themes
    assert "Enhance shared understandings of deterrence." in originals
    assert "A more coherent IP4" in originals
    assert not english_in(text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url", ["/report/recommendations/3", "/reports/beyond-alignment/recommendations/3"]
)
def test_a_recommendation_page_is_translated_around_the_rapporteurs_words(
    client, concluded, language, url
):
    page = fetch(client, url, language)
    text, originals = read(page)
    expected = EXPECTED[language]

    assert f"<title>{expected['title']}" in page
    for key in ("notice", "original", "recommendation", "assessment", "agreement", "dates"):
        assert expected[key] in text, key
    assert "Enhance shared understandings of deterrence." in originals
    assert RAPPORTEURS_WORDS in page  # as written, in no language of ours
    assert not english_in(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_progress_page_is_translated_with_the_english_titles_beside(
    client, concluded, language
):
    page = fetch(client, "/report/progress", language)
    text, originals = read(page)
    expected = EXPECTED[language]

    assert expected["notice"] in text
    assert expected["assessment"] in text
    for recommendation in db.session.scalars(select(Recommendation)):
        assert recommendation.translations[language]["short_title"] in text
    assert "Shared understandings of deterrence" in originals
    assert not english_in(text)


def test_a_recommendation_with_no_rendering_is_shown_in_english_without_the_notice(client, make):
    report = make.report()
    make.recommendation(report, number=1, short_title="Keep talking", text="Meet every year.")

    page = fetch(client, "/report/recommendations/1", "ja")

    assert "Meet every year." in page
    assert "非公式翻訳" not in page
    assert "英語原文" not in page


def test_the_english_pages_have_no_notice_and_no_second_copy(client, concluded):
    for url in ("/report", "/report/recommendations/3", "/report/progress"):
        page = fetch(client, url, "en")
        assert "Unofficial translation" not in page
        assert 'class="original"' not in page
    report = fetch(client, "/report", "en")
    assert report.count("Enhance shared understandings of deterrence.") == 1
    assert "Serves: A shared understanding of deterrence between NATO and the IP4; " in report
    assert "Broad agreement" in fetch(client, "/report/recommendations/3", "en")
