"""Every page a visitor, an expert or an organiser can open, in Chromium at a desktop and a
phone width: no serious or critical accessibility violation (axe-core, injected by the test,
never served by the app), nothing wider than the screen, and a screenshot of each kept in
IP4DIALOGUE_ARTIFACTS (test-artifacts/ by default) to look at."""

import re
from importlib.resources import files

import pytest
from flask import Flask

from tests.conftest import ORGANISER_PASSWORD
from tests.e2e.conftest import ARTIFACTS, WIDTHS, log_in
from tests.helpers import url_for_rule

AXE = files("axe_playwright_python").joinpath("axe.min.js").read_text()
NOT_PAGES = re.compile(r"\.(ics|csv|xlsx|atom|pdf|docx|xml|json)$|^/(static|healthz|api/)")


def pages(app: Flask, world: dict) -> dict[str, list[tuple[str, str]]]:
    """Every GET page of the url_map (endpoint and URL) with the world's objects: the
    organisers' and the rest."""
    found: dict[str, list[tuple[str, str]]] = {"visitor": [], "organiser": []}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" in rule.methods and not NOT_PAGES.search(rule.rule):
            url = url_for_rule(app, rule, world)
            audience = "organiser" if url.startswith("/organise") else "visitor"
            found[audience].append((rule.endpoint, url))
    return found


def half_logged_in(page, live_server: str) -> None:
    """The password given for the world's organiser with a second factor: the code's page."""
    page.goto(live_server + "/login")
    page.locator("#email").fill("tess@example.org")
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/code*")


# What a page needs done first in the browser, to show what it is for.
BEFORE = {"accounts.second_factor": half_logged_in}


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['nodes'][0]['target']}"
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_accessible_and_fits_the_screen(
    app, world, organiser, live_server, browser, width
):
    shots = ARTIFACTS / "screenshots" / width
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for audience, urls in pages(app, world).items():
        # Playwright may inject the test's script past the pages' Content-Security-Policy.
        context = browser.new_context(
            bypass_csp=True, viewport={"width": WIDTHS[width], "height": 900}, locale="en-GB"
        )
        page = context.new_page()
        if audience == "organiser":
            log_in(page, live_server, organiser)
        for endpoint, url in urls:
            if endpoint in BEFORE:
                BEFORE[endpoint](page, live_server)
            response = page.goto(live_server + url)
            if (response.status, page.url) != (200, live_server + url):  # none skipped
                problems.append(f"{url}: {response.status} at {page.url}, not the page")
                continue
            problems += [f"{url}: {violation}" for violation in serious_violations(page)]
            if page.evaluate("document.documentElement.scrollWidth") > WIDTHS[width]:
                problems.append(f"{url}: wider than {WIDTHS[width]} px")
            page.screenshot(path=str(shots / f"{audience}-{endpoint}.png"), full_page=True)
        context.close()
    assert problems == []
