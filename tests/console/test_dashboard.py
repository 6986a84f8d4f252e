"""The dashboard's counts come from the database (last 24 h only for notifications)."""
from datetime import timedelta

from app.extensions import db
from app.models import Notification
from app.models.types import utcnow
from tests import factories


def test_counts_contacts_and_recent_notifications_by_status(admin_client):
    contact = factories.contact()
    factories.contact(external_id="user-2", email="b@example.com", phone="+14155550101")
    old = utcnow() - timedelta(days=2)
    for status, created in [("delivered", None), ("delivered", None), ("failed", None),
                            ("queued", None), ("delivered", old)]:
        db.session.add(Notification(contact_id=contact.id, channel="email", category="orders",
                                    status=status, created_at=created or utcnow()))
    db.session.commit()
    page = admin_client.get("/dashboard").get_data(as_text=True)
    assert '<progress class="bar bar-success" max="4" value="2"' in page
    assert '<progress class="bar bar-danger" max="4" value="1"' in page
    assert '<span class="stat-value">2</span>' in page  # contacts
    assert '<span class="stat-value">4</span>' in page  # notifications in 24 h


def test_empty_dashboard_has_empty_states(viewer_client):
    page = viewer_client.get("/dashboard").get_data(as_text=True)
    assert "No notifications yet" in page


def test_root_redirects_to_dashboard(viewer_client):
    assert viewer_client.get("/").headers["Location"] == "/dashboard"


def test_a_delivered_sms_and_email_count_once_each(admin_client):
    """The history has sent and delivered rows; the dashboard counts notifications."""
    contact = factories.contact()
    delivered = [("queued", None), ("sent", "provider-id"), ("delivered", None)]
    factories.notification(contact, "sms", provider="twilio", history=delivered)
    factories.notification(contact, "email", provider="sendgrid", history=delivered)
    page = admin_client.get("/dashboard").get_data(as_text=True)
    assert '<span class="stat-value">2</span>' in page  # notifications in 24 h
    assert '<progress class="bar bar-success" max="2" value="2" aria-label="delivered"' in page
    assert '<progress class="bar bar-success" max="2" value="0" aria-label="sent"' in page
