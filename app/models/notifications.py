"""The notification log, its status history, idempotency keys and engagement events."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, Json, UTCDateTime, new_uuid, utcnow


class Status(StrEnum):
    """The fixed status vocabulary; the values are what the database and the API hold.

    The moves between them are one table, app.core.delivery.transitions.MOVES.
    """

    ACCEPTED = "accepted"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    SUPPRESSED = "suppressed"
    RETRYING = "retrying"
    FAILED = "failed"
    DEAD = "dead"


STATUSES = tuple(s.value for s in Status)


class Notification(db.Model):
    """One message to one address. On PostgreSQL the table is partitioned by day on its id
    (a UUIDv7 starts with its creation time): a lookup by id reads one day's partition,
    and retention drops whole days (app.core.ops.partitions)."""

    __tablename__ = "notifications"
    __table_args__ = {"postgresql_partition_by": "RANGE (id)"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    source: Mapped[str] = mapped_column(String(16), default="api")
    # The key that sent it. No foreign key: keys are revoked, never deleted, and checking
    # (and locking) the key's row for every row written cost PostgreSQL 15-20 % of a send.
    api_key_id: Mapped[int | None] = mapped_column(BigId)
    campaign_id: Mapped[int | None] = mapped_column(BigId)
    # A campaign's rows: the run that wrote them and the variant (0 = "A") they carry.
    campaign_run_id: Mapped[int | None] = mapped_column(BigId)
    variant: Mapped[int | None] = mapped_column(SmallInteger)
    # No foreign key either (SQLite keeps its own): checking and locking the contact's row
    # for every row written cost PostgreSQL about a quarter of a 1,000-recipient send. A
    # send locks its contacts once, as it reads them (core.delivery.recipients), and what
    # deletes contacts clears or deletes their rows itself (erase_contact, demo.remove).
    contact_id: Mapped[int | None] = mapped_column(BigId)
    # Nor for the device and the template version (SQLite keeps both): a push row's key
    # checked and locked its device's row, and a template send's every row the same
    # version's, a third of PostgreSQL's CPU for a 1,000-device send. Devices go only with
    # their contact, whose deletion clears its rows; only unpublished drafts, which no send
    # names, and the demo's versions (its rows go first) are ever deleted.
    device_id: Mapped[int | None] = mapped_column(BigId)
    channel: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(64))
    template_version_id: Mapped[int | None] = mapped_column(BigId)
    # Device token, E.164 number or email address; cleared when the contact is erased.
    address: Mapped[str | None] = mapped_column(String(2048))
    provider: Mapped[str | None] = mapped_column(String(16))
    # Rendered content for the channel; cleared when the contact is erased.
    content: Mapped[dict | None] = mapped_column(Json)
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=Status.ACCEPTED.value)
    reason: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Nothing is delivered after this; an unsent row then ends suppressed, reason "expired".
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the sweeper must next look at the row: a held row's release time, a
    # retry's next attempt, a queued row's re-queue deadline, a send's lease expiry.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Indexes hold only the rows they serve: every row written pays for every index, and a
# campaign writes a million at once. The sweeper looks only at rows with a due time.
Index("ix_notifications_status_due", Notification.status, Notification.due_at,
      postgresql_where=text("due_at IS NOT NULL"), sqlite_where=text("due_at IS NOT NULL"))
Index("ix_notifications_event_id", Notification.event_id,
      postgresql_where=text("event_id IS NOT NULL"), sqlite_where=text("event_id IS NOT NULL"))
Index("ix_notifications_provider_message_id", Notification.provider_message_id,
      postgresql_where=text("provider_message_id IS NOT NULL"),
      sqlite_where=text("provider_message_id IS NOT NULL"))
Index("ix_notifications_dead", Notification.created_at,
      postgresql_where=text("status = 'dead'"), sqlite_where=text("status = 'dead'"))
Index("ix_notifications_created", Notification.created_at)
# A contact's history, newest first, one index range per page (ids are UUIDv7).
Index("ix_notifications_contact_id", Notification.contact_id, Notification.id)
# A campaign run writes each (contact, channel, device) once, however often a chunk is
# repeated. On PostgreSQL this unique index is each day partition's own (a partitioned
# table's unique keys must hold its partition key): it holds for a whole run because every
# row of a run carries the run's start in its id (fanout), so a run lives in one partition.
Index("uq_notifications_campaign_row", Notification.campaign_run_id, Notification.contact_id,
      Notification.channel, func.coalesce(Notification.device_id, 0), unique=True,
      postgresql_where=text("campaign_run_id IS NOT NULL"),
      sqlite_where=text("campaign_run_id IS NOT NULL"), info={"partition_local": True})
# Its held rows are released from this index in send_at order.
Index("ix_notifications_campaign_due", Notification.campaign_run_id, Notification.status,
      Notification.send_at, postgresql_where=text("campaign_run_id IS NOT NULL"),
      sqlite_where=text("campaign_run_id IS NOT NULL"))
# Frequency caps: a contact's recent campaign messages, without visiting the table.
Index("ix_notifications_contact_campaign", Notification.contact_id, Notification.created_at,
      postgresql_include=["campaign_run_id", "category", "status"],
      postgresql_where=text("campaign_run_id IS NOT NULL"),
      sqlite_where=text("campaign_run_id IS NOT NULL"))


class NotificationStatus(db.Model):
    """One row per status transition, with the attempt and provider response.

    On PostgreSQL partitioned like the log, by its notification's id, so a notification's
    history is in the partition of the same day; no foreign key, so dropping a day of
    either table checks nothing in the other (app.core.ops.partitions).
    """

    __tablename__ = "notification_statuses"
    __table_args__ = {"postgresql_partition_by": "RANGE (notification_id)"}

    # The database's primary key is (notification_id, id) on PostgreSQL (a partitioned
    # table's keys hold its partition key; id alone is unique, from one sequence), and it
    # serves every read of a notification's history: the index on notification_id is
    # SQLite's only (see app.core.ops.partitions.include_object).
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notification_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    provider: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_key_id", "key", name="uq_idempotency_keys"),
                      UniqueConstraint("operator_id", "key",
                                       name="uq_idempotency_keys_operator"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Whose key it is: an API key's, or an operator's (the console's test send).
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict | None] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Event(db.Model):
    """Engagement and delivery events (delivered, opened, clicked, ...), appended (a drain
    may later mark earlier clicks of an every-link scan as a machine's). On
    PostgreSQL partitioned by day on its id (a UUIDv7: when the event was stored), like the
    log, so retention drops whole days (app.core.ops.partitions)."""

    __tablename__ = "events"
    __table_args__ = {"postgresql_partition_by": "RANGE (id)"}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    # No foreign key: the log's days are dropped on their own schedule (retention).
    notification_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # Indexed: erasing a contact deletes its events without a scan of every day. Neither
    # this nor link_id is a foreign key on PostgreSQL (migration a8c0e2f4b6d8): each
    # event stored locked its contact's and its link's rows, and deleting a link made
    # PostgreSQL scan every day of events for it (what deletes either deletes or keeps
    # the events itself: an erasure deletes them, a deleted link's events keep its url).
    contact_id: Mapped[int | None] = mapped_column(BigId, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The notification's campaign run, variant, channel and provider, copied when the event
    # is stored: a campaign's report reads its events from one index range and groups them
    # as it groups the rows, never joining a million notifications.
    campaign_run_id: Mapped[int | None] = mapped_column(BigId)
    variant: Mapped[int | None] = mapped_column(SmallInteger)
    channel: Mapped[str | None] = mapped_column(String(8))
    provider: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(2048))
    link_id: Mapped[int | None] = mapped_column(BigId)
    # Every hit is kept; the ones a machine made (a proxy, a scanner, a prefetch) say why.
    machine: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    # Conversions reported through the API.
    value: Mapped[float | None] = mapped_column(Numeric(18, 4, asdecimal=False))
    currency: Mapped[str | None] = mapped_column(String(3))
    data: Mapped[dict | None] = mapped_column(Json)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class EventKey(db.Model):
    """The key of an event recorded once only (an app's event id, a notification's push
    open): unique across every day of events, which a partitioned table cannot hold."""

    __tablename__ = "event_keys"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    # Retention deletes a dropped day's keys by this range.
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)


# Segment engagement rules collect "contacts who opened/clicked since …" (humans only)
# from this index alone (an index-only range scan), whatever the number of contacts.
Index("ix_events_kind_at_contact", Event.kind, Event.machine, Event.at, Event.contact_id)
Index("ix_events_campaign_run", Event.campaign_run_id, Event.kind,
      postgresql_where=text("campaign_run_id IS NOT NULL"),
      sqlite_where=text("campaign_run_id IS NOT NULL"))
