"""Site-wide language choice: the layout and the error pages in Japanese and Korean, the choice
kept in a cookie, and English for anything unknown or malformed, never an error."""

import pytest
from flask import render_template_string

from ip4dialogue.confirmation import Confirmation, ask
from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.errors import wait_in_words
from ip4dialogue.extensions import db
from ip4dialogue.i18n import speaking
from tests.helpers import REGISTRATION_FORM, visible_text

LAYOUT = {
    "ja": ["本文へ移動", "インド太平洋安全保障対話", "対話一覧", "報告書", "主催者ログイン"],
    "ko": ["본문으로 건너뛰기", "인도·태평양 안보 대화", "대화 목록", "보고서", "주최 측 로그인"],
}
ENGLISH_LAYOUT = ["Skip to content", "Dialogues", "The report", "Organiser login", "Planning the"]


def test_a_missing_page_in_japanese(client):
    response = client.get("/no/such/page?lang=ja")
    assert response.status_code == 404
    assert '<html lang="ja">' in response.text
    text = visible_text(response.text)
    for words in [
        *LAYOUT["ja"],
        "ページが見つかりません",
        "このアドレスにページはありません。ページが移動したか、リンクが誤っている可能性があります。",
        "対話の一覧へ移動",
        "報告書Beyond alignment: Moving the NATO-IP4 partnership forwardに基づいて企画しています。",
    ]:
        assert words in text
    for english in [*ENGLISH_LAYOUT, "Not Found", "There is no page", "Go to the list"]:
        assert english not in text


def test_error_pages_in_korean(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    wrong_method = client.post("/healthz?lang=ko")
    assert wrong_method.status_code == 405
    assert "이 페이지는 해당 유형의 요청을 받지 않습니다." in wrong_method.text
    failed = client.get("/boom?lang=ko")
    assert failed.status_code == 500
    text = visible_text(failed.text)
    for words in [*LAYOUT["ko"], "서버 내부 오류", "서버에서 문제가 발생했습니다."]:
        assert words in text
    for english in [*ENGLISH_LAYOUT, "Internal Server Error", "Something went wrong"]:
        assert english not in text


def test_english_is_unchanged(client):
    text = visible_text(client.get("/no/such/page?lang=en").text)
    for words in [*ENGLISH_LAYOUT, "Not Found", "There is no page at this address."]:
        assert words in text


@pytest.mark.parametrize("lang", ["xx", "", "JA", "ja-JP", "../ja", "日本語"])
def test_an_unknown_lang_is_english_and_not_remembered(client, lang):
    response = client.get("/", query_string={"lang": lang})
    assert response.status_code == 200
    assert '<html lang="en-GB">' in response.text
    assert "Skip to content" in response.text
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("header", ["ja;q=abc,,;", "*", "zz-ZZ", ";;;", "ko;q=-1", "\x00ja"])
def test_a_malformed_accept_language_is_english(client, header):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert '<html lang="en-GB">' in response.text


def test_accept_language_is_the_default(client):
    response = client.get("/", headers={"Accept-Language": "fr-FR,ko;q=0.8,en;q=0.5"})
    assert '<html lang="ko">' in response.text
    assert "Accept-Language" in response.headers["Vary"]


def test_the_lang_cookie_keeps_the_choice(client):
    chosen = client.get("/?lang=ja")
    assert "lang=ja" in chosen.headers["Set-Cookie"]
    kept = client.get("/", headers={"Accept-Language": "ko"})
    assert '<html lang="ja">' in kept.text
    assert "本文へ移動" in kept.text
    assert "lang=en" in client.get("/?lang=en").headers["Set-Cookie"]
    again = client.get("/", headers={"Accept-Language": "ja"})
    assert '<html lang="en-GB">' in again.text


def test_the_login_page_in_korean(client):
    text = visible_text(client.get("/login?lang=ko").text)
    for words in [
        "주최 측 로그인",
        "비밀번호를 잊으셨습니까?",
        "전문가 여러분께서는 계정이 필요하지 않습니다.",
    ]:
        assert words in text
    assert "Experts do not need an account" not in text


def test_the_shared_checks_speak_the_readers_language(client, make):
    make.country(code="KR", name="South Korea")
    make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)
    db.session.commit()
    form = REGISTRATION_FORM | {"email": "kim@example.org", "name": "Dr\x07 Kim"}
    response = client.post("/dialogues/seoul/register?lang=ja", data=form)
    assert response.status_code == 200
    assert "このテキストから、目に見えない制御文字を削除してください。" in response.text
    assert "下記の印の付いた項目を修正してください。まだ何も保存されていません。" in response.text
    response = client.post("/dialogues/seoul/register?lang=ko", data=form | {"name": "Dr\nKim"})
    assert "한 줄로 입력해 주십시오." in response.text


def test_a_confirmation_in_japanese(app):
    with app.test_request_context("/registrations/x/cancel?lang=ja"):
        page = ask(Confirmation("Cancel?", ["Your seat is freed."], "Cancel", "/back"))
    assert "この操作により、次のとおり処理されます：" in page
    assert "そのままにする" in page


def test_pages_of_a_list_in_korean(app):
    class Page:
        page, pages, has_prev, has_next, next_num = 1, 3, False, True, 2

    macro = '{% from "_forms.html" import pagination %}{{ pagination(page, "dialogues.index") }}'
    with app.test_request_context("/?lang=ko"):
        html = render_template_string(macro, page=Page())
    assert "3페이지 중 1페이지" in html
    assert "다음 →" in html


@pytest.mark.parametrize(
    ("language", "seconds", "words"),
    [("ja", 5, "1分"), ("ja", 600, "10分"), ("ko", 7200, "2시간"), ("en", 600, "10 minutes")],
)
def test_a_wait_is_said_in_the_language(app, language, seconds, words):
    with speaking(language):
        assert wait_in_words(seconds) == words
