"""Browser test helpers: sign in through the page, wait for htmx, save screenshots."""
import os
import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.helpers.console import PASSWORD

# `make screenshots` refreshes the README tour; other runs keep their shots out of the tree.
SCREENSHOTS = Path(os.environ.get("HERALD_SCREENSHOTS_DIR") or
                   Path(tempfile.gettempdir()) / "herald-screenshots")
# Installed in every tab (the `page` fixture): counts htmx requests answered, so a test
# waits for the request its typing triggers rather than for a guessed delay.
COUNT_HTMX_ANSWERS = ("document.addEventListener('htmx:afterRequest', () => {"
                      " window.heraldAnswers = (window.heraldAnswers || 0) + 1; });")
ANSWERS = "window.heraldAnswers || 0"
NO_ANIMATION = "() => document.getAnimations().every((a) => a.playState !== 'running')"


def settled(page) -> None:
    """Wait until htmx has swapped and wired up new content (people are never this quick)."""
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-added")).to_have_count(0)


def answered(page, action, *args) -> None:
    """Do `action(*args)`, then wait until htmx has answered the request it triggers and
    settled the result."""
    before = page.evaluate(ANSWERS)
    action(*args)
    page.wait_for_function(f"(n) => ({ANSWERS}) > n", arg=before)
    settled(page)


def animations_done(page) -> None:
    """Wait until no CSS animation or transition is running (steady screenshots)."""
    page.wait_for_function(NO_ANIMATION)


def sign_in(page, email="ada@example.com"):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def screenshot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
