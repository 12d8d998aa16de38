"""An organiser builds an agenda in a real browser, sees the clash, previews and publishes it,
and a visitor reads the programme in the dialogue's zone and in Europe/Brussels; a later edit
reaches the visitor only with the next release, and the changelog tells it; deleting a session
asks first."""

from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from ip4dialogue.dialogues.models import AgendaItem
from ip4dialogue.extensions import db
from tests.e2e.conftest import log_in


def add_item(page, title: str, start: str, end: str) -> None:
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Add an item").click()
    page.select_option("#kind", "panel")
    page.fill("#title", title)
    page.fill("#day", "2027-04-04")
    page.fill("#start", start)
    page.fill("#end", end)
    page.select_option("#room_id", label="Main Hall")
    page.get_by_label("3. Shared understandings of deterrence").check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".flash-success")).to_contain_text(f"“{title}” added to the agenda.")


def test_organiser_builds_warns_publishes_and_a_visitor_reads_it_in_two_zones(
    seeded, organiser, live_server, page, browser
):
    log_in(page, live_server, organiser)
    expect(page.get_by_role("heading", name="Dialogues")).to_be_visible()

    page.get_by_role("link", name="New dialogue").click()
    page.fill("#title", "Wellington Dialogue")
    page.fill("#slug", "wellington-2027")
    page.fill("#start_date", "2027-04-03")
    page.fill("#end_date", "2027-04-04")
    page.select_option("#timezone", "Pacific/Auckland")
    page.fill("#city", "Wellington")
    page.get_by_role("button", name="Create dialogue").click()
    expect(page.locator(".flash-success")).to_contain_text("Dialogue created as a draft")

    page.fill("#name", "Main Hall")
    page.fill("#capacity", "60")
    page.get_by_role("button", name="Add room").click()
    expect(page.locator("#rooms")).to_contain_text("Main Hall")

    # New Zealand leaves daylight saving on the night before: these are NZST (UTC+12) times.
    add_item(page, "Deterrence in two theatres", "09:00", "10:30")
    add_item(page, "Industry roundtable", "10:00", "11:00")

    clash = (
        "Main Hall is double-booked: “Deterrence in two theatres” and “Industry roundtable” "
        "overlap."
    )
    expect(page.locator(".finding")).to_contain_text([clash])
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.locator(".findings")).to_contain_text(clash)
    expect(page.locator(".tt-item")).to_have_count(2)

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish release 1")
    expect(page.locator(".changes-list")).to_contain_text(
        "Deterrence in two theatres: new: Sun 4 Apr 09:00–10:30, Main Hall"
    )
    page.get_by_label("A note to participants (optional)").fill("The first programme.")
    page.get_by_role("button", name="Publish release 1").click()
    expect(page.locator(".error")).to_contain_text("Confirm that you publish despite")
    page.get_by_label("Publish despite the errors and clashes above").check()
    page.get_by_role("button", name="Publish release 1").click()
    expect(page.locator(".flash-success")).to_contain_text("Release 1 published")

    stored = {item.title: item for item in db.session.scalars(select(AgendaItem))}
    deterrence = stored["Deterrence in two theatres"]
    assert deterrence.starts_at == datetime(2027, 4, 3, 21, 0, tzinfo=UTC)
    assert deterrence.ends_at == datetime(2027, 4, 3, 22, 30, tzinfo=UTC)

    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(live_server + "/dialogues/wellington-2027")
    entry = visitor.locator(".agenda-item", has_text="Deterrence in two theatres")
    expect(entry.locator(".time-home")).to_contain_text("09:00–10:30 NZST")
    expect(visitor.get_by_role("heading", name="Sunday 4 April 2027")).to_be_visible()

    visitor.fill("#tz", "Europe/Brussels")
    visitor.get_by_role("button", name="Show", exact=True).click()
    entry = visitor.locator(".agenda-item", has_text="Deterrence in two theatres")
    expect(entry.locator(".time-home")).to_contain_text("09:00–10:30 NZST")
    expect(entry.locator(".time-reader")).to_contain_text("23:00 Sat 3 Apr–00:30 Sun 4 Apr CEST")

    # The organiser ends the clash; the visitor sees nothing of it until it is released.
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Industry roundtable").click()
    page.fill("#start", "11:00")
    page.fill("#end", "12:00")
    page.get_by_role("button", name="Save item").click()
    expect(page.locator(".flash-success")).to_contain_text("Item saved.")
    visitor.goto(live_server + "/dialogues/wellington-2027")
    roundtable = visitor.locator(".agenda-item", has_text="Industry roundtable")
    expect(roundtable.locator(".time-home")).to_contain_text("10:00–11:00 NZST")

    page.get_by_role("link", name="Overview").click()
    moved = "Industry roundtable: moved from Sun 4 Apr 10:00–11:00 to Sun 4 Apr 11:00–12:00"
    expect(page.locator(".changes-list")).to_contain_text(moved)
    page.get_by_role("link", name="Review and publish").click()
    page.get_by_role("button", name="Publish release 2").click()  # no clash left to confirm
    expect(page.locator(".flash-success")).to_contain_text("Release 2 published")

    visitor.reload()
    roundtable = visitor.locator(".agenda-item", has_text="Industry roundtable")
    expect(roundtable.locator(".time-home")).to_contain_text("11:00–12:00 NZST")
    visitor.get_by_role("link", name="what changed").click()
    expect(visitor.locator("#release-2")).to_contain_text(moved)
    expect(visitor.locator("#release-1")).to_contain_text("The first programme.")

    # Deleting asks first and says what follows; the programme keeps the session until then.
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Industry roundtable").click()
    page.get_by_role("link", name="Delete…").click()
    expect(page.locator(".confirmation")).to_contain_text(
        "the next release cancels it in every calendar that has it"
    )
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Industry roundtable")
    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Delete the item").click()
    expect(page.locator(".flash-success")).to_contain_text("“Industry roundtable” deleted.")
    visitor.goto(live_server + "/dialogues/wellington-2027")
    expect(visitor.locator(".agenda-item", has_text="Industry roundtable")).to_have_count(1)
    visitor.context.close()
