"""A real WSGI server on a free loopback port, and a real Chromium driving it.

Without Chromium the browser tests skip, saying why; IP4DIALOGUE_REQUIRE_BROWSER=1 (as in CI)
turns that skip into a failure, so a green CI always means the browser really ran.
"""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("IP4DIALOGUE_CHROMIUM", "/usr/bin/chromium"))
BROWSER_REQUIRED = os.environ.get("IP4DIALOGUE_REQUIRE_BROWSER") == "1"


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
