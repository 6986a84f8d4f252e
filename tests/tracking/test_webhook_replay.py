"""Replayed and malformed webhooks: a signed body is applied once, only while it is fresh;
one bad event is refused on its own; Twilio keywords and receipts never move backwards."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.delivery.receipts import apply_sms_keyword
from app.core.delivery.sweeper import sweep
from app.models import (
    Event,
    Notification,
    NotificationStatus,
    SmsKeyword,
    Suppression,
    WebhookEventId,
)
from app.models.types import new_uuid, utcnow
from tests import factories
from tests.tracking.signing import inbound, sendgrid_event, sendgrid_post, twilio_post


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture()
def other_email(db):
    """A second sent email, to a second address, for the good event of a mixed body."""
    contact = factories.contact(external_id="user-2", email="grace@example.com",
                                phone="+14155550101")
    row = Notification(id=new_uuid(), contact_id=contact.id, channel="email",
                       category="orders", address=contact.email, provider="sendgrid",
                       status="sent", attempts=1)
    db.session.add(row)
    db.session.commit()
    return row


# SendGrid: freshness ----------------------------------------------------------------

@pytest.mark.parametrize("age", [30 * 86400, 601, -3600, -10**12])
def test_sendgrid_body_signed_outside_the_window_is_refused(client, db, sendgrid_key,
                                                             sent_email, age):
    signed = int(time.time()) - age
    events = [sendgrid_event("bounce", sent_email.id, timestamp=signed, status="5.1.1")]
    response = sendgrid_post(client, sendgrid_key, events, timestamp=signed)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    db.session.refresh(sent_email)
    assert sent_email.status == "sent"
    assert count(db, Suppression) == count(db, Event) == 0


def test_sendgrid_window_is_configurable(client, db, config, sendgrid_key, sent_email,
                                         monkeypatch):
    monkeypatch.setattr(config, "WEBHOOK_MAX_AGE_SECONDS", 7200)
    signed = int(time.time()) - 3600
    events = [sendgrid_event("bounce", sent_email.id, timestamp=signed)]
    assert sendgrid_post(client, sendgrid_key, events, timestamp=signed).status_code == 200
    assert count(db, Suppression) == 1


@pytest.mark.parametrize("timestamp", ["", "abc", "1.7e9", "-5", "²" * 10, "9" * 5000])
def test_sendgrid_signed_timestamp_that_is_no_time_is_400(client, db, sendgrid_key,
                                                          sent_email, timestamp):
    events = [sendgrid_event("bounce", sent_email.id)]
    response = sendgrid_post(client, sendgrid_key, events, timestamp=timestamp)
    assert response.status_code == 400
    assert count(db, Event) == 0


@pytest.mark.parametrize("signature", ["abc", "!!!!", "é", ""])
def test_sendgrid_signature_that_is_no_signature_is_403(client, db, sendgrid_key,
                                                        sent_email, signature):
    response = client.post("/hooks/sendgrid", json=[sendgrid_event("bounce", sent_email.id)],
                           headers={"X-Twilio-Email-Event-Webhook-Signature": signature,
                                    "X-Twilio-Email-Event-Webhook-Timestamp":
                                        str(int(time.time()))})
    assert response.status_code == 403
    assert count(db, Event) == 0


# SendGrid: each event once ----------------------------------------------------------

def test_sendgrid_replayed_body_is_applied_once(client, db, sendgrid_key, sent_email):
    events = [sendgrid_event("delivered", sent_email.id), sendgrid_event("open", sent_email.id),
              sendgrid_event("click", sent_email.id, url="https://example.com/a")]
    first = sendgrid_post(client, sendgrid_key, events)
    replay = sendgrid_post(client, sendgrid_key, events)
    assert first.json == {"received": 3, "refused": 0, "matched": 3, "duplicates": 0}
    assert replay.status_code == 200
    assert replay.json == {"received": 3, "refused": 0, "matched": 0, "duplicates": 3}
    assert sorted(db.session.scalars(select(Event.kind))) == ["clicked", "delivered", "opened"]
    assert count(db, NotificationStatus) == 1


def test_sendgrid_event_id_seen_in_another_body_is_applied_once(client, db, sendgrid_key,
                                                               sent_email, other_email):
    bounce = sendgrid_event("bounce", sent_email.id, status="5.1.1")
    sendgrid_post(client, sendgrid_key, [bounce])
    # SendGrid retries with a new signature; an attacker may re-sign nothing, but a
    # retried batch can mix an event already applied with new ones.
    response = sendgrid_post(client, sendgrid_key, [sendgrid_event("open", other_email.id),
                                                    bounce, bounce])
    assert response.json["duplicates"] == 2 and response.json["matched"] == 1
    assert count(db, Event, Event.kind == "bounced") == 1
    assert count(db, NotificationStatus) == 1


def test_sendgrid_two_statuses_in_one_body_move_the_row_once(client, db, sendgrid_key,
                                                            sent_email):
    events = [sendgrid_event("delivered", sent_email.id),
              sendgrid_event("delivered", sent_email.id)]
    sendgrid_post(client, sendgrid_key, events)
    db.session.refresh(sent_email)
    assert sent_email.status == "delivered"
    assert count(db, NotificationStatus) == count(db, Event) == 1


def test_expired_sendgrid_ids_are_pruned_by_the_sweeper(client, db, redis, config,
                                                        sendgrid_key, sent_email):
    sendgrid_post(client, sendgrid_key, [sendgrid_event("open", sent_email.id)])
    twilio_post(client, config, "/hooks/twilio/inbound", inbound("STOP"))
    assert count(db, WebhookEventId) == 2
    window = timedelta(seconds=config.WEBHOOK_MAX_AGE_SECONDS)
    assert sweep(db.session, redis, config, utcnow() + window)["webhook_ids_expired"] == 0
    later = utcnow() + 2 * window
    assert sweep(db.session, redis, config, later)["webhook_ids_expired"] == 1
    [kept] = db.session.scalars(select(WebhookEventId))
    assert kept.provider == "twilio" and kept.expires_at is None  # inbound: kept for good


# SendGrid: malformed events are refused one by one -----------------------------------

NOW = int(time.time())
MALFORMED = {
    "uppercase herald_id": lambda nid: {"herald_id": str(nid).upper()},
    "braced herald_id": lambda nid: {"herald_id": f"{{{nid}}}"},
    "herald_id not a uuid": lambda nid: {"herald_id": "not-a-uuid"},
    "timestamp year 33658": lambda nid: {"timestamp": 10**12},
    "timestamp 10**20": lambda nid: {"timestamp": 10**20},
    "timestamp 2**63": lambda nid: {"timestamp": 2**63},
    "timestamp next week": lambda nid: {"timestamp": NOW + 7 * 86400},
    "timestamp negative": lambda nid: {"timestamp": -1},
    "timestamp as float": lambda nid: {"timestamp": NOW + 0.5},
    "timestamp as string": lambda nid: {"timestamp": str(NOW)},
    "timestamp as bool": lambda nid: {"timestamp": True},
    "timestamp missing": lambda nid: {"timestamp": None},
    "list herald_id": lambda nid: {"herald_id": [str(nid)]},
    "list event": lambda nid: {"event": ["bounce"]},
    "list email": lambda nid: {"email": ["ada@example.com"]},
    "list sg_event_id": lambda nid: {"sg_event_id": ["x"]},
    "list sg_message_id": lambda nid: {"sg_message_id": ["x"]},
    "list status": lambda nid: {"status": ["5.1.1"]},
    "list type": lambda nid: {"type": ["bounce"]},
    "list url": lambda nid: {"url": ["https://example.com"]},
    "dict reason": lambda nid: {"reason": {"a": 1}},
    "int herald_id": lambda nid: {"herald_id": 7},
    "unknown event": lambda nid: {"event": "exploded"},
    "no sg_event_id": lambda nid: {"sg_event_id": None},
    "empty sg_event_id": lambda nid: {"sg_event_id": ""},
    "status longer than the column": lambda nid: {"status": "5" * 65},
    "url longer than the column": lambda nid: {"url": "https://e.com/" + "a" * 2048},
}


def _malformed(kind: str, nid) -> dict:
    event = sendgrid_event("bounce", nid, status="5.1.1")
    event.update(MALFORMED[kind](nid))
    return {k: v for k, v in event.items() if v is not None}


@pytest.mark.parametrize("kind", MALFORMED)
def test_sendgrid_malformed_event_is_refused_and_the_rest_applied(
        client, db, sendgrid_key, sent_email, other_email, kind):
    good = sendgrid_event("bounce", other_email.id, email=other_email.address, status="5.1.1")
    response = sendgrid_post(client, sendgrid_key, [_malformed(kind, sent_email.id), good])
    assert response.status_code == 200
    assert response.json["refused"] == 1 and response.json["matched"] == 1
    db.session.refresh(sent_email)
    db.session.refresh(other_email)
    assert (sent_email.status, other_email.status) == ("sent", "failed")
    assert list(db.session.scalars(select(Suppression.address))) == ["grace@example.com"]


@pytest.mark.parametrize("event", ["bounce", 7, None, [], [{"event": "bounce"}]])
def test_sendgrid_array_item_that_is_no_event_is_refused(client, db, sendgrid_key,
                                                         sent_email, event):
    good = sendgrid_event("delivered", sent_email.id)
    response = sendgrid_post(client, sendgrid_key, [event, good])
    assert response.json["refused"] == 1
    db.session.refresh(sent_email)
    assert sent_email.status == "delivered"


# Twilio: inbound keywords ------------------------------------------------------------

def _suppressed(db) -> bool:
    db.session.expire_all()
    return count(db, Suppression, Suppression.address == "+14155550100") == 1


def test_replayed_start_does_not_undo_a_later_stop(client, config, db):
    stop, start = inbound("STOP"), inbound("START")
    for params in (stop, start, inbound("STOP")):
        assert twilio_post(client, config, "/hooks/twilio/inbound", params).status_code == 200
    assert _suppressed(db)
    response = twilio_post(client, config, "/hooks/twilio/inbound", start)  # the replay
    assert response.status_code == 200 and response.data == b"<Response/>"
    assert _suppressed(db)


def test_replayed_stop_does_not_undo_a_later_start(client, config, db):
    stop = inbound("STOP")
    twilio_post(client, config, "/hooks/twilio/inbound", stop)
    twilio_post(client, config, "/hooks/twilio/inbound", inbound("start"))
    twilio_post(client, config, "/hooks/twilio/inbound", stop)
    assert not _suppressed(db)


def test_keyword_received_before_the_last_one_is_ignored(db):
    """Two keywords handled concurrently: the one received last wins, whatever commits
    first (here the newer STOP is recorded before the older START is handled)."""
    db.session.add(SmsKeyword(number="+14155550100", keyword="stop", message_sid="SMnew",
                              received_at=utcnow() + timedelta(seconds=1)))
    db.session.add(Suppression(channel="sms", address="+14155550100", reason="stop"))
    db.session.commit()
    assert apply_sms_keyword(db.session, "twilio", "+14155550100", "START", "SMold") == "outdated"
    assert _suppressed(db)


def test_inbound_without_a_message_sid_is_refused(client, config, db):
    params = {"From": "+14155550100", "Body": "STOP"}
    response = twilio_post(client, config, "/hooks/twilio/inbound", params)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert not _suppressed(db)


# Twilio: status callbacks ------------------------------------------------------------

def test_replayed_status_callback_is_applied_once(client, config, db, sent_sms):
    params = {"MessageSid": sent_sms.provider_message_id, "MessageStatus": "delivered"}
    for _ in range(3):
        assert twilio_post(client, config, "/hooks/twilio", params).status_code == 204
    assert count(db, Event) == count(db, NotificationStatus) == 1


def test_status_callback_never_moves_a_row_backwards(client, config, db, sent_sms):
    sid = sent_sms.provider_message_id
    for status in ("delivered", "sent", "undelivered", "failed", "queued"):
        twilio_post(client, config, "/hooks/twilio", {"MessageSid": sid,
                                                     "MessageStatus": status})
    db.session.refresh(sent_sms)
    assert sent_sms.status == "delivered"
    assert list(db.session.scalars(select(NotificationStatus.status))) == ["delivered"]
