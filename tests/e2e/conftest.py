"""A real WSGI server on a free loopback port, and a real Chromium driving it.

Without Chromium the browser tests skip, saying why; IP4DIALOGUE_REQUIRE_BROWSER=1 (as in CI)
turns that skip into a failure, so a green CI always means the browser really ran.
"""

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from ip4dialogue.resources import PROJECT_DIR
from tests.conftest import ORGANISER_PASSWORD

CHROMIUM = Path(os.environ.get("IP4DIALOGUE_CHROMIUM", "/usr/bin/chromium"))
BROWSER_REQUIRED = os.environ.get("IP4DIALOGUE_REQUIRE_BROWSER") == "1"
# Screenshots the browser tests keep, to look at: in CI, the run's artefacts.
ARTIFACTS = Path(os.environ.get("IP4DIALOGUE_ARTIFACTS", PROJECT_DIR / "test-artifacts"))
WIDTHS = {"desktop": 1280, "phone": 390}


# Chromium may cancel a static file's request while the development server sends it (a favicon
# it no longer needs); the server then leaves the file to the garbage collector, whose warning
# says nothing about the app. Only that warning, only for files under static/, is let through.
ABANDONED_STATIC_FILE = (
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
    ":pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings(ABANDONED_STATIC_FILE))


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = (
            f"no Chromium at {CHROMIUM} (install Debian's chromium or set IP4DIALOGUE_CHROMIUM)"
        )
        if BROWSER_REQUIRED:
            pytest.fail(f"IP4DIALOGUE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Brussels")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@dataclass
class Screen:
    """A browser page at one of the widths people use, which keeps a screenshot of each step
    of a journey."""

    page: Any
    width: str
    journey: str

    def shot(self, step: str) -> None:
        folder = ARTIFACTS / "journeys" / self.width
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{self.journey}-{step}.png"), full_page=True)


@pytest.fixture(params=WIDTHS)
def screen(browser, request) -> Iterator[Screen]:
    """The journey at a desktop's width, then at a phone's."""
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/Brussels",
        viewport={"width": WIDTHS[request.param], "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    journey = re.sub(r"^test_|\[.*$", "", request.node.name)
    yield Screen(page, request.param, journey)
    context.close()


def log_in(page: Any, live_server: str, organiser: Any) -> None:
    """An organiser logs in from the login page, and lands on their dialogues."""
    page.goto(live_server + "/login")
    page.locator("#email").fill(organiser.email)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organise/")


def fill_in_registration(page: Any, *, chatham_house: bool = True) -> None:
    """The registration form as Dr Kim of KIDA (South Korea) fills it in, agreeing to what it
    asks; not sent."""
    page.get_by_label("Full name").fill("Dr Kim")
    page.locator("#email").fill("kim@example.org")
    page.get_by_label("Organisation").fill("KIDA")
    page.select_option("#country_code", "KR")
    page.select_option("#sector", "think_tank")
    if chatham_house:
        page.get_by_label("I will respect the Chatham House Rule").check()
    page.get_by_label("I agree that the organisers store").check()
