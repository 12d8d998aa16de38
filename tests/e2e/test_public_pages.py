"""A visitor finds the sample dialogue from the home page and reads its programme."""

from playwright.sync_api import expect


def test_visitor_opens_the_sample_dialogue_from_the_home_page(seeded, live_server, page):
    page.goto(live_server + "/")
    expect(page).to_have_title("Upcoming dialogues · IP4 Dialogue")

    page.get_by_role("link", name="Second Indo-Pacific Security Dialogue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Second Indo-Pacific Security Dialogue"
    )
    expect(page.get_by_role("heading", name="Tuesday 11 May 2027")).to_be_visible()
    expect(page.get_by_role("heading", name="Wednesday 12 May 2027")).to_be_visible()
    opening = page.locator(".agenda-item", has_text="Opening: what the IP4 can be")
    expect(opening.locator(".when")).to_contain_text("09:00–09:30")
    expect(opening.locator(".when")).to_contain_text("KST")
    expect(page.get_by_text("held under the Chatham House Rule")).to_be_visible()
    # Under the Chatham House Rule, people who did not consent are not named.
    expect(page.get_by_text("Amelia Hart")).to_have_count(0)
    expect(page.get_by_text("Prof. Yuki Tanaka").first).to_be_visible()
