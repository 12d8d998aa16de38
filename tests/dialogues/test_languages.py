"""The public side of a dialogue in Japanese and Korean: the list, the programme, an item,
the changelog and its feed, and the consent page and mail; organisers' Japanese and Korean
titles and texts, with the English original wherever none was given."""

import re
from datetime import UTC, date, datetime, time, timedelta
from xml.etree import ElementTree

import pytest

from ip4dialogue.dialogues.models import AgendaItem, Dialogue, ItemKind, ItemStatus, Role
from ip4dialogue.dialogues.releases import Change, describe
from ip4dialogue.dialogues.services import move_item
from ip4dialogue.extensions import db
from ip4dialogue.i18n import COOKIE, speaking
from tests.dialogues.test_organise import DIALOGUE_FORM, item_form
from tests.helpers import (
    committed,
    english_in,
    lang_of_link,
    link_in,
    outbox,
    release,
    text_body,
    visible_text,
)

SEOUL_DIALOGUE = {
    "ja": {"title": "第3回インド太平洋安全保障対話", "summary": "専門家がソウルに集います。"},
    "ko": {"title": "제3차 인도·태평양 안보 대화", "summary": "전문가들이 서울에 모입니다."},
}
PANEL = {
    "ja": {"title": "抑止に関するパネル", "description": "二つの戦域における抑止を議論します。"},
    "ko": {"title": "억제에 관한 패널", "description": "두 전역에서의 억제를 논의합니다."},
}
# Three English words in a row: a sentence (or a label) left untranslated.
# Text organisers typed once, in English, with no translation given: it may stay.
TYPED = ("Prof. Tanaka",)


@pytest.fixture
def seoul(make, organiser):
    """A dialogue under the Chatham House Rule, released twice: the panel (given in Japanese
    and Korean, with a theme and a recommendation) moved from 09:00 to 11:00; the opening,
    tentative, has only its English title."""
    report = make.report()
    theme = make.theme(
        report,
        title="Deterrence",
        summary="Deterrence in two theatres.",
        translations={
            "ja": {"title": "抑止", "summary": "二つの戦域における抑止。"},
            "ko": {"title": "억제", "summary": "두 전역에서의 억제."},
        },
    )
    recommendation = make.recommendation(
        report,
        number=3,
        short_title="Shared deterrence",
        text="Build a shared deterrence posture.",
        translations={
            "ja": {"short_title": "共同の抑止", "text": "共同の抑止態勢を構築すること。"},
            "ko": {"short_title": "공동 억제", "text": "공동 억제 태세를 구축할 것."},
        },
    )
    dialogue = make.dialogue(
        slug="seoul",
        title="Third Dialogue",
        summary="Experts meet in Seoul.",
        chatham_house=True,
        translations=SEOUL_DIALOGUE,
    )
    hall = make.room(dialogue, name="Hall")
    panel = make.item(
        dialogue,
        title="Deterrence panel",
        description="Deterrence in two theatres, discussed.",
        room=hall,
        themes=[theme],
        recommendations=[recommendation],
        translations=PANEL,
    )
    make.item(
        dialogue,
        kind=ItemKind.PLENARY,
        title="Opening",
        status=ItemStatus.TENTATIVE,
        starts_at=datetime(2027, 5, 10, 23, 0, tzinfo=UTC),  # 08:00 in Seoul
        ends_at=datetime(2027, 5, 10, 23, 30, tzinfo=UTC),
    )
    make.role(panel, make.participant(name="Prof. Tanaka", consent_to_be_listed=True), Role.CHAIR)
    make.role(panel, make.participant(name="Dr Kim"), Role.SPEAKER)
    release(dialogue)
    committed(move_item, panel, date(2027, 5, 11), time(11), hall.id, organiser)
    release(dialogue)
    return dialogue, panel


