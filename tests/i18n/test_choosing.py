"""Which language a page speaks, how a reader changes it, and the dates each language writes."""

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from ip4dialogue.i18n import COOKIE, current_language, speaking, translated
from ip4dialogue.templating import date_range, local_datetime, local_time, long_date, reader_span

SEOUL = ZoneInfo("Asia/Seoul")
MORNING = datetime(2027, 5, 11, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
AFTERNOON = datetime(2027, 5, 11, 4, 0, tzinfo=UTC)  # 13:00 in Seoul


def html_lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("asked", "cookie", "accept", "speaks"),
    [
        ("ja", None, None, "ja"),
        ("ko", "ja", "en", "ko"),  # the switcher's link wins over what was kept
        (None, "ko", "ja", "ko"),  # what was kept wins over the browser
        (None, None, "ko-KR,ko;q=0.9,en;q=0.5", "ko"),
        (None, None, "fr-FR, ja;q=0.8", "ja"),
        (None, None, None, "en"),
        ("xx", None, None, "en"),  # unknown: English, no error
        ("", "zz", None, "en"),
        (None, None, "ja;q=abc,,;", "en"),  # malformed: English, no error
        (None, None, "*", "en"),
    ],
)
def test_the_page_speaks_the_language_asked_kept_or_accepted(app, asked, cookie, accept, speaks):
    client = app.test_client()
    if cookie:
        client.set_cookie(COOKIE, cookie)
    headers = {"Accept-Language": accept} if accept else {}
    query = {"lang": asked} if asked is not None else {}
    response = client.get("/report", query_string=query, headers=headers)
    assert response.status_code == 200
    assert html_lang(response.text) == ("en-GB" if speaks == "en" else speaks)


def test_a_language_chosen_is_kept_in_a_cookie(client):
    chosen = client.get("/report?lang=ja")
    assert f"{COOKIE}=ja" in chosen.headers["Set-Cookie"]
    assert "HttpOnly" in chosen.headers["Set-Cookie"]
    assert "SameSite=Lax" in chosen.headers["Set-Cookie"]
    assert html_lang(client.get("/report").text) == "ja"
    assert "Set-Cookie" not in client.get("/report?lang=ja").headers  # kept already
    assert "Set-Cookie" not in client.get("/report?lang=xx").headers  # nothing to keep


def test_pages_say_they_vary_with_the_language(client):
    vary = client.get("/").headers["Vary"]
    assert "Cookie" in vary
    assert "Accept-Language" in vary


def test_the_switcher_links_this_page_in_each_language_keeping_its_arguments(client, make):
    make.dialogue(slug="fuzz")
    page = client.get("/dialogues/fuzz?tz=Asia/Tokyo&lang=ko").text
    switcher = page.split('class="languages"', 1)[1].split("</nav>", 1)[0]
    assert "/dialogues/fuzz?tz=Asia%2FTokyo&amp;lang=ja" in switcher
    assert 'lang="ja" hreflang="ja"' in switcher
    assert "日本語" in switcher
    assert "한국어" in switcher
    assert 'aria-current="true">한국어' in " ".join(switcher.split())


def test_the_switcher_is_on_pages_without_a_route_of_their_own(client):
    page = client.get("/no/such/page?lang=ja")
    assert page.status_code == 404
    assert "/no/such/page?lang=ko" in page.text


@pytest.mark.parametrize(
    ("path", "query", "link"),
    [
        ("/report", "endpoint=x&_method=POST&_external=1", "/report?endpoint=x&amp;_method=POST"),
        ("//evil.example/x", "", '"/evil.example/x?lang=ja"'),
        ("/\\evil.example/x", "", '"/%5Cevil.example/x?lang=ja"'),
    ],
)
def test_the_switcher_links_stay_on_this_site_whatever_the_url(app, path, query, link):
    """Arguments are kept as text, never handed to the router; no host or path a visitor
    writes turns a switcher link into one to another site."""
    response = app.test_client().get(
        "/",
        headers={"Host": "evil.example"},
        environ_overrides={"PATH_INFO": path, "QUERY_STRING": query},
    )
    assert response.status_code in {200, 404}
    switcher = response.text.split('class="languages"', 1)[1].split("</nav>", 1)[0]
    assert link in switcher
    assert "http" not in switcher
    assert 'href="//' not in switcher


