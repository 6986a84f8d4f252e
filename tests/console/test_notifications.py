"""Console → Notifications log: filters, paging, one notification's page, re-drive."""
import re
from datetime import timedelta

from sqlalchemy import select

from app.models import AuditLog, Notification, NotificationStatus
from app.models.types import utcnow
from app.queues import queue
from tests import factories
from tests.helpers.api import due


def log_rows(db):
    ada = factories.contact()
    bob = factories.contact("user-2", email="bob@example.com", phone="+14155550101")
    rows = []
    for n, (contact, channel, status) in enumerate([
            (ada, "sms", "delivered"), (ada, "email", "dead"), (bob, "push", "suppressed"),
            (bob, "email", "sent")]):
        row = Notification(contact_id=contact.id, channel=channel, category="orders",
                           status=status, address="x", content={"text": f"message {n}"},
                           created_at=utcnow() - timedelta(minutes=n), event_id=f"evt-{n}")
        rows.append(row)
    db.session.add_all(rows)
    db.session.flush()
    db.session.add_all([
        NotificationStatus(notification_id=rows[1].id, status="queued"),
        NotificationStatus(notification_id=rows[1].id, status="dead", attempt=5,
                           provider="sendgrid", error_code="503", detail="Service Unavailable"),
    ])
    db.session.commit()
    return rows


def listed(page: str) -> int:
    """How many notifications a log page links to."""
    return len(re.findall(r'href="/notifications/[0-9a-f]{8}-', page))


def test_list_filters_and_search(db, viewer_client):
    rows = log_rows(db)
    page = viewer_client.get("/notifications/").get_data(as_text=True)
    assert listed(page) == 4
    only_dead = viewer_client.get("/notifications/?status=dead").get_data(as_text=True)
    assert str(rows[1].id) in only_dead and str(rows[0].id) not in only_dead
    by_contact = viewer_client.get("/notifications/?q=bob@example.com", headers={
        "HX-Request": "true", "HX-Target": "log-results"}).get_data(as_text=True)
    assert "<html" not in by_contact and listed(by_contact) == 2
    by_event = viewer_client.get("/notifications/?q=evt-0").get_data(as_text=True)
    assert listed(by_event) == 1
    nothing = viewer_client.get("/notifications/?channel=push&status=dead")
    assert "Nothing matches" in nothing.get_data(as_text=True)


def test_searching_an_id_opens_it(db, viewer_client):
    row = log_rows(db)[0]
    response = viewer_client.get(f"/notifications/?q={row.id}")
    assert response.status_code == 302 and response.location.endswith(f"/notifications/{row.id}")


def test_pages_go_back_in_time(db, viewer_client, monkeypatch):
    from app.console import notifications

    monkeypatch.setattr(notifications, "PAGE_SIZE", 3)
    rows = log_rows(db)
    first = viewer_client.get("/notifications/").get_data(as_text=True)  # newest ids first
    assert listed(first) == 3 and str(rows[0].id) not in first and 'rel="next"' in first
    older = viewer_client.get(f"/notifications/?before={rows[1].id}").get_data(as_text=True)
    assert listed(older) == 1 and str(rows[0].id) in older


def test_detail_shows_history_and_provider_response(db, viewer_client):
    row = log_rows(db)[1]
    page = viewer_client.get(f"/notifications/{row.id}").get_data(as_text=True)
    assert "Service Unavailable" in page and "sendgrid" in page and "message 1" in page
    assert "Re-drive" not in page  # viewers only read
    assert viewer_client.get("/notifications/00000000-0000-7000-8000-000000000000") \
        .status_code == 404


def test_editor_re_drives_a_dead_notification(db, editor_client, redis):
    rows = log_rows(db)
    dead, delivered = rows[1], rows[0]
    response = editor_client.post(f"/notifications/{dead.id}/redrive", follow_redirects=True)
    assert "Queued again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, dead.id).status == "queued"
    assert due(redis, "email") == [str(dead.id)] and queue(redis, "email").count == 1
    assert db.session.scalar(select(AuditLog.action)) == "notification.redrive"
    again = editor_client.post(f"/notifications/{delivered.id}/redrive", follow_redirects=True)
    assert "Only a dead notification" in again.get_data(as_text=True)
    assert db.session.get(Notification, delivered.id).status == "delivered"


def test_viewer_cannot_re_drive(db, viewer_client):
    row = log_rows(db)[1]
    assert viewer_client.post(f"/notifications/{row.id}/redrive").status_code == 403
