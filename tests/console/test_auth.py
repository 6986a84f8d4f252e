"""Sign-in, lockout per account and per IP, sign-out, set-password links."""
from datetime import timedelta

from app.core.access import operators
from app.extensions import db
from app.models import Operator
from app.models.types import utcnow
from tests.helpers.console import PASSWORD, make_operator, sign_in


def test_sign_in_redirects_to_dashboard_and_records_last_login(client, admin):
    response = sign_in(client, "ADMIN@example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert "Ada Admin" in client.get("/dashboard").get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.last_login_at is not None and admin.failed_logins == 0


def test_wrong_password_rerenders_the_form_with_a_message(client, admin):
    response = sign_in(client, admin.email, "wrong password!!")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "don&#39;t match an account" in page and 'value="admin@example.com"' in page
    db.session.refresh(admin)
    assert admin.failed_logins == 1


def test_empty_form_shows_field_errors_not_500(client, db):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'aria-invalid="true"' in page


def test_account_locks_after_repeated_failures(client, admin, config):
    for _ in range(config.LOGIN_MAX_FAILURES):
        sign_in(client, admin.email, "not the password")
    response = sign_in(client, admin.email)  # the right password, too late
    assert response.status_code == 429
    assert "locked" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.locked_until > utcnow() + timedelta(seconds=config.LOGIN_LOCKOUT_SECONDS - 60)


def test_lock_expires(client, admin):
    admin.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, admin.email).status_code == 302
    db.session.refresh(admin)
    assert admin.locked_until is None


def test_ip_is_blocked_after_many_failures_across_accounts(client, admin, config, redis):
    for n in range(config.LOGIN_IP_MAX_FAILURES):
        sign_in(client, f"nobody{n}@example.com", "guess")
    response = sign_in(client, admin.email)
    assert response.status_code == 429
    assert "from your network" in response.get_data(as_text=True)
    assert int(redis.get("herald:login:ip:127.0.0.1")) == config.LOGIN_IP_MAX_FAILURES
    # Another address is not affected.
    other = client.post("/login", data={"email": admin.email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


def test_disabled_operator_cannot_sign_in_and_is_signed_out(app, db):
    operator = make_operator("gone@example.com", "editor")
    client = app.test_client()
    assert sign_in(client, operator.email).status_code == 302
    operator.active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302  # session no longer valid
    response = sign_in(client, operator.email)
    assert response.status_code == 401 and "disabled" in response.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, admin):
    client = app.test_client()
    sign_in(client, admin.email)
    operators.set_password(admin, "a brand new passphrase")
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_next_parameter_is_local_only(client, admin):
    ok = client.post("/login?next=/settings/audit/", data={"email": admin.email,
                                                           "password": PASSWORD})
    assert ok.headers["Location"] == "/settings/audit/"
    client.post("/logout")
    evil = client.post("/login?next=//evil.example/x", data={"email": admin.email,
                                                             "password": PASSWORD})
    assert evil.headers["Location"] == "/dashboard"


def test_anonymous_is_sent_to_login_with_next(client, db):
    response = client.get("/settings/operators/?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/settings/operators/?x%3D1"


def test_htmx_request_when_signed_out_gets_hx_redirect(client, db):
    response = client.get("/dashboard", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_viewer_can_sign_out(viewer_client):
    response = viewer_client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert viewer_client.get("/dashboard").status_code == 302


def test_set_password_link_works_once(app, client, db):
    operator = make_operator("new@example.com", "editor", password=None)
    token = operators.make_password_token(operator, app.config["SECRET_KEY"])
    page = client.get(f"/set-password/{token}")
    assert page.status_code == 200 and "new@example.com" in page.get_data(as_text=True)

    short = client.post(f"/set-password/{token}", data={"password": "short",
                                                         "confirm": "short"})
    assert short.status_code == 422 and "Use 12 to 256 characters" in short.get_data(as_text=True)

    done = client.post(f"/set-password/{token}", data={"password": "a long passphrase",
                                                        "confirm": "a long passphrase"})
    assert done.status_code == 302
    assert sign_in(client, "new@example.com", "a long passphrase").status_code == 302
    assert client.get(f"/set-password/{token}").status_code == 410  # spent
    assert db.session.scalar(db.select(Operator.password_hash)
                             .where(Operator.email == "new@example.com")).startswith("$argon2")


def test_tampered_token_is_rejected(client, db):
    assert client.get("/set-password/not-a-token").status_code == 410
