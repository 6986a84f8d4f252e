"""The API docs page renders in a real browser, offline, under the console's CSP."""
import pytest

from app.api.registry import OPERATIONS
from tests.helpers.browser import screenshot

pytestmark = pytest.mark.browser


def test_docs_render_every_operation_without_leaving_the_server(page, live_server):
    foreign = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        live_server) else (foreign.append(route.request.url), route.abort()))
    response = page.goto("/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() == len(OPERATIONS)
    assert page.locator(".info .title").inner_text().startswith("Herald API")
    assert foreign == []  # every script, style and font came from Herald itself
    screenshot(page, "api_docs")
