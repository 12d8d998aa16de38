"""A visitor finds the sample dialogue from the home page and reads its programme."""

import json
from pathlib import Path

from lxml import etree
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


def test_visitor_downloads_the_schedule_files_from_the_programme(seeded, live_server, page):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Second Indo-Pacific Security Dialogue").click()
    files = {}
    for name in ("frab XML", "JSON"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).click()
        files[download.value.suggested_filename] = Path(download.value.path()).read_bytes()
    json_name, xml_name = sorted(files)
    assert json_name.endswith("-schedule.json")
    assert xml_name.endswith("-schedule.xml")
    titles = [event.findtext("title") for event in etree.fromstring(files[xml_name]).iter("event")]
    assert "Opening: what the IP4 can be, and what it should not be" in titles
    document = json.loads(files[json_name])
    assert document["schedule"]["conference"]["time_zone_name"] == "Asia/Seoul"
    # Under the Chatham House Rule, people who did not consent are not named in files either.
    assert all(b"Amelia Hart" not in data for data in files.values())
