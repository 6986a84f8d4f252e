"""Settings → Operators: invite, role changes, enable/disable; each change is audited."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Operator
from tests.helpers.console import make_operator, sign_in

HTMX = {"HX-Request": "true"}


def audit_rows(action=None):
    stmt = select(AuditLog).order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return list(db.session.scalars(stmt))


def test_list_shows_operators_with_status(admin_client, editor, viewer):
    page = admin_client.get("/settings/operators/").get_data(as_text=True)
    assert "editor@example.com" in page and "viewer@example.com" in page
    assert page.count(">active</span>") == 3


def test_invite_shows_a_one_time_link_that_sets_the_password(app, admin_client, admin):
    response = admin_client.post("/settings/operators/new", data={
        "email": "Grace@Example.com", "name": "Grace", "role": "editor"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = re.search(r'value="(http://herald.test/set-password/[^"]+)"',
                     response.get_data(as_text=True)).group(1)
    path = link.removeprefix("http://herald.test")
    operator = db.session.scalar(select(Operator).where(Operator.email == "grace@example.com"))
    assert operator.role == "editor" and operator.password_hash is None
    [entry] = audit_rows("operator.invite")
    assert entry.operator_id == admin.id and entry.operator_email == admin.email
    assert entry.after == {"email": "grace@example.com", "name": "Grace", "role": "editor",
                           "active": True}
    assert entry.entity_id == str(operator.id) and entry.ip == "127.0.0.1"

    guest = app.test_client()
    done = guest.post(path, data={"password": "graces passphrase",
                                  "confirm": "graces passphrase"})
    assert done.status_code == 302
    assert sign_in(guest, "grace@example.com", "graces passphrase").status_code == 302
    assert guest.get(path).status_code == 410


def test_invite_errors_rerender_next_to_the_fields(admin_client, editor):
    bad = admin_client.post("/settings/operators/new", data={"email": "not-an-email",
                                                             "role": "editor"})
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.get_data(as_text=True)
    dup = admin_client.post("/settings/operators/new", data={"email": editor.email,
                                                             "role": "viewer"})
    assert dup.status_code == 422
    assert "already exists" in dup.get_data(as_text=True)
    assert audit_rows() == []


def test_change_role_with_htmx_returns_the_row_and_audits(admin_client, viewer):
    response = admin_client.post(f"/settings/operators/{viewer.id}/role",
                                 data={"role": "editor"}, headers=HTMX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith(f'<tr id="operator-{viewer.id}">')
    assert 'hx-swap-oob="true"' in page and "is now editor" in page
    db.session.refresh(viewer)
    assert viewer.role == "editor"
    [entry] = audit_rows("operator.change_role")
    assert (entry.before["role"], entry.after["role"]) == ("viewer", "editor")


def test_change_role_without_htmx_redirects(admin_client, viewer):
    response = admin_client.post(f"/settings/operators/{viewer.id}/role",
                                 data={"role": "admin"})
    assert response.status_code == 302
    assert "is now admin" in admin_client.get("/settings/operators/").get_data(as_text=True)


def test_last_admin_cannot_be_demoted(admin_client, admin):
    response = admin_client.post(f"/settings/operators/{admin.id}/role",
                                 data={"role": "viewer"}, headers=HTMX)
    assert "at least one active admin" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin" and audit_rows() == []


def test_disable_and_enable_are_audited_and_end_the_session(app, admin_client, editor):
    editor_session = app.test_client()
    sign_in(editor_session, editor.email)
    response = admin_client.post(f"/settings/operators/{editor.id}/disable", headers=HTMX)
    assert ">disabled</span>" in response.get_data(as_text=True)
    assert editor_session.get("/dashboard").status_code == 302
    admin_client.post(f"/settings/operators/{editor.id}/enable", headers=HTMX)
    db.session.refresh(editor)
    assert editor.active
    actions = [(e.action, e.before["active"], e.after["active"]) for e in audit_rows()]
    assert actions == [("operator.disable", True, False), ("operator.enable", False, True)]


def test_admin_cannot_disable_themselves(admin_client, admin):
    response = admin_client.post(f"/settings/operators/{admin.id}/disable", headers=HTMX)
    assert "cannot disable your own" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_reset_link_is_shown_once_and_audited(admin_client, db):
    operator = make_operator("forgot@example.com", "editor")
    response = admin_client.post(f"/settings/operators/{operator.id}/reset-link")
    assert "/set-password/" in response.get_data(as_text=True)
    assert [e.action for e in audit_rows()] == ["operator.issue_password_link"]


def test_unknown_operator_is_404(admin_client):
    assert admin_client.post("/settings/operators/999/disable").status_code == 404
