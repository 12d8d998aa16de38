"""An expert registers at an open dialogue, confirms the address from the email, and later
replaces a link someone else has seen. Real browser, real SMTP server."""

from datetime import date

from playwright.sync_api import expect

from ip4dialogue.dialogues.models import RegistrationMode
from tests.e2e.conftest import fill_in_registration
from tests.helpers import link_in, release


def test_an_expert_confirms_the_address_then_replaces_a_seen_link(make, smtp, live_server, page):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(
        slug="seoul",
        title="Seoul Dialogue",
        capacity=10,
        registration_mode=RegistrationMode.OPEN,
        start_date=date(2027, 5, 11),
    )
    make.item(dialogue, title="Opening")
    release(dialogue)

    page.goto(live_server + "/dialogues/seoul/register")
    fill_in_registration(page)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("no place is held for you")

    [asking] = smtp.to("kim@example.org")
    assert asking["Subject"] == "Confirm your registration for Seoul Dialogue"
    page.goto(live_server + link_in(asking, "/registrations/confirm/"))
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration, Dr Kim")
    expect(page.locator("#status-heading")).to_contain_text("Confirmed")
    first_link = page.url

    page.get_by_role("link", name="Replace my link…").click()
    page.get_by_role("button", name="Replace my link").click()
    expect(page.locator(".flash").first).to_contain_text("Your link is replaced")
    assert page.url != first_link
    assert (
        smtp.to("kim@example.org")[-1]["Subject"]
        == "Your private link for Seoul Dialogue is replaced"
    )
    page.goto(first_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