def main_text(page: str) -> str:
    """What the page itself says (not the shared layout), without the calendar buttons and
    the list of capitals the zone field suggests, which other parts of the site provide."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r'<div class="calendar-links">.*?</div>', "", main, flags=re.S)
    main = re.sub(r"<datalist.*?</datalist>", "", main, flags=re.S)
    return visible_text("<body" + main)


def english_left(text: str) -> list[str]:
    return english_in(text, TYPED)


def asked_in(client, url: str, language: str, how: str) -> str:
    """The page at `url` as a reader gets it who chose `language` in one of the three ways."""
    if how == "lang":
        response = client.get(url, query_string={"lang": language})
    elif how == "cookie":
        client.set_cookie(COOKIE, language)
        response = client.get(url)
    else:
        response = client.get(url, headers={"Accept-Language": f"{language},en;q=0.5"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("how", ["lang", "cookie", "accept-language"])
def test_the_programme_in_japanese_however_chosen(client, seoul, how):
    text = main_text(asked_in(client, "/dialogues/seoul", "ja", how))
    for words in (
        "第3回インド太平洋安全保障対話",
        "専門家がソウルに集います。",
        "2027年5月11日～12日",  # the dialogue's dates
        "2027年5月11日火曜日",  # the day's heading
        "時刻は、対話のタイムゾーン（Asia/Seoul）で表示しています。",
        "この対話はチャタムハウス・ルールのもとで行われます。",
        "第2版",
        "変更履歴",
        "すべての日",
        "すべての形式",
        "絞り込む",
        "次のタイムゾーンの時刻も表示",
        "8:00～8:30 KST Opening 未確定 全体会合",  # no Japanese title given: the original
        "11:00～12:00 KST 抑止に関するパネル パネルディスカッション · Hall",
        "二つの戦域における抑止を議論します。",
        "座長 Prof. Tanaka",
        "このほか1名が参加しています（チャタムハウス・ルールに基づき、お名前は公表しておりません）。",
        "提言3 共同の抑止 抑止",
    ):
        assert words in text
    assert not english_left(text)


def test_the_programme_in_korean(client, seoul):
    page = client.get("/dialogues/seoul?lang=ko").get_data(as_text=True)
    text = main_text(page)
    for words in (
        "제3차 인도·태평양 안보 대화",
        "2027년 5월 11일~12일",
        "2027년 5월 11일 화요일",
        "시간은 대화의 시간대(Asia/Seoul) 기준으로 표시됩니다.",
        "오전 11:00 ~ 오후 12:00 KST 억제에 관한 패널 패널 토론 · Hall",
        "좌장 Prof. Tanaka",
        "이 밖에 1명이 참여합니다(채텀하우스 규칙에 따라 이름은 공개하지 않습니다).",
    ):
        assert words in text
    assert '<option value="plenary">전체 회의</option>' in page
    assert not english_left(text)


def test_the_programme_in_the_readers_zone_says_both_and_refuses_an_unknown_one(client, seoul):
    both = main_text(client.get("/dialogues/seoul?lang=ja&tz=Europe/Brussels").text)
    assert "時刻は、対話のタイムゾーン（Asia/Seoul）とEurope/Brusselsで表示しています。" in both
    assert "4:00～5:00" in both  # 11:00-12:00 in Seoul
    unknown = main_text(client.get("/dialogues/seoul?lang=ko&tz=Mars/Base").text)
    assert "알 수 없는 시간대입니다: “Mars/Base”." in unknown


def test_a_narrowed_programme_says_what_it_shows_in_japanese(client, seoul):
    narrowed = main_text(client.get("/dialogues/seoul?lang=ja&kind=panel").text)
    assert "全2件のセッションのうち1件を表示しています。" in narrowed
    assert "すべて表示" in narrowed
    nothing = main_text(client.get("/dialogues/seoul?lang=ja&kind=plenary&recommendation=3").text)
    assert "条件に合うセッションはありません。" in nothing


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ja",
            [
                "抑止に関するパネル",
                "2027年5月11日火曜日",
                "11:00～12:00",
                "パネルディスカッション",
                "座長 Prof. Tanaka",
                "1名が参加しています（チャタムハウス・ルールに基づき、お名前は公表しておりません）。",
                "本セッションで取り上げる提言",
                "共同の抑止： 共同の抑止態勢を構築すること。",
                "抑止： 二つの戦域における抑止。",
            ],
        ),
        (
            "ko",
            [
                "억제에 관한 패널",
                "2027년 5월 11일 화요일",
                "오전 11:00 ~ 오후 12:00",
                "1명이 참여합니다(채텀하우스 규칙에 따라 이름은 공개하지 않습니다).",
                "이 세션에서 다루는 권고",
                "공동 억제: 공동 억제 태세를 구축할 것.",
            ],
        ),
    ],
)
def test_an_item_page_in_japanese_and_korean(client, seoul, language, expected):
    _, panel = seoul
    page = client.get(f"/dialogues/seoul/items/{panel.id}?lang={language}").text
    text = main_text(page)
    for words in expected:
        assert words in text
    assert "Deterrence panel" not in page
    assert not english_left(text)


@pytest.mark.parametrize(
    ("language", "moved"),
    [
        (
            "ja",
            "抑止に関するパネル：日時の変更（5月11日(火) 9:00～10:00 → 5月11日(火) 11:00～12:00）",
        ),
        (
            "ko",
            "억제에 관한 패널: 일시 변경(5월 11일 (화) 오전 9:00 ~ 오전 10:00 → "
            "5월 11일 (화) 오전 11:00 ~ 오후 12:00)",
        ),
    ],
)
def test_the_changes_page_and_feed_in_japanese_and_korean(client, seoul, language, moved):
    text = main_text(client.get(f"/dialogues/seoul/changes?lang={language}").text)
    assert moved in text
    assert {"ja": "第1版", "ko": "제1판"}[language] in text
    assert not english_left(text.replace("Atom", ""))

    feed = ElementTree.fromstring(  # noqa: S314 (our own feed)
        client.get(f"/dialogues/seoul/changes.atom?lang={language}").data
    )
    atom = "{http://www.w3.org/2005/Atom}"
    title = {
        "ja": "第3回インド太平洋安全保障対話の変更履歴",
        "ko": "제3차 인도·태평양 안보 대화 변경 내역",
    }
    assert feed.find(f"{atom}title").text == title[language]
    newest = feed.findall(f"{atom}entry")[0]
    assert newest.find(f"{atom}title").text == {"ja": "第2版", "ko": "제2판"}[language]
    assert newest.find(f"{atom}content").text.startswith(moved)


def test_a_new_and_a_tentative_session_are_told_in_japanese(app, seoul):
    dialogue, _ = seoul
    entry = {
        "title": "Opening",
        "starts_at": "2027-05-10T23:00:00+00:00",
        "ends_at": "2027-05-10T23:30:00+00:00",
        "room": None,
        "status": "tentative",
        "kind": "plenary",
        "translations": {"ja": {"title": "開会"}},
    }
    before = entry | {
        "title": "Welcome",
        "status": "confirmed",
        "kind": "panel",
        "translations": {},
    }
    changed = Change("Opening", "changed", ("status", "title", "kind"), before, entry)
    with speaking("ja"):
        assert describe(Change("Opening", "new", after=entry), dialogue.zone) == (
            "新規（5月11日(火) 8:00～8:30、会場未定）"
        )
        assert describe(changed, dialogue.zone) == (
            "未確定に変更／名称の変更（旧：「Welcome」）／形式の変更（全体会合）"
        )
    assert describe(changed, dialogue.zone) == (
        "now to be confirmed; renamed from “Welcome”; now a plenary"
    )


def test_the_list_of_dialogues_in_korean(client, make):
    make.dialogue(
        title="Next Dialogue",
        start_date=datetime.now(UTC).date() + timedelta(days=30),
        translations={"ko": {"title": "다음 대화"}},
    )
    text = main_text(client.get("/?lang=ko").text)
    assert "예정된 대화" in text
    assert "다음 대화" in text
    assert "NATO 회원국과" in text
    assert not english_left(text)


def test_the_home_page_says_in_japanese_that_nothing_is_scheduled(client):
    text = main_text(client.get("/?lang=ja").text)
    assert "現在予定されている対話はありません。後日改めてご確認ください。" in text


@pytest.mark.parametrize(
    ("language", "subject", "asks", "page", "thanks"),
    [
        (
            "ja",
            "第3回インド太平洋安全保障対話のプログラムへのお名前の掲載についてのお伺い",
            "お名前（Dr Kim）を公開プログラムに掲載してもよろしいでしょうか。",
            "Dr Kim様、公開プログラムにお名前を掲載してもよろしいでしょうか。",
            "ご回答ありがとうございました。プログラムにお名前を掲載いたします。",
        ),
        (
            "ko",
            "제3차 인도·태평양 안보 대화 프로그램에 성함을 게재해도 되겠습니까?",
            "참여하시는 세션과 함께 귀하의 이름(Dr Kim)을 공개 프로그램에 게재해도 되겠습니까?",
            "Dr Kim님, 공개 프로그램에 성함을 게재해도 되겠습니까?",
            "응답해 주셔서 감사합니다. 프로그램에 성함을 게재하겠습니다.",
        ),
    ],
)
def test_the_consent_mail_and_page_speak_the_persons_language(
    app, visitor, organiser_client, seoul, language, subject, asks, page, thanks
):
    """The organiser works in English; the person reads their own language, in the mail and
    on the page its link opens."""
    dialogue, panel = seoul
    kim = next(role.participant for role in panel.roles if role.participant.name == "Dr Kim")
    kim.language = language
    db.session.commit()
    organiser_client.post(f"/organise/dialogues/{dialogue.id}/items/{panel.id}/people/{kim.id}/ask")
    (asking,) = outbox(app)
    assert asking["Subject"] == subject
    body = text_body(asking)
    assert asks in body
    assert not english_left(body.split("http")[0].replace("Dr Kim", ""))

    link = link_in(asking, "/consent/")
    assert lang_of_link(asking, "/consent/") == language
    text = main_text(visitor.get(f"{link}?lang={language}").text)
    assert page in text
    assert not english_left(text.replace("Dr Kim", ""))
    answered = visitor.post(link, data={"answer": "yes"}, follow_redirects=True)
    assert thanks in answered.text


# Organisers give titles and texts in Japanese and Korean


def test_an_item_is_given_in_japanese_and_korean_and_a_cleared_field_is_forgotten(
    organiser_client, make
):
    dialogue = make.dialogue()
    translated = {
        "title_ja": "抑止に関するパネル",
        "title_ko": "억제에 관한 패널",
        "description_ja": "日本語の説明。",
        "description_ko": "",
    }
    new = f"/organise/dialogues/{dialogue.id}/items/new"
    assert organiser_client.post(new, data=item_form(**translated)).status_code == 302
    item = db.session.query(AgendaItem).one()
    assert item.translations == {
        "ja": {"title": "抑止に関するパネル", "description": "日本語の説明。"},
        "ko": {"title": "억제에 관한 패널"},
    }

    edit = f"/organise/dialogues/{dialogue.id}/items/{item.id}"
    form = organiser_client.get(edit).text
    assert 'value="抑止に関するパネル"' in form
    assert "日本語の説明。</textarea>" in form

    cleared = item_form(**translated | {"title_ko": "", "description_ja": ""})
    assert organiser_client.post(edit, data=cleared).status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).translations == {
        "ja": {"title": "抑止に関するパネル"}
    }


def test_a_dialogue_is_given_in_japanese_and_korean(organiser_client, make):
    given = {"title_ja": "第3回対話", "summary_ko": "서울에서 열립니다."}
    assert (
        organiser_client.post("/organise/dialogues/new", data=DIALOGUE_FORM | given).status_code
        == 302
    )
    dialogue = db.session.query(Dialogue).one()
    assert dialogue.translations == {
        "ja": {"title": "第3回対話"},
        "ko": {"summary": "서울에서 열립니다."},
    }
    edit = f"/organise/dialogues/{dialogue.id}/edit"
    assert 'value="第3回対話"' in organiser_client.get(edit).text
    assert organiser_client.post(edit, data=DIALOGUE_FORM).status_code == 302
    db.session.expire_all()
    assert db.session.get(Dialogue, dialogue.id).translations == {}


def test_a_translated_item_title_reaches_the_public_with_the_next_release(
    organiser_client, visitor, make
):
    dialogue = make.dialogue(slug="tokyo")
    make.item(dialogue, title="Opening")
    item = make.item(dialogue, title="Deterrence panel")
    release(dialogue)
    edit = f"/organise/dialogues/{dialogue.id}/items/{item.id}"
    organiser_client.post(edit, data=item_form(title_ja="抑止に関するパネル"))

    assert "抑止に関するパネル" not in visitor.get("/dialogues/tokyo?lang=ja").text
    release(dialogue)
    japanese = main_text(visitor.get("/dialogues/tokyo?lang=ja").text)
    assert "抑止に関するパネル" in japanese
    assert "Opening" in japanese  # none given: the original
    assert "Deterrence panel" in main_text(visitor.get("/dialogues/tokyo?lang=ko").text)
    assert "Deterrence panel" in main_text(visitor.get("/dialogues/tokyo?lang=en").text)
    changes = main_text(visitor.get("/dialogues/tokyo/changes?lang=ja").text)
    assert "抑止に関するパネル：翻訳の変更" in changes


def test_the_feed_a_reader_follows_keeps_the_language_of_the_page(client, seoul):
    """Feed readers send no cookie: the link itself carries the language."""
    page = client.get("/dialogues/seoul/changes?lang=ko").text
    assert "/dialogues/seoul/changes.atom?lang=ko" in page
    feed = client.get("/dialogues/seoul/changes.atom?lang=ko").text
    assert "/dialogues/seoul/changes.atom?lang=ko" in feed
