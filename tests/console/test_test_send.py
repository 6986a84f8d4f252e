"""The editor's test send goes through the API's send entry, idempotency included."""
from sqlalchemy import select

from app.models import AuditLog, IdempotencyKey, Notification
from tests import factories
from tests.helpers.console import editor_form, make_template


def post_test_send(client, template, key):
    return client.post(f"/templates/{template.id}/test-send", headers={"HX-Request": "true"},
                       data=editor_form(**{"en.sms.text": "Hi there",
                                           "test_contact": "user-1", "test_channels": "sms",
                                           "test_send_key": key}))


def test_a_repeated_test_send_sends_once_and_shows_the_first_result(db, editor_client, editor):
    factories.category()
    template = make_template(db)
    factories.contact()
    first = post_test_send(editor_client, template, "k1")
    again = post_test_send(editor_client, template, "k1")
    assert first.status_code == again.status_code == 200
    [row] = db.session.scalars(select(Notification)).all()
    assert row.source == "console" and row.api_key_id is None
    assert str(row.id)[:8] in first.get_data(as_text=True)
    assert str(row.id)[:8] in again.get_data(as_text=True)
    [key] = db.session.scalars(select(IdempotencyKey)).all()
    assert (key.operator_id, key.api_key_id, key.key) == (editor.id, None, "k1")
    assert db.session.scalars(select(AuditLog.action)).all() == ["template.test_send"]


def test_each_test_send_answer_carries_a_fresh_key(db, editor_client):
    factories.category()
    template = make_template(db)
    factories.contact()
    post_test_send(editor_client, template, "k1")
    page = post_test_send(editor_client, template, "k2").get_data(as_text=True)
    assert 'id="test-send-key"' in page and 'hx-swap-oob="true"' in page
    assert db.session.query(Notification).count() == 2


def test_without_a_key_every_test_send_sends(db, editor_client):
    factories.category()
    template = make_template(db)
    factories.contact()
    post_test_send(editor_client, template, "")
    post_test_send(editor_client, template, "")
    assert db.session.query(Notification).count() == 2
