"""Sign-in lockout under parallel attempts: each limit admits exactly that many checks."""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from app.core.access import operators
from app.extensions import db
from app.models.types import utcnow
from tests.helpers.console import PASSWORD, app_with, make_operator, sign_in


class CountingHasher(PasswordHasher):
    """The real argon2 hasher, counting how many passwords it was asked to verify."""

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self.verified = 0

    def verify(self, hash, password):
        with self._lock:
            self.verified += 1
        return super().verify(hash, password)


@pytest.fixture()
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(operators, "_hasher", counting)
    return counting


def sign_in_in_parallel(app, attempts, ip="127.0.0.1") -> Counter:
    """Post every (email, password) at once, one thread and test client each; count statuses."""
    start = threading.Barrier(len(attempts))

    def attempt(email_password):
        client = app.test_client()
        start.wait()
        response = client.post("/login", data=dict(zip(("email", "password"), email_password,
                                                        strict=True)),
                               environ_base={"REMOTE_ADDR": ip})
        return response.status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        return Counter(pool.map(attempt, attempts))


def test_parallel_wrong_passwords_lock_the_account_after_exactly_the_limit(
        app, client, admin, config, hasher):
    limit = config.LOGIN_MAX_FAILURES
    statuses = sign_in_in_parallel(app, [(admin.email, f"wrong guess {n}") for n in range(12)])
    assert hasher.verified == limit
    assert statuses == {401: limit - 1, 429: 12 - limit + 1}  # the last check locks
    db.session.refresh(admin)
    assert admin.failed_logins >= limit
    locked_until = admin.locked_until
    assert locked_until > utcnow() + timedelta(seconds=config.LOGIN_LOCKOUT_SECONDS - 60)

    refused = sign_in(client, admin.email)  # the right password, while locked
    assert refused.status_code == 429 and "locked" in refused.get_data(as_text=True)
    assert hasher.verified == limit
    db.session.refresh(admin)
    assert admin.locked_until == locked_until  # attempts while locked do not extend it

    admin.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, admin.email).status_code == 302
    db.session.refresh(admin)
    assert admin.failed_logins == 0 and admin.locked_until is None


def test_parallel_attempts_from_one_ip_check_at_most_the_ip_limit(app, db, config, redis,
                                                                  hasher):
    limit = config.LOGIN_IP_MAX_FAILURES
    password_hash = operators._hasher.hash(PASSWORD)
    emails = [make_operator(f"op{n}@example.com", "editor", password=None,
                            password_hash=password_hash).email for n in range(3 * limit)]
    statuses = sign_in_in_parallel(app, [(email, "wrong guess") for email in emails])
    assert hasher.verified == limit
    assert statuses == {401: limit, 429: 2 * limit}
    assert int(redis.get("herald:login:ip:127.0.0.1")) == limit

    client = app.test_client()
    refused = sign_in(client, emails[0])
    assert refused.status_code == 429 and "from your network" in refused.get_data(as_text=True)
    other = client.post("/login", data={"email": emails[0], "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


def test_the_right_password_in_the_last_allowed_attempt_signs_in_and_resets(
        client, admin, config):
    for _ in range(config.LOGIN_MAX_FAILURES - 1):
        assert sign_in(client, admin.email, "not the password").status_code == 401
    assert sign_in(client, admin.email).status_code == 302
    db.session.refresh(admin)
    assert admin.failed_logins == 0 and admin.locked_until is None


def test_successful_sign_ins_do_not_use_up_the_ip_limit(app, admin, redis):
    strict = app_with(app, LOGIN_IP_MAX_FAILURES=2)
    for _ in range(3):
        client = strict.test_client()
        assert sign_in(client, admin.email).status_code == 302
    assert int(redis.get("herald:login:ip:127.0.0.1") or 0) == 0
    assert sign_in(strict.test_client(), "nobody@example.com", "guess").status_code == 401
    assert sign_in(strict.test_client(), admin.email).status_code == 302
