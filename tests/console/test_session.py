"""The console session: its cookie, its idle timeout and its lifetime since sign-in."""
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from app.console import security
from tests.helpers.console import app_with, sign_in


def session_cookie(response) -> dict:
    """The one Set-Cookie header of a response, as {attribute: value}."""
    [header] = response.headers.getlist("Set-Cookie")
    name_value, *attributes = [part.strip() for part in header.split(";")]
    name, _, value = name_value.partition("=")
    parsed = {"name": name, "value": value}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        parsed[key.lower()] = val or True
    return parsed


def seconds_until(expires: str) -> float:
    return (parsedate_to_datetime(expires) - datetime.now(UTC)).total_seconds()


def test_sign_in_sets_the_herald_session_cookie_with_the_idle_timeout(client, admin, config):
    cookie = session_cookie(sign_in(client, admin.email))
    assert cookie["name"] == "herald_session"
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and "domain" not in cookie
    assert seconds_until(cookie["expires"]) == pytest.approx(config.SESSION_IDLE_SECONDS, abs=60)

    # Each request pushes the end back: it is an idle timeout.
    again = session_cookie(client.get("/dashboard"))
    assert again["name"] == "herald_session"
    assert seconds_until(again["expires"]) == pytest.approx(config.SESSION_IDLE_SECONDS, abs=60)


def test_cookie_name_and_idle_timeout_come_from_the_settings(app, admin):
    custom = app_with(app, SESSION_COOKIE_NAME="ops_console", SESSION_IDLE_SECONDS=600)
    cookie = session_cookie(sign_in(custom.test_client(), admin.email))
    assert cookie["name"] == "ops_console"
    assert seconds_until(cookie["expires"]) == pytest.approx(600, abs=60)


def test_an_idle_session_is_refused_even_if_the_cookie_is_replayed(app, admin):
    short = app_with(app, SESSION_IDLE_SECONDS=1)
    cookie = session_cookie(sign_in(short.test_client(), admin.email))
    replay = {"Cookie": f"{cookie['name']}={cookie['value']}"}
    assert short.test_client(use_cookies=False).get("/dashboard", headers=replay).status_code \
        == 200
    time.sleep(2.2)  # the cookie's signed timestamp is now older than the idle timeout
    response = short.test_client(use_cookies=False).get("/dashboard", headers=replay)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_active_session_still_ends_at_its_lifetime(admin_client, config):
    assert admin_client.get("/dashboard").status_code == 200
    with admin_client.session_transaction() as session:
        session[security.SIGNED_IN_AT] -= config.SESSION_LIFETIME_SECONDS + 1
    response = admin_client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert admin_client.get("/dashboard").status_code == 302  # and it stays ended


def test_a_session_from_before_the_lifetime_stamp_is_ended(admin_client):
    with admin_client.session_transaction() as session:
        del session[security.SIGNED_IN_AT]
    assert admin_client.get("/dashboard").status_code == 302
