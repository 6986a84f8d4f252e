"""The API docs page renders in a real browser, offline, under the console's CSP."""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app.api.registry import OPERATIONS

pytestmark = pytest.mark.browser
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


@pytest.fixture()
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def launch(playwright):
    try:
        return playwright.chromium.launch()
    except Exception:  # no downloaded browser: use the system one, if any
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        if executable is None:
            pytest.skip("no Chromium available")
        return playwright.chromium.launch(executable_path=executable)


def test_docs_render_every_operation_without_leaving_the_server(live_url):
    foreign, problems = [], []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            live_url) else (foreign.append(route.request.url), route.abort()))
        page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        response = page.goto(f"{live_url}/api/v1/docs")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock", timeout=15_000)
        rendered = page.locator(".opblock").count()
        title = page.locator(".info .title").inner_text()
        browser.close()
    assert rendered == len(OPERATIONS)
    assert title.startswith("Herald API")
    assert foreign == [] and problems == []
