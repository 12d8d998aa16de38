"""Registration in the experts' languages: the pages in the language they read, and every
mail in the language they chose, whoever's request sends it; organisers' mails in English."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import invitations
from ip4dialogue.registration.invitee_lists import read_invitees
from ip4dialogue.registration.models import Invitation
from ip4dialogue.registration.reminders import remind_invitees
from tests.helpers import (
    committed,
    confirm_from,
    english_in,
    lang_of_link,
    link_in,
    outbox,
    release,
    text_body,
    visible_text,
)

TITLE = "Seoul Dialogue"
TITLES = {"ja": "ソウル対話", "ko": "서울 대화"}


@pytest.fixture(autouse=True)
def korea(make):
    return make.country(code="KR", name="South Korea")


@pytest.fixture
def dialogue(make):
    return make.dialogue(
        slug="seoul",
        title=TITLE,
        translations={language: {"title": title} for language, title in TITLES.items()},
        registration_mode=RegistrationMode.OPEN,
        capacity=10,
        chatham_house=True,
        contact_email="desk@ussc.example",
    )


FORM = {
    "name": "Dr Kim",
    "email": "kim@example.org",
    "affiliation": "KIDA",
    "country_code": "KR",
    "sector": "think_tank",
    "consent_data_processing": "y",
    "consent_chatham_house": "y",
}


def english_left(text: str, *typed: str) -> list[str]:
    """The runs of English words left in `text` once what people typed is taken out."""
    return english_in(text, (TITLE, "Dr Kim", "KIDA", *typed))


def test_the_form_speaks_japanese_and_offers_japanese_for_the_mails(client, dialogue):
    page = client.get("/dialogues/seoul/register?lang=ja").text
    assert "ソウル対話への参加登録" in page
    assert "2027年5月11日～12日" in page  # the dates, by Babel
    assert "メールの言語" in page
    assert '<option selected value="ja">日本語</option>' in page
    assert not english_left(visible_text(page.split('id="country_code"')[0]))


def test_mistakes_are_explained_in_japanese_and_nothing_typed_is_lost(app, client, dialogue):
    sent = FORM | {"email": "not an address", "name": "", "language": "ja"}
    page = visible_text(client.post("/dialogues/seoul/register?lang=ja", data=sent).text)
    assert "無効なメールアドレスです。" in page
    assert "このフィールドは必須です。" in page
    assert "not an address" in client.post("/dialogues/seoul/register?lang=ja", data=sent).text
    assert outbox(app) == []


def test_a_japanese_registration_is_written_to_in_japanese(app, client, dialogue):
    response = client.post("/dialogues/seoul/register?lang=ja", data=FORM | {"language": "ja"})
    assert "メールをご確認ください" in client.get(response.location).text
    [asking] = outbox(app)
    assert asking["Subject"] == "ソウル対話：参加登録のご確認のお願い"
    body = text_body(asking)
    assert "Dr Kim様" in body
    assert "ソウル対話（2027年5月11日～12日、Seoul）" in body
    assert "48時間以内" in body
    assert not english_left(body.split("http")[0])

    page = confirm_from(app.test_client(), asking)  # opened in a browser in English
    confirmed = outbox(app)[-1]
    assert confirmed["Subject"] == "ソウル対話：ご参加が確定しました"
    assert lang_of_link(confirmed, "/registrations/") == "ja"  # their page opens in Japanese
    assert lang_of_link(confirmed, "/dialogues/") == "ja"
    assert "ソウル対話へのご参加が確定しました（2027年5月11日～12日、Seoul）。" in text_body(
        confirmed
    )
    assert db.session.scalars(select(Participant)).one().language == "ja"
    own = visible_text(client.get(page).text)
    assert "Dr Kim様の参加登録" in own
    assert "状況： 参加確定" in own


def test_choosing_korean_on_the_page_makes_the_next_mail_korean(app, client, dialogue):
    client.post("/dialogues/seoul/register", data=FORM)
    page = confirm_from(client, outbox(app)[-1])
    assert outbox(app)[-1]["Subject"] == "Your place at Seoul Dialogue is confirmed"
    details = FORM | {"language": "ko", "position": "", "home_timezone": ""}
    saved = client.post(f"{page}?lang=ko", data=details, follow_redirects=True)
    assert "정보가 저장되었습니다." in saved.text
    assert '<option selected value="ko">한국어</option>' in saved.text

    client.post(page + "/calendar", data={"by": "subscription"})
    chosen = outbox(app)[-1]
    assert chosen["Subject"] == "서울 대화 캘린더 설정"
    body = text_body(chosen)
    assert "Dr Kim님께" in body
    assert "요청하신 대로 이제 서울 대화 일정은 구독을 통해 캘린더에 반영되며" in body

    client.post(page + "/cancel")  # read in English: still written in Korean
    cancelled = outbox(app)[-1]
    assert cancelled["Subject"] == "서울 대화 참가 등록이 취소되었습니다"
    assert "요청하신 대로 서울 대화 참가 등록을 취소하였습니다." in text_body(cancelled)


def test_the_break_outs_are_offered_and_confirmed_with_korean_dates(app, client, dialogue, make):
    breakout = make.item(
        dialogue,
        title="Deterrence",
        translations={"ko": {"title": "억제"}},
        kind=ItemKind.BREAKOUT,
        capacity=5,
        signup_required=True,
    )
    db.session.commit()
    release(dialogue)
    form = client.get("/dialogues/seoul/register?lang=ko").text
    assert "억제 (5월 11일 (화) 오전 9:00 ~ 오전 10:00, 좌석 있음)" in visible_text(form)
    data = FORM | {"language": "ko", "breakouts": str(breakout.id)}
    client.post("/dialogues/seoul/register?lang=ko", data=data)
    page = confirm_from(app.test_client(), outbox(app)[-1])
    client.post(page + "/breakouts", data={})
    changed = text_body(outbox(app)[-1])
    assert "참가를 취소하신 세션: 억제" in changed
    assert "현재 참가하시는 분과 세션은 없습니다." in changed


def test_an_invitation_in_korean_and_its_reminder_and_form(app, client, dialogue, organiser_client):
    dialogue.registration_mode = RegistrationMode.INVITATION
    dialogue.invitation_reminder_days = 3
    db.session.commit()
    form = {"email": "lee@example.org", "name": "Dr Lee", "language": "ko"}
    organiser_client.post(f"/organise/dialogues/{dialogue.id}/invitations", data=form)
    [invited] = outbox(app)
    assert invited["Subject"] == "초청: 서울 대화"
    body = text_body(invited)
    assert "Dr Lee님께" in body
    assert "서울 대화(2027년 5월 11일~12일, Seoul)에 귀하를 초청합니다." in body
    assert not english_left(body.split("http")[0], "Dr Lee", "lee@example.org")

    invitation = db.session.scalars(select(Invitation)).one()
    committed(remind_invitees, invitation.last_sent_at + timedelta(days=4))
    reminder = outbox(app)[-1]
    assert reminder["Subject"] == "다시 알림: 서울 대화 초청"
    assert "이 링크는 이전 메일의 링크를 대체하며" in text_body(reminder)

    link = link_in(reminder, "/dialogues/seoul/register")
    page = client.get(link).text
    assert '<option selected value="ko">한국어</option>' in page  # though read in English
    sent = FORM | {"email": "lee@example.org", "name": "Dr Lee", "language": "ko"}
    assert client.post(link, data=sent).status_code == 302
    assert outbox(app)[-1]["Subject"] == "서울 대화 참가가 확정되었습니다"
    assert db.session.scalars(select(Participant)).one().language == "ko"


def test_a_list_may_give_each_invitee_a_language(app, dialogue, organiser):
    text = "email,name,language\nkim@example.org,Dr Kim,JA\nlee@example.org,Dr Lee,\nx@y.org,X,fr\n"
    reading = read_invitees(text)
    assert [(row.email, row.language) for row in reading.invitees] == [
        ("kim@example.org", "ja"),
        ("lee@example.org", ""),
    ]
    [problem] = reading.problems
    assert problem.line == 4
    assert problem.message == "Unknown language “fr”: write en, ja or ko, or leave it empty."
    invited, _ = committed(invitations.invite_list, dialogue, text, organiser, "", "ko")
    assert {invitation.email: invitation.language for invitation in invited} == {
        "kim@example.org": "ja",
        "lee@example.org": "ko",
    }
    subjects = {message["To"]: message["Subject"] for message in outbox(app)}
    assert subjects == {
        "Dr Kim <kim@example.org>": "ご招待：ソウル対話",
        "Dr Lee <lee@example.org>": "초청: 서울 대화",
    }


def test_the_organisers_are_written_to_in_english_whatever_the_asker_reads(app, client, dialogue):
    dialogue.registration_mode = RegistrationMode.INVITATION
    db.session.commit()
    asked = {"name": "Dr Park", "email": "park@example.org", "affiliation": "KAIST"}
    response = client.post("/dialogues/seoul/register/ask?lang=ja", data=asked)
    assert response.status_code == 302
    [request] = outbox(app)
    assert request["Subject"] == "A request for an invitation to Seoul Dialogue"
    assert "Dear organisers," in text_body(request)
    assert "ご依頼を主催者にお送りしました" in client.get(response.location).text
