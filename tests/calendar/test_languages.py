"""Calendars and their mails in Japanese and Korean: the public feeds in the reader's language
(and the pages' links keep it for calendar apps), a participant's schedule, invitations and
mails in theirs; the same events, UIDs and SEQUENCEs in every language, read alike by the
parsers real clients use."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import (
    DialogueStatus,
    ItemKind,
    ItemStatus,
    RegistrationMode,
    Role,
)
from ip4dialogue.dialogues.services import move_item
from ip4dialogue.extensions import db
from ip4dialogue.i18n import speaking
from ip4dialogue.jobs import schedule
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.registration.services import issue_token
from tests.calendar.conftest import parse_everywhere
from tests.helpers import committed, register, release, text_body, visible_text

SEOUL = {"ja": "ソウル対話", "ko": "서울 대화"}
OPENING = {"ja": "開会全体会議", "ko": "개회 전체회의"}
CANCELLED = {"ja": "このセッションは中止となりました。", "ko": "이 세션은 취소되었습니다."}
RECOMMENDATIONS = {"ja": "取り上げる提言（非公式訳）：", "ko": "다루는 권고(비공식 번역):"}
THEME = {"ja": "テーマ：抑止に関する共通理解", "ko": "주제: 억제에 관한 공통된 이해"}
# Text of a property that is read, not matched by a program: what may differ by language.
HUMAN = {"NAME", "X-WR-CALNAME", "SUMMARY", "DESCRIPTION", "CATEGORIES"}
# Noon in Seoul on the day before the dialogue: the eve of its first day.
EVE = datetime(2027, 5, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def seoul(make):
    """A published dialogue given in Japanese and Korean: an opening plenary taking up a
    theme and a recommendation (both with unofficial renderings), and a cancelled session."""
    report = make.report()
    theme = make.theme(
        report,
        title="A shared understanding of deterrence",
        translations={
            "ja": {"title": "抑止に関する共通理解"},
            "ko": {"title": "억제에 관한 공통된 이해"},
        },
    )
    recommendation = make.recommendation(
        report,
        number=3,
        text="Enhance shared understandings of deterrence.",
        translations={
            "ja": {"text": "抑止に関する共通理解を深めること。"},
            "ko": {"text": "억제에 관한 공통된 이해를 증진할 것."},
        },
    )
    dialogue = make.dialogue(
        slug="seoul",
        title="Seoul Dialogue",
        translations={language: {"title": title} for language, title in SEOUL.items()},
        registration_mode=RegistrationMode.OPEN,
        contact_email="dialogue@ussc.example.org",
        status=DialogueStatus.DRAFT,
    )
    hall = make.room(dialogue, name="Grand Hall", join_url="https://meet.example.org/hall")
    opening = make.item(
        dialogue,
        title="Opening plenary",
        description="Welcome and framing.",
        kind=ItemKind.PLENARY,
        room=hall,
        themes=[theme],
        recommendations=[recommendation],
        translations={
            "ja": {"title": OPENING["ja"], "description": "開会の挨拶と問題提起。"},
            "ko": {"title": OPENING["ko"], "description": "개회사 및 문제 제기."},
        },
    )
    make.role(opening, make.participant(name="Dr Lee", consent_to_be_listed=True), Role.CHAIR)
    make.item(
        dialogue,
        title="Called off",
        status=ItemStatus.CANCELLED,
        starts_at=opening.starts_at + timedelta(hours=3),
        ends_at=opening.starts_at + timedelta(hours=4),
    )
    release(dialogue)
    return dialogue


def events(data: bytes) -> list[dict[str, str]]:
    """Each event's SUMMARY and DESCRIPTION as icalendar, ical and vobject read them; fails
    when they disagree."""
    text = data.decode()
    by_icalendar = [
        {"summary": str(event["SUMMARY"]), "description": str(event["DESCRIPTION"])}
        for event in Calendar.from_ical(data).walk("VEVENT")
    ]
    by_ical = [
        {"summary": event.summary, "description": event.description}
        for event in IcsCalendarStream.calendar_from_ics(text).events
    ]
    by_vobject = [
        {"summary": event.summary.value, "description": event.description.value}
        for event in vobject.readOne(text).vevent_list
    ]
    assert by_ical == by_icalendar
    assert by_vobject == by_icalendar
    return by_icalendar


def structure(data: bytes) -> list[tuple[str, str | None]]:
    """The file's content lines, unfolded: each property's name, and its value unless it is
    human text."""
    lines = data.decode().replace("\r\n ", "").split("\r\n")
    named = [re.split("[;:]", line, maxsplit=1)[0] for line in lines]
    return [
        (name, None if name in HUMAN else line) for name, line in zip(named, lines, strict=True)
    ]


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_the_agenda_feed_reads_in_the_language_asked_for(client, seoul, language):
    response = client.get(f"/dialogues/seoul/agenda.ics?lang={language}")
    assert response.status_code == 200
    parse_everywhere(response.data)
    opening, called_off = events(response.data)
    assert opening["summary"] == OPENING[language]
    description = opening["description"]
    assert description.startswith(
        {"ja": "開会の挨拶と問題提起。", "ko": "개회사 및 문제 제기."}[language]
    )
    assert RECOMMENDATIONS[language] in description
    assert {
        "ja": "3. 抑止に関する共通理解を深めること。",
        "ko": "3. 억제에 관한 공통된 이해를 증진할 것.",
    }[language] in description
    assert THEME[language] in description
    with speaking(language):
        chair, plenary = label(Role.CHAIR), label(ItemKind.PLENARY)
    assert f"{chair}{'：' if language == 'ja' else ': '}Dr Lee" in description
    assert called_off["description"].startswith(CANCELLED[language])
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == SEOUL[language]
    assert plenary != "Plenary"
    assert plenary in calendar.walk("VEVENT")[0]["CATEGORIES"].to_ical().decode()
    for english in ("Recommendations taken up", "Themes:", "Chair:", "cancelled", "Plenary"):
        assert english not in response.data.decode()


def test_every_language_has_the_same_events_uids_sequences_and_times(client, seoul):
    files = {
        language: client.get(f"/dialogues/seoul/agenda.ics?lang={language}").data
        for language in ("en", "ja", "ko")
    }
    assert structure(files["ja"]) == structure(files["en"]) == structure(files["ko"])
    assert parse_everywhere(files["ja"]) == parse_everywhere(files["en"])
    assert files["ja"] != files["en"] != files["ko"]


def test_english_stays_as_it_was(client, seoul):
    opening, called_off = events(client.get("/dialogues/seoul/agenda.ics?lang=en").data)
    assert opening["summary"] == "Opening plenary"
    assert "Chair: Dr Lee" in opening["description"]
    assert "Recommendations taken up:\n3. Enhance shared understandings" in opening["description"]
    assert "Themes: A shared understanding of deterrence" in opening["description"]
    assert called_off["description"].startswith("This session has been cancelled.")


def test_each_language_is_a_version_of_its_own(client, seoul):
    english = client.get("/dialogues/seoul/agenda.ics?lang=en")
    japanese = client.get("/dialogues/seoul/agenda.ics?lang=ja")
    assert japanese.headers["ETag"] != english.headers["ETag"]
    assert client.get("/dialogues/seoul/agenda.ics?lang=ja").data == japanese.data
    unchanged = {"If-None-Match": japanese.headers["ETag"]}
    assert client.get("/dialogues/seoul/agenda.ics?lang=ja", headers=unchanged).status_code == 304
    korean = client.get("/dialogues/seoul/agenda.ics?lang=ko", headers=unchanged)
    assert korean.status_code == 200
    assert OPENING["ko"] in korean.data.decode()


def test_without_lang_the_feed_follows_the_cookie_then_accept_language(app, seoul):
    polling = app.test_client()  # a calendar app: no cookie, its own Accept-Language
    korean = polling.get("/dialogues/seoul/agenda.ics", headers={"Accept-Language": "ko-KR,ko"})
    assert OPENING["ko"] in korean.data.decode()
    assert "Opening plenary" in polling.get("/dialogues/seoul/agenda.ics").data.decode()
    polling.set_cookie("lang", "ja")
    assert OPENING["ja"] in polling.get("/dialogues/seoul/agenda.ics").data.decode()


def test_one_item_feed_in_korean(client, seoul):
    opening = seoul.items[0]
    data = client.get(f"/dialogues/seoul/items/{opening.id}.ics?lang=ko").data
    parse_everywhere(data)
    [event] = events(data)
    assert event["summary"] == OPENING["ko"]
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == f"{SEOUL['ko']}: {OPENING['ko']}"


def test_the_pages_links_to_public_feeds_carry_the_language(client, seoul):
    page = client.get("/dialogues/seoul?lang=ja").text
    assert re.search(r'href="webcal://[^"]+/dialogues/seoul/agenda\.ics\?lang=ja"', page)
    assert "/dialogues/seoul/agenda.ics?lang=ja&amp;download=1" in page
    assert "カレンダーで購読する" in page
    opening = seoul.items[0]
    item_page = client.get(f"/dialogues/seoul/items/{opening.id}?lang=ko").text
    assert f"/dialogues/seoul/items/{opening.id}.ics?lang=ko&amp;download=1" in item_page


@pytest.fixture
def kim(make, seoul):
    """A confirmed participant who reads Korean, with a part in the opening."""
    registration = make.registration(dialogue=seoul, status=RegistrationStatus.CONFIRMED)
    registration.participant.name = "Dr Kim"
    registration.participant.language = "ko"
    make.role(seoul.items[0], registration.participant, Role.SPEAKER)
    token = issue_token(registration)
    db.session.commit()
    release(seoul)
    return registration, token


def test_the_personal_schedule_is_in_the_participants_language(client, kim):
    registration, token = kim
    url = f"/registrations/{token}/schedule.ics"
    korean = client.get(url + "?lang=ja", headers={"Accept-Language": "ja"})
    parse_everywhere(korean.data)
    assert [event["summary"] for event in events(korean.data)] == [OPENING["ko"], "Called off"]
    assert str(Calendar.from_ical(korean.data)["X-WR-CALNAME"]) == f"{SEOUL['ko']}: Dr Kim님"

    registration.participant.language = "ja"
    db.session.commit()
    japanese = client.get(url, headers={"If-None-Match": korean.headers["ETag"]})
    assert japanese.status_code == 200
    assert japanese.headers["ETag"] != korean.headers["ETag"]
    assert events(japanese.data)[0]["summary"] == OPENING["ja"]


def test_the_personal_programme_in_japanese(client, kim):
    _registration, token = kim
    page = client.get(f"/registrations/{token}/programme?lang=ja").text
    text = visible_text(page)
    assert "Dr Kim様のプログラム" in text
    assert OPENING["ja"] in text
    with speaking("ja"):
        assert f"ご担当：{label(Role.SPEAKER)}" in text
        assert label(ItemKind.PLENARY) in text
    assert "2027年5月11日火曜日" in text
    assert "時刻は、対話のタイムゾーン（Asia/Seoul）で表示しています。" in text
    # Their own file is written in their language: its link carries none.
    assert re.search(rf'href="webcal://[^"]+/registrations/{token}/schedule\.ics"', page)
    for english in ("Your programme", "Times are in", "Subscribe", "How to subscribe", "you are"):
        assert english not in text


def day_before(smtp) -> list:
    return [
        message for message in smtp.received if "dialogue@ussc.example.org" in text_body(message)
    ]


@pytest.mark.parametrize(
    ("language", "subject", "sentences"),
    [
        (
            "ja",
            "2027年5月11日火曜日のご予定：ソウル対話",
            [
                "Dr Kim様",
                "ソウル対話における2027年5月11日火曜日のご予定を、ご自身のタイムゾーン（America/New_York）でお知らせします：",
                "会場：Grand Hall",
                "オンラインでのご参加：https://meet.example.org/hall",
                "ご質問やご予定の変更がございましたら、"
                "dialogue@ussc.example.org までご連絡ください。",
                "5月10日(月) 20:00～21:00 EDT (現地時間 9:00～10:00 KST): 開会全体会議",
            ],
        ),
        (
            "ko",
            "2027년 5월 11일 화요일 일정 안내: 서울 대화",
            [
                "Dr Kim님께",
                "서울 대화의 2027년 5월 11일 화요일 일정을 "
                "귀하의 시간대(America/New_York) 기준으로 알려 드립니다:",
                "장소: Grand Hall",
                "원격 참가: https://meet.example.org/hall",
                "문의 사항이나 일정 변경이 있으시면 "
                "다음 주소로 연락해 주십시오: dialogue@ussc.example.org",
            ],
        ),
    ],
)
def test_the_day_before_schedule_in_the_participants_language(
    make, seoul, smtp, language, subject, sentences
):
    make.country(code="KR", name="South Korea")
    register(seoul, "kim@example.org", name="Dr Kim", home_timezone="America/New_York")
    db.session.scalars(db.select(Registration)).one().participant.language = language
    db.session.commit()
    smtp.received.clear()
    schedule.run_all(EVE)
    [message] = smtp.received
    assert message["Subject"] == subject
    text = text_body(message)
    for sentence in sentences:
        assert sentence in text, text
    html = visible_text(message.get_body(("html",)).get_content())
    assert sentences[0] in html
    assert sentences[1] in html
    for english in (
        "Dear",
        "Your schedule",
        "Room:",
        "join from afar",
        "Questions",
        "on site",
        "Programme:",
        "convened",
    ):
        assert english not in text
        assert english not in html


def test_an_update_in_korean_with_its_files(make, seoul, organiser, smtp):
    make.country(code="KR", name="South Korea")
    register(seoul, "kim@example.org", name="Dr Kim")
    db.session.scalars(db.select(Registration)).one().participant.language = "ko"
    db.session.commit()
    opening = seoul.items[0]
    committed(move_item, opening, date(2027, 5, 11), time(10), opening.room_id, organiser)
    release(seoul)
    message = smtp.received[-1]
    assert message["Subject"] == "캘린더 업데이트: 서울 대화"
    text = text_body(message)
    assert "Dr Kim님께" in text
    assert (
        "서울 대화 프로그램이 변경되었습니다(제2판). 귀하와 관련된 변경 사항은 다음과 같습니다:"
        in text
    )
    assert "캘린더: 캘린더 파일 1개를 첨부했습니다(세션당 1개)." in text
    assert f"{OPENING['ko']}: 2027년 5월 11일 오전 10:00 KST, Grand Hall" in text
    [part] = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    data = part.get_payload(decode=True)
    parse_everywhere(data)
    [event] = events(data)
    assert event["summary"] == OPENING["ko"]
    assert "온라인 참가: https://meet.example.org/hall" in event["description"]
    for english in ("Dear", "programme", "calendar file", "Programme:", "Your private page"):
        assert english not in text
