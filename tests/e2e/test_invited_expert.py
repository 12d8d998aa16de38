"""An invited expert registers from the emailed link, picks a break-out and cancels; the first
person waiting gets the seat and an email. Real browser, real SMTP server."""

from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration import invitations
from ip4dialogue.registration.models import Invitation
from tests.helpers import committed, link_in, register, release, text_body


def test_invited_expert_registers_picks_a_breakout_and_cancels(
    make, organiser, smtp, live_server, page
):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(
        slug="seoul",
        title="Seoul Dialogue",
        capacity=1,
        registration_mode=RegistrationMode.INVITATION,
        chatham_house=True,
        start_date=date(2027, 5, 11),
    )
    start = datetime(2027, 5, 11, 5, 0, tzinfo=UTC)
    make.item(
        dialogue,
        title="Breakout A: IP4 coordination",
        kind=ItemKind.BREAKOUT,
        signup_required=True,
        capacity=10,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    release(dialogue)
    committed(invitations.invite, dialogue, "kim@example.org", "Dr Kim", "KIDA", organiser)
    committed(invitations.invite, dialogue, "lee@example.org", "Mr Lee", "KAIST", organiser)

    [invitation] = smtp.to("kim@example.org")
    page.goto(live_server + link_in(invitation, "/dialogues/seoul/register"))
    expect(page.locator("#email")).to_have_value("kim@example.org")
    page.get_by_label("Position").fill("Senior Fellow")
    page.select_option("#country_code", "KR")
    page.select_option("#sector", "think_tank")
    page.get_by_label("I will respect the Chatham House Rule").check()
    page.get_by_label("I agree that the organisers store").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration, Dr Kim")
    expect(page.locator("#status-heading")).to_contain_text("Confirmed")
    assert [m["Subject"] for m in smtp.to("kim@example.org")][-1] == (
        "Your place at Seoul Dialogue is confirmed"
    )

    lee_code = link_in(smtp.to("lee@example.org")[0], "/dialogues/").split("code=")[1]
    register(dialogue, "lee@example.org", code=lee_code, name="Mr Lee", affiliation="KAIST")
    assert smtp.to("lee@example.org")[-1]["Subject"] == "You are on the waitlist for Seoul Dialogue"

    page.get_by_label("Breakout A: IP4 coordination").check()
    page.get_by_role("button", name="Save my break-outs").click()
    expect(page.locator(".signups")).to_contain_text("Breakout A: IP4 coordination: seat confirmed")

    page.get_by_role("link", name="Cancel my registration…").click()
    expect(page.locator(".confirmation")).to_contain_text(
        "Your seat goes to the next person on the waitlist, who is emailed."
    )
    expect(page.locator(".confirmation")).to_contain_text("Your break-out places go")
    assert smtp.to("lee@example.org")[-1]["Subject"].startswith("You are on the waitlist")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.locator("#status-heading")).to_contain_text("Cancelled")

    promotion = smtp.to("lee@example.org")[-1]
    assert promotion["Subject"] == "A place has opened up for you at Seoul Dialogue"
    assert "/registrations/" in text_body(promotion)


def test_invited_expert_declines_after_reading_what_follows_and_is_invited_again(
    make, organiser, smtp, live_server, page
):
    dialogue = make.dialogue(
        slug="seoul", title="Seoul Dialogue", registration_mode=RegistrationMode.INVITATION
    )
    release(dialogue)
    committed(invitations.invite, dialogue, "kim@example.org", "Dr Kim", "KIDA", organiser)
    first_link = link_in(smtp.to("kim@example.org")[-1], "/dialogues/seoul/register")

    page.goto(live_server + first_link)
    page.get_by_role("link", name="decline the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decline the invitation to Seoul Dialogue?"
    )
    expect(page.locator(".confirmation")).to_contain_text("they can send you a new one")
    page.get_by_role("link", name="Back to the invitation").click()
    expect(page.locator("#email")).to_have_value("kim@example.org")
    page.get_by_role("link", name="decline the invitation").click()
    page.get_by_role("button", name="Decline the invitation").click()
    expect(page.locator("main")).to_contain_text("declined")

    [invitation] = db.session.scalars(select(Invitation)).all()
    committed(invitations.resend, invitation)
    page.goto(live_server + first_link)
    expect(page.locator("main")).to_contain_text("This invitation code is not valid")
    page.goto(live_server + link_in(smtp.to("kim@example.org")[-1], "/dialogues/seoul/register"))
    expect(page.locator("#email")).to_have_value("kim@example.org")
