"""An organiser asks for invitation reminders on the dialogue's form; days later the invitee
who did not answer is reminded, the organiser sees it on the messages page, and the
reminder's link opens the registration form while the first link no longer does."""

from datetime import timedelta

from playwright.sync_api import expect

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.jobs import schedule
from tests.e2e.conftest import log_in
from tests.helpers import link_in


def test_an_unanswered_invitee_is_reminded_as_the_organiser_asked(
    make, organiser, smtp, live_server, page, browser
):
    dialogue = make.dialogue(title="Tokyo Dialogue", registration_mode=RegistrationMode.INVITATION)
    log_in(page, live_server, organiser)

    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/edit")
    page.get_by_label("Contact address", exact=True).fill("dialogue@ussc.example.org")
    page.get_by_label("Remind unanswered invitees after (days)").fill("3")
    page.get_by_label("At most (reminders)").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Dialogue saved.")

    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/invitations")
    page.fill("#email", "kim@example.org")
    page.fill("#name", "Dr Kim")
    page.get_by_role("button", name="Send invitation", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Invitation sent to kim@example.org")

    schedule.run_all(utcnow() + timedelta(days=3, minutes=1))
    schedule.run_all(utcnow() + timedelta(days=7))
    first, reminder = smtp.to("kim@example.org")
    assert reminder["Subject"] == "Reminder: your invitation to Tokyo Dialogue"

    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/messages")
    rows = page.locator("table.messages tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Reminder: your invitation to Tokyo Dialogue")

    expert = browser.new_page()
    expert.goto(live_server + link_in(first, "/dialogues/"))
    expect(expert.get_by_text("This invitation code is not valid")).to_be_visible()
    expert.goto(live_server + link_in(reminder, "/dialogues/"))
    expect(expert.get_by_role("button", name="Register")).to_be_visible()
    expect(expert.get_by_text("This invitation code is not valid")).to_have_count(0)
    expert.close()
