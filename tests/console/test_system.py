"""Settings → System: queue stats, providers with masked secrets, dead-letter re-drive."""
import re

from sqlalchemy import select

from app.core.ops import system as operations
from app.models import AuditLog, Notification, NotificationStatus
from app.queues import enqueue_ids, queue
from tests import factories
from tests.helpers.api import due
from tests.helpers.console import dead_sms


def test_viewers_and_editors_cannot_see_it(viewer_client, editor_client):
    assert viewer_client.get("/settings/system/").status_code == 403
    assert editor_client.post("/settings/system/redrive").status_code == 403


def test_page_shows_queues_providers_and_masks_secrets(admin_client, config, redis):
    enqueue_ids(redis, config, {"sms": ["a", "b"]})
    page = admin_client.get("/settings/system/").get_data(as_text=True)
    assert "<code class=\"code\">sms</code>" in page and "no worker" in page
    assert "twilio" in page and "vonage" in page and "sendgrid" in page
    assert config.TWILIO_AUTH_TOKEN not in page  # only the last four characters show
    assert operations.mask(config.TWILIO_AUTH_TOKEN) in page


def test_queue_stats_count_drain_jobs_and_due_notifications(config, redis):
    enqueue_ids(redis, config, {"email": [str(n) for n in range(config.BATCH_SIZE + 1)]})
    stats = {q.name: q for q in operations.queue_stats(redis)}
    assert (stats["email"].waiting, stats["email"].due) == (1, config.BATCH_SIZE + 1)
    assert stats["email"].unattended
    assert stats["push"].waiting == 0 and not stats["push"].unattended


def test_redrive_requeues_dead_rows_with_history_and_audit(db, admin_client, redis):
    rows = dead_sms(db)
    response = admin_client.post("/settings/system/redrive", data={"channel": "sms"},
                                 follow_redirects=True)
    assert "3 dead notifications queued again" in response.get_data(as_text=True)
    db.session.expire_all()
    for row in rows:
        row = db.session.get(Notification, row.id)
        assert (row.status, row.attempts, row.error_code) == ("queued", 0, None)
    history = db.session.scalars(select(NotificationStatus.detail)).all()
    assert history.count("re-driven") == 3
    assert queue(redis, "sms").count == 1
    assert sorted(due(redis, "sms")) == sorted(str(r.id) for r in rows)
    [entry] = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "notifications.redrive"))
    assert entry.after == {"channel": "sms", "count": 3}


def test_redrive_with_nothing_dead_says_so(admin_client):
    response = admin_client.post("/settings/system/redrive", data={"channel": "push"},
                                 follow_redirects=True)
    assert "no dead notifications" in response.get_data(as_text=True)


def test_redrive_refuses_an_unknown_channel(admin_client):
    assert admin_client.post("/settings/system/redrive", data={"channel": "fax"}).status_code == 400


def provider_counts(page: str) -> dict[str, tuple[str, str]]:
    """{row name: (sent, errors)}: the last two cells of each row, as the page shows them."""
    counts = {}
    for name, cells in re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', page, re.S):
        values = [re.sub(r"<[^>]+>", "", cell).strip()
                  for cell in re.findall(r'<td class="num">(.*?)</td>', cells, re.S)]
        counts[re.sub(r"<[^>]+>.*", "", name, flags=re.S).strip()] = tuple(values[-2:])
    return counts


def test_sent_in_24h_counts_each_notification_once(db, admin_client):
    """One SMS and one email, each sent then delivered: 1 per provider, 2 in all."""
    contact = factories.contact()
    delivered = [("queued", None), ("sent", "provider-id"), ("delivered", None)]
    factories.notification(contact, "sms", provider="twilio", history=delivered)
    factories.notification(contact, "email", provider="sendgrid", history=delivered)
    counts = provider_counts(admin_client.get("/settings/system/").get_data(as_text=True))
    assert counts["twilio"] == ("1", "0") and counts["sendgrid"] == ("1", "0")
    assert counts["All providers"] == ("2", "0")


def test_errors_in_24h_count_each_notification_once(db, admin_client):
    """Retried twice and then dead is one notification with errors, not three."""
    contact = factories.contact()
    factories.notification(contact, "sms", status="dead", provider="twilio", attempts=3,
                           history=[("retrying", "503", "503"), ("retrying", "503", "503"),
                                    ("dead", "503", "503")])
    factories.notification(contact, "email", provider="sendgrid",
                           history=[("retrying", "429", "429"), ("sent", "id"),
                                    ("delivered", None)])
    counts = provider_counts(admin_client.get("/settings/system/").get_data(as_text=True))
    assert counts["twilio"] == ("0", "1") and counts["sendgrid"] == ("1", "1")
    assert counts["All providers"] == ("1", "2")