def test_the_switcher_is_a_plain_link_that_needs_no_script(client):
    page = client.get("/report").text
    switcher = page.split('class="languages"', 1)[1].split("</nav>", 1)[0]
    assert "<script" not in switcher
    assert "<a href=" in switcher


def test_speaking_writes_in_the_recipients_language_whatever_the_readers(app):
    with app.test_request_context("/?lang=ko"):
        assert current_language() == "ko"
        with speaking("ja"):
            assert current_language() == "ja"
            assert long_date(date(2027, 5, 11)) == "2027年5月11日火曜日"
        with speaking("xx"):  # a language the site does not speak: English
            assert current_language() == "en"
        assert current_language() == "ko"


def test_translated_text_falls_back_to_the_original(app):
    session = SimpleNamespace(title="Deterrence", translations={"ja": {"title": "抑止"}})
    bare = SimpleNamespace(title="Deterrence", translations={})
    with app.app_context():
        with speaking("ja"):
            assert translated(session, "title") == "抑止"
            assert translated(bare, "title") == "Deterrence"
        with speaking("ko"):
            assert translated(session, "title") == "Deterrence"
        assert translated(session, "title") == "Deterrence"


@pytest.mark.parametrize(
    ("language", "time", "span", "moment", "day", "days", "months"),
    [
        (
            "en",
            "09:30",
            "09:30–13:00",
            "11 May 2027, 09:30 KST",
            "Tuesday 11 May 2027",
            "11–12 May 2027",
            "30 June – 1 July 2027",
        ),
        (
            "ja",
            "9:30",
            "9:30～13:00",
            "2027年5月11日 9:30 KST",
            "2027年5月11日火曜日",
            "2027年5月11日～12日",
            "2027年6月30日～7月1日",
        ),
        (
            "ko",
            "오전 9:30",
            "오전 9:30 ~ 오후 1:00",
            "2027년 5월 11일 오전 9:30 KST",
            "2027년 5월 11일 화요일",
            "2027년 5월 11일~12일",
            "2027년 6월 30일~7월 1일",
        ),
    ],
)
def test_dates_and_times_read_as_each_language_writes_them(
    app, language, time, span, moment, day, days, months
):
    with app.app_context(), speaking(language):
        assert local_time(MORNING, SEOUL) == time
        assert reader_span(MORNING, AFTERNOON, SEOUL, date(2027, 5, 11)) == span
        assert local_datetime(MORNING, SEOUL) == moment
        assert long_date(date(2027, 5, 11)) == day
        assert date_range(date(2027, 5, 11), date(2027, 5, 12)) == days
        assert date_range(date(2027, 6, 30), date(2027, 7, 1)) == months


@pytest.mark.parametrize(
    ("language", "span"),
    [
        ("en", "23:30 Tue 11 May–01:00 Wed 12 May"),
        ("ja", "5月11日(火) 23:30～5月12日(水) 1:00"),
        ("ko", "5월 11일 (화) 오후 11:30 ~ 5월 12일 (수) 오전 1:00"),
    ],
)
def test_a_span_names_the_dates_the_reader_would_not_assume(app, language, span):
    start = datetime(2027, 5, 11, 14, 30, tzinfo=UTC)  # 23:30 in Seoul
    end = datetime(2027, 5, 11, 16, 0, tzinfo=UTC)
    with app.app_context(), speaking(language):
        assert reader_span(start, end, SEOUL, date(2027, 5, 10)) == span


def test_japanese_and_korean_pages_read_in_their_own_fonts(client):
    """Han characters differ between Japan and Korea: each language asks for its own fonts
    first, all local; nothing is fetched."""
    with client.get("/static/css/site.css") as response:
        css = response.text
    japanese = css.split(":lang(ja) {", 1)[1].split("}", 1)[0]
    korean = css.split(":lang(ko) {", 1)[1].split("}", 1)[0]
    assert japanese.index("Noto Sans CJK JP") < japanese.index("sans-serif")
    assert "Noto Sans CJK KR" not in japanese
    assert korean.index("Noto Sans CJK KR") < korean.index("sans-serif")
    assert "url(" not in css
    assert "@import" not in css


def test_the_switcher_is_named_in_the_language_of_the_page(app):
    assert 'aria-label="言語"' in app.test_client().get("/report?lang=ja").text
    assert 'aria-label="언어"' in app.test_client().get("/report?lang=ko").text
    assert 'aria-label="Language"' in app.test_client().get("/report").text
