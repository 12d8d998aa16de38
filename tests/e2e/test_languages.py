"""A Korean expert's browser asks for Korean; she switches to Japanese at the foot of the page,
registers in Japanese, and everything after (the mail, her own page, its calendar) follows.
Real Chromium, real SMTP server."""

from datetime import date

from playwright.sync_api import expect

from ip4dialogue.dialogues.models import RegistrationMode
from tests.helpers import link_in, release, text_body


def test_a_reader_switches_language_and_registers_in_it(make, smtp, live_server, browser):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(
        slug="seoul",
        title="Seoul Dialogue",
        translations={"ja": {"title": "ソウル対話"}, "ko": {"title": "서울 대화"}},
        capacity=10,
        registration_mode=RegistrationMode.OPEN,
        start_date=date(2027, 5, 11),
        end_date=date(2027, 5, 12),
    )
    make.item(dialogue, title="Opening", translations={"ja": {"title": "開会"}})
    release(dialogue)
    context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(live_server + "/dialogues/seoul")  # the browser's language: Korean
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).to_have_text("서울 대화")
    expect(page.locator("main")).to_contain_text("2027년 5월 11일")

    page.get_by_role("navigation", name="언어").get_by_role("link", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ソウル対話")
    expect(page.locator("main")).to_contain_text("開会")
    expect(page.locator("main")).to_contain_text("2027年5月11日")

    page.goto(live_server + "/dialogues/seoul/register")  # no ?lang=: the cookie keeps it
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#language")).to_have_value("ja")
    page.locator("#name").fill("金 ジヨン")
    page.locator("#email").fill("kim@example.org")
    page.locator("#affiliation").fill("KIDA")
    page.select_option("#country_code", "KR")
    expect(page.locator("#country_code option[value=KR]")).to_have_text("韓国")
    page.select_option("#sector", "think_tank")
    page.locator("#consent_chatham_house").check()
    page.locator("#consent_data_processing").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    [asking] = smtp.to("kim@example.org")
    assert asking["Subject"] == "ソウル対話：参加登録のご確認のお願い"
    assert "2027年5月11日～12日" in text_body(asking)
    assert "Please confirm" not in text_body(asking)
    page.goto(live_server + link_in(asking, "/registrations/confirm/"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_contain_text("金 ジヨン")
    [confirmed] = [message for message in smtp.to("kim@example.org") if message is not asking]
    assert "ソウル対話" in confirmed["Subject"]
    assert confirmed["Subject"] != asking["Subject"]
    context.close()
