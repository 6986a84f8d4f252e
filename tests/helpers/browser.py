"""Browser test helpers: sign in through the page, save screenshots."""
import os
import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.helpers.console import PASSWORD

# `make screenshots` refreshes the README tour; other runs keep their shots out of the tree.
SCREENSHOTS = Path(os.environ.get("HERALD_SCREENSHOTS_DIR") or
                   Path(tempfile.gettempdir()) / "herald-screenshots")


def sign_in(page, email="ada@example.com"):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def screenshot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
