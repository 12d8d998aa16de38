"""An organiser invites an address the mail server refuses, learns it from the overview, reads
the server's reply on the messages page, and sends the invitation again once it is accepted."""

from playwright.sync_api import expect

from ip4dialogue.dialogues.models import RegistrationMode
from tests.e2e.conftest import log_in


def test_an_organiser_sees_a_failed_invitation_and_sends_it_again(
    make, organiser, smtp, live_server, page
):
    dialogue = make.dialogue(
        title="Canberra Dialogue", registration_mode=RegistrationMode.INVITATION
    )
    smtp.refused.add("kim@example.org")
    log_in(page, live_server, organiser)

    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/invitations")
    page.fill("#email", "kim@example.org")
    page.fill("#name", "Dr Kim")
    page.get_by_role("button", name="Send invitation", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Invitation sent to kim@example.org")

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="1 message could not be delivered").click()
    row = page.locator("table.messages tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Invitation: Canberra Dialogue")
    expect(row).to_contain_text("550 5.1.1 No such user here")
    assert smtp.to("kim@example.org") == []

    smtp.refused.clear()
    row.get_by_role("button", name="Send again").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "The message to kim@example.org is queued again."
    )
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("table.messages tbody tr")).to_contain_text("Sent")
    [invitation] = smtp.to("kim@example.org")
    assert invitation["Subject"] == "Invitation: Canberra Dialogue"
