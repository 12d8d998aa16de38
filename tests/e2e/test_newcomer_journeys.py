"""The journeys a newcomer takes, at a desktop's width and a phone's, with a screenshot of each
step kept: an uninvited expert asks for an invitation; an organiser pastes a list copied from
a spreadsheet, previews it and sends it, and sees who is in each break-out; an expert reads
their own programme with its join link, and narrows the public one."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.registration.models import RegistrationStatus
from tests.e2e.conftest import fill_in_registration, log_in
from tests.helpers import link_in, release


def test_an_uninvited_expert_asks_the_organisers_for_an_invitation(
    seeded, smtp, live_server, screen
):
    page = screen.page
    page.goto(live_server + "/")
    page.get_by_role("link", name="Second Indo-Pacific Security Dialogue").click()
    expect(page.get_by_text("Participation is by invitation")).to_be_visible()
    screen.shot("1-programme")
    page.get_by_role("link", name="Ask the organisers for an invitation").click()
    page.get_by_label("Full name").fill("Dr Aroha Ngata")
    page.locator("#email").fill("aroha@example.org")
    page.get_by_label("Organisation").fill("Centre for Strategic Studies")
    page.get_by_label("Why you would like to take part").fill("Pacific maritime security.")
    screen.shot("2-request")
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Your request has gone to the organisers"
    )
    [request] = smtp.to("dialogue@example.org")
    assert request["Reply-To"] == "aroha@example.org"


def test_an_organiser_pastes_a_spreadsheet_list_previews_it_and_sends_it(
    make, organiser, smtp, live_server, screen
):
    dialogue = make.dialogue(title="Third Indo-Pacific Security Dialogue")
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/invitations")
    pasted = (
        "Name\tEmail\tOrganisation\n"
        "Dr Kim\tkim@example.org\tKIDA\n"
        '"Weber, Anna" <weber@example.org>\n'
        "Mr Nobody\tno address\n"
    )
    listed = page.locator("form:has(#pasted)")
    listed.get_by_label("Paste a list").fill(pasted)
    listed.get_by_label("A personal note (optional)").fill("We would value your view.")
    listed.get_by_role("button", name="Preview").click()
    expect(page.locator(".mail-preview")).to_contain_text("2 invitation(s) would be sent")
    expect(page.locator(".mail-body")).to_contain_text("We would value your view.")
    screen.shot("1-preview")
    assert smtp.received == []
    page.get_by_role("button", name="Send invitations").click()
    expect(page.locator(".flash-success")).to_contain_text("2 invitation(s) sent.")
    expect(page.get_by_label("Paste a list")).to_have_value("Mr Nobody\tno address")
    screen.shot("2-sent")
    assert sorted(message["To"].addresses[0].addr_spec for message in smtp.received) == [
        "kim@example.org",
        "weber@example.org",
    ]


def test_an_expert_reads_their_programme_with_its_join_link_and_narrows_the_public_one(
    make, smtp, live_server, screen
):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(
        slug="hybrid",
        title="Hybrid Dialogue",
        capacity=10,
        registration_mode=RegistrationMode.OPEN,
        start_date=date(2027, 5, 11),
    )
    online = make.room(dialogue, name="Online", join_url="https://meet.example.org/room-42")
    start = datetime(2027, 5, 11, 0, 0, tzinfo=UTC)
    make.item(dialogue, title="Opening", room=online, starts_at=start)
    make.item(dialogue, title="Coffee", kind=ItemKind.BREAK, starts_at=start + timedelta(hours=1))
    release(dialogue)
    page = screen.page

    page.goto(live_server + "/dialogues/hybrid?tz=Europe/Brussels")
    page.get_by_label("Kind").select_option("break")
    page.get_by_role("button", name="Show these sessions").click()
    expect(page.locator(".agenda-item")).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("1 of 2 sessions")
    screen.shot("1-narrowed")
    page.get_by_role("link", name="Show all").click()
    expect(page.locator(".agenda-item")).to_have_count(2)

    page.get_by_role("link", name="Register").click()
    fill_in_registration(page)
    expect(page.locator("#home_timezone")).to_have_value("Europe/Brussels")  # from ?tz=
    page.get_by_role("button", name="Register").click()
    [asking] = smtp.to("kim@example.org")
    page.goto(live_server + link_in(asking, "/registrations/confirm/"))
    page.get_by_role("button", name="Confirm my registration").click()
    page.get_by_role("link", name="Read your programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your programme, Dr Kim")
    expect(page.locator(".agenda-item").first).to_contain_text("02:00–03:00 CEST")
    expect(page.get_by_role("link", name="Join online")).to_have_attribute(
        "href", "https://meet.example.org/room-42"
    )
    screen.shot("2-my-programme")

    page.go_back()  # to their page: one subscription link instead of a file a session
    page.get_by_label("A subscription").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved.")
    expect(page.get_by_role("link", name="Subscribe in your calendar")).to_have_attribute(
        "href", re.compile(r"^webcal://.*/schedule\.ics$")
    )
    screen.shot("3-subscription")
    assert smtp.to("kim@example.org")[-1]["Subject"] == "Your calendar for Hybrid Dialogue"


def test_an_organiser_sees_who_is_in_each_breakout(make, organiser, live_server, screen):
    dialogue = make.dialogue(capacity=20)
    item = make.item(dialogue, title="Breakout A", signup_required=True, capacity=2)
    for name in ("Ana", "Ben", "Cho"):
        registration = make.registration(dialogue=dialogue, participant=make.participant(name=name))
        make.signup(registration, item, waitlist_position=1 if name == "Cho" else None)
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}")
    page.get_by_role("link", name="Break-outs").click()
    roster = page.locator(".breakout-roster")
    expect(roster).to_contain_text("2 of 2 seats taken, 1 waiting")
    expect(roster.locator("ol").last).to_contain_text("Cho")
    screen.shot("1-rosters")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_an_organiser_approves_several_registrations_at_once(make, organiser, live_server, screen):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL, capacity=10)
    for name in ("Ana", "Ben", "Cho"):
        make.registration(
            dialogue=dialogue,
            status=RegistrationStatus.PENDING,
            participant=make.participant(name=name),
        )
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/registrations")
    page.get_by_label("Tick Ana").check()
    page.get_by_label("Tick Cho").check()
    page.get_by_label("With the ticked registrations").select_option("approve")
    page.get_by_role("button", name="Go on…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 2 registration(s)?")
    screen.shot("1-asked")
    page.get_by_role("button", name="Approve 2").click()
    expect(page.locator(".flash-success")).to_contain_text("Approve: done for 2 (2 now confirmed).")
    rows = page.locator("table.registrants tbody tr")
    expect(rows.filter(has_text="Ana")).to_contain_text("Confirmed")
    expect(rows.filter(has_text="Ben")).to_contain_text("Pending")
    screen.shot("2-done")


def test_an_organiser_writes_to_several_registrations_at_once(
    make, organiser, smtp, live_server, screen
):
    dialogue = make.dialogue(title="Writing Dialogue")
    for name in ("Ana", "Ben", "Cho"):
        make.registration(
            dialogue=dialogue,
            participant=make.participant(name=name, email=f"{name.lower()}@example.org"),
        )
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/registrations")
    page.get_by_label("Tick Ana").check()
    page.get_by_label("Tick Ben").check()
    page.get_by_label("With the ticked registrations").select_option("write")
    page.get_by_role("button", name="Go on…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to 2 registration(s)")
    expect(page.locator(".confirmation")).to_contain_text("To: Ana, Ben.")
    page.get_by_label("Subject").fill("Visa letters")
    page.get_by_label("Message").fill("Visa letters go out on Monday.")
    screen.shot("1-writing")
    page.get_by_role("button", name="Send to 2").click()
    expect(page.locator(".flash-success")).to_contain_text("on its way to 2 registration(s)")
    screen.shot("2-sent")
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.received) == [
        "ana@example.org",
        "ben@example.org",
    ]


def test_an_organiser_asks_a_question_of_their_own_and_reads_the_answers(
    make, organiser, smtp, live_server, screen
):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(slug="asking", title="Asking Dialogue", capacity=10)
    dialogue.registration_mode = RegistrationMode.OPEN
    release(dialogue)
    page = screen.page
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}")
    page.get_by_role("link", name="Questions").click()
    page.locator("#label").fill("Will you join the dinner on 11 May?")
    page.get_by_label("Answered with").select_option("choice")
    page.get_by_label("Answers to choose from").fill("Yes\nNo\nNot sure yet")
    page.get_by_label("An answer is required").check()
    screen.shot("1-asking")
    page.get_by_role("button", name="Add the question").click()
    expect(page.locator(".flash-success")).to_contain_text("Question added")
    expect(page.locator("table.questions")).to_contain_text("Yes · No · Not sure yet")

    page.goto(live_server + "/dialogues/asking/register")
    fill_in_registration(page)
    page.get_by_role("button", name="Register").click()  # the question unanswered
    expect(page.locator(".has-error")).to_contain_text("Answer this question.")
    expect(page.get_by_label("Full name")).to_have_value("Dr Kim")
    screen.shot("2-unanswered")
    page.get_by_label("Not sure yet").check()
    page.get_by_label("I agree that the organisers store").check()
    page.get_by_role("button", name="Register").click()
    [asking] = smtp.to("kim@example.org")
    page.goto(live_server + link_in(asking, "/registrations/confirm/"))
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_label("Not sure yet")).to_be_checked()  # and may be changed here

    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/registrations")
    expect(page.locator("dl.answers")).to_contain_text("Not sure yet")
    screen.shot("3-answers")


def test_an_organiser_drags_sessions_into_a_folded_gap_and_to_another_day(
    make, organiser, live_server, screen
):
    seoul = ZoneInfo("Asia/Seoul")
    dialogue = make.dialogue(start_date=date(2027, 5, 11), end_date=date(2027, 5, 12))
    hall = make.room(dialogue, name="Hall")

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime(2027, 5, 11, hour, minute, tzinfo=seoul).astimezone(UTC)

    make.item(dialogue, title="Opening", room=hall, starts_at=at(9), ends_at=at(10))
    make.item(dialogue, title="Clash", room=hall, starts_at=at(9, 30), ends_at=at(10, 30))
    make.item(dialogue, title="Closing", room=hall, starts_at=at(17), ends_at=at(18))
    page = screen.page
    # Both days in sight: a drag to the edge scrolls by itself in a browser, not in a test.
    page.set_viewport_size({"width": page.viewport_size["width"], "height": 2400})
    log_in(page, live_server, organiser)
    page.goto(f"{live_server}/organise/dialogues/{dialogue.id}/agenda")
    first_day = page.locator("table.timetable").first
    fold = first_day.locator("tr.tt-fold")
    expect(fold.locator("th")).to_contain_text("11:00 ⋯ 17:00")
    expect(first_day.locator("#item-3")).to_have_attribute("colspan", "2")  # no clash then
    screen.shot("1-timetable")

    page.locator("#item-3").drag_to(fold.locator("td.tt-free"))
    expect(page.locator(".flash-success")).to_have_text("“Closing” moved.")
    expect(page.locator("#item-3 .tt-when")).to_have_text("11:00–12:00")

    second_day = page.locator("table.timetable").nth(1)
    expect(page.locator(".timetable-day").nth(1)).to_contain_text("Nothing on this day yet")
    page.locator("#item-1").drag_to(second_day.locator("td.tt-free[data-start='14:00']"))
    expect(page.locator(".flash")).to_have_text("“Opening” moved.")
    moved = page.locator("table.timetable").nth(1).locator("#item-1")
    expect(moved.locator(".tt-when")).to_have_text("14:00–15:00")
    screen.shot("2-moved")
