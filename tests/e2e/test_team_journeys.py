"""Organisers' journeys in Chromium, at a desktop's width and a phone's, a screenshot of each
step kept: an owner invites a colleague, who makes an account from the emailed link and
joins, then changes their role and takes them off the team; an organiser sets up a second
factor and logs in with it; a forgotten password is set anew from an emailed link."""

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.conftest import ORGANISER_PASSWORD
from tests.e2e.conftest import log_in
from tests.helpers import link_in

NEW_PASSWORD = "the colleague's own passphrase"


def test_an_owner_invites_a_colleague_who_joins_then_changes_and_ends_their_role(
    make, organiser, smtp, live_server, screen, browser
):
    dialogue = make.dialogue(title="Wellington Roundtable")
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}")
    page.locator("nav.tabs").get_by_role("link", name="Team").click()
    page.locator("#email").fill("aroha@example.org")
    page.locator("#role").select_option("registrar")
    screen.shot("1-invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".flash-success")).to_contain_text("aroha@example.org is invited as")
    [invitation] = smtp.to("aroha@example.org")
    link = link_in(invitation, "/team/join/")

    colleague = browser.new_context(viewport=page.viewport_size).new_page()
    colleague.goto(live_server + link)
    expect(colleague.get_by_text("Make your organiser account for")).to_be_visible()
    colleague.get_by_label("Your name").fill("Aroha Ngata")
    colleague.get_by_label("New password").fill(NEW_PASSWORD)
    colleague.get_by_label("The same password again").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Make my account and join").click()
    expect(colleague.locator(".flash-success")).to_contain_text(
        "You are on the team of Wellington Roundtable as registrar."
    )
    tabs = colleague.locator("nav.tabs")
    expect(tabs.get_by_role("link", name="Registrations")).to_be_visible()
    expect(tabs.get_by_role("link", name="Details")).to_have_count(0)

    page.reload()
    page.get_by_label("Role of Aroha Ngata").select_option("viewer")
    row = page.locator("tr", has_text="Aroha Ngata")
    row.get_by_role("button", name="Change").click()
    expect(page.locator(".flash-success")).to_contain_text("Aroha Ngata is now viewer.")
    colleague.reload()
    expect(colleague.locator("nav.tabs").get_by_role("link", name="Registrations")).to_have_count(0)
    screen.shot("2-changed")

    page.locator("tr", has_text="Aroha Ngata").get_by_role("link", name="Take off the team").click()
    expect(page.get_by_role("heading", name="Take Aroha Ngata off the team?")).to_be_visible()
    page.get_by_role("button", name="Take off the team").click()
    expect(page.locator(".flash-success")).to_contain_text("no longer on the team")
    colleague.reload()
    expect(colleague.get_by_role("heading", name="Not Found")).to_be_visible()
    colleague.context.close()


def test_an_organiser_sets_up_a_second_factor_and_logs_in_with_it(
    organiser, smtp, live_server, screen
):
    page = screen.page
    log_in(page, live_server, organiser)
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("link", name="Set up a second factor").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator(".secret").inner_text().replace(" ", "")
    screen.shot("1-qr-code")
    page.get_by_label("The code your app shows").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn the second factor on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    screen.shot("2-recovery-codes")
    page.get_by_role("link", name="I have kept them").click()
    page.get_by_role("button", name="Log out everywhere").click()

    page.goto(live_server + "/login")
    page.locator("#email").fill(organiser.email)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your code")).to_be_visible()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organise/")
    screen.shot("3-in")


def test_a_forgotten_password_is_set_anew_from_an_emailed_link(
    organiser, smtp, live_server, screen
):
    page = screen.page
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.locator("#email").fill(organiser.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Look in your mailbox")).to_be_visible()
    [message] = smtp.to(organiser.email)
    page.goto(live_server + link_in(message, "/login/reset/"))
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    screen.shot("1-new-password")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator(".flash-success")).to_contain_text("Your new password is set")
    page.locator("#email").fill(organiser.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organise/")
