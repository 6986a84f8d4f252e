"""Fixtures for recipients' pages: a contact, categories of each kind, their signed links."""
import pytest

from app.core.recipients.links import preferences_url, unsubscribe_url
from tests import factories


@pytest.fixture()
def ada(db):
    factories.category("orders")
    factories.category("news", marketing=True)
    factories.category("deals", marketing=True)
    factories.category("security", critical=True)
    return factories.contact()


def path_of(url: str, config) -> str:
    return url.removeprefix(config.BASE_URL)


@pytest.fixture()
def page_path(config, ada):
    return path_of(preferences_url(config, ada.id), config)


@pytest.fixture()
def one_click_path(config, ada):
    return path_of(unsubscribe_url(config, ada.id, "news"), config)


@pytest.fixture(scope="session")
def csrf_app(app):
    from tests.helpers.console import app_with

    return app_with(app, WTF_CSRF_ENABLED=True)


@pytest.fixture()
def csrf_client(csrf_app, db):
    return csrf_app.test_client()

