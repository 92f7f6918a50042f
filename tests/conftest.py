"""Shared browser fixtures: the built site, served on 127.0.0.1, and a Chromium page
that may not reach the network.

Fixtures (other test areas rely on these exact names):
- ``site_root``      (session)  Path to ``_build/html``; builds the site when it is absent.
- ``base_url``       (session)  "http://127.0.0.1:PORT" serving ``site_root``.
- ``browser``        (session)  Playwright Chromium, Debian's /usr/bin/chromium.
- ``page``           (function) fresh context + page; every request to a host other than
                                127.0.0.1 is aborted and listed in ``page.blocked_requests``;
                                console errors and page errors go to ``page.console_errors``;
                                failed requests (network failure or HTTP >= 400) go to
                                ``page.failed_requests``.
- ``phone_page``     (function) the same, as a 390 px wide phone (mobile emulation, touch).
- ``dark_page``      (function) the same at desktop width, with the site in dark mode.
- ``screenshot_dir`` (session)  ``_build/screenshots/`` (created).

Browser-free tests never touch these fixtures, so they pay nothing for them.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"


@pytest.fixture(scope="session")
def site_root() -> Path:
    if not (SITE / "index.html").exists():
        # `make test` builds first; this covers a bare `pytest tests/book`.
        subprocess.run(["make", "book"], cwd=REPO, check=True)
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass  # keep pytest output readable; failures show up in page.failed_requests


@pytest.fixture(scope="session")
def base_url(site_root: Path):
    handler = functools.partial(_QuietHandler, directory=str(site_root))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)  # port 0: any free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = REPO / "_build" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# A phone: the width of most current phones, with mobile emulation (meta viewport, touch).
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@contextlib.contextmanager
def guarded_page(browser, **context_options):
    """A page in a fresh context that may reach only 127.0.0.1 and records what went wrong."""
    context = browser.new_context(**context_options)
    pg = context.new_page()
    pg.blocked_requests = []
    pg.console_errors = []
    pg.failed_requests = []

    def guard(route):
        # Only the local test server may be reached: the site must work offline.
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            pg.blocked_requests.append(route.request.url)
            route.abort()

    def on_console(msg):
        if msg.type == "error":
            pg.console_errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def on_request_failed(request):
        # Requests we aborted ourselves are already in blocked_requests.
        if request.url not in pg.blocked_requests:
            pg.failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(response):
        if response.status >= 400:
            pg.failed_requests.append(f"{response.url}: HTTP {response.status}")

    context.route("**/*", guard)
    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: pg.console_errors.append(f"pageerror: {exc}"))
    pg.on("requestfailed", on_request_failed)
    pg.on("response", on_response)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with guarded_page(browser, viewport={"width": 1280, "height": 900}) as pg:
        yield pg


@pytest.fixture
def phone_page(browser):
    with guarded_page(browser, **PHONE) as pg:
        yield pg


@pytest.fixture
def new_page(browser):
    """A guarded page with the given context options (viewport, color_scheme...): `with new_page(...) as pg:`."""
    return functools.partial(guarded_page, browser)


@pytest.fixture
def dark_page(browser):
    with guarded_page(browser, viewport={"width": 1280, "height": 900}, color_scheme="dark") as pg:
        # The theme keeps the reader's choice in localStorage; "dark" is what its switch stores.
        pg.add_init_script("localStorage.setItem('mode', 'dark')")
        yield pg
