"""An owner hands a script a token, in Chromium at a desktop's width and a phone's: makes it
on the dialogue's API tokens page, sees its secret once, the script reads the registrations
through the API with it, the owner revokes it, and the API refuses it from then on."""

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from ip4dialogue.access import TeamRole
from tests.conftest import ORGANISER_PASSWORD
from tests.e2e.conftest import log_in


def read_api(url: str, secret: str) -> tuple[int, dict]:
    """GET an API URL as a partner's script would: no browser, no cookie, a bearer token."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_an_owner_makes_a_token_a_script_reads_with_it_then_the_owner_revokes_it(
    make, live_server, screen
):
    dialogue = make.dialogue(slug="canberra", title="Canberra Roundtable")
    make.registration(
        dialogue=dialogue, participant=make.participant(name="Dr Lee", email="lee@example.org")
    )
    owner = make.organiser(
        email="owner@example.org",
        name="Olu Owner",
        password_hash=generate_password_hash(ORGANISER_PASSWORD),
    )
    make.member(dialogue, owner, TeamRole.OWNER)
    page = screen.page
    log_in(page, live_server, owner)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}")
    page.locator("nav.tabs").get_by_role("link", name="API tokens").click()
    page.get_by_label("Name (who or what uses it)").fill("Partner CRM")
    page.get_by_label("Scope").select_option("registrations:read")
    page.get_by_label("Works for (days)").fill("30")
    screen.shot("1-make")
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("#new-token").inner_text()
    expect(page.get_by_text("it is shown this once")).to_be_visible()
    screen.shot("2-shown-once")

    url = f"{live_server}/api/v1/dialogues/canberra/registrations"
    status, body = read_api(url, secret)
    assert status == 200
    assert [r["name"] for r in body["data"]] == ["Dr Lee"]

    page.locator("nav.tabs").get_by_role("link", name="API tokens").click()  # shown once
    expect(page.locator("#new-token")).to_have_count(0)
    row = page.locator("tr", has_text="Partner CRM")
    expect(row).not_to_contain_text("Never")  # its last use is listed
    row.get_by_role("button", name="Revoke Partner CRM").click()
    expect(page.locator(".flash-success")).to_contain_text("is revoked")
    expect(page.locator("tr", has_text="Partner CRM")).to_contain_text("Revoked")
    screen.shot("3-revoked")

    status, body = read_api(url, secret)
    assert status == 401
    assert body["error"] == "invalid_token"
    assert "Dr Lee" not in json.dumps(body)
