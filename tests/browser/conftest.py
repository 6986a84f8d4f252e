"""Browser fixtures: the app on a real local port, driven by Chromium through Playwright."""
import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.helpers.browser import COUNT_HTMX_ANSWERS
from tests.helpers.console import app_with

CHROMIUM = os.environ.get("HERALD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
EXPECTED_4XX = r"Failed to load resource: the server responded with a status of 4(01|22)"
# htmx reports a request it aborted itself (hx-sync: a newer keystroke replaced it) as an
# error; server errors are caught by status below, whatever htmx says.
HTMX_ABORT = r"htmx:(sendAbort|afterRequest), "
# How long an expectation waits for the page (a wait, not a speed check): a CI machine
# under load can take seconds to parse and draw the charts' library.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def live_app(app):
    """The app with CSRF on, as in production."""
    return app_with(app, WTF_CSRF_ENABLED=True)


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make services` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server, db):
    """A fresh browser tab; fails the test on any console error (CSP violations too)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800},
                                  base_url=live_server)
    tab = context.new_page()
    tab.add_init_script(COUNT_HTMX_ANSWERS)
    errors = []
    tab.on("console", lambda msg: errors.append(msg.text) if _is_error(msg) else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    tab.console_errors = errors
    yield tab
    context.close()
    assert errors == [], errors


def _is_error(msg) -> bool:
    """Console errors, less the browser's note on a 4xx a test asked for and htmx's aborts."""
    return msg.type == "error" and not re.match(f"{EXPECTED_4XX}|{HTMX_ABORT}", msg.text)
