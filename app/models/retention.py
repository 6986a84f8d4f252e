"""How long the log and the events keep their rows, and the daily counts that outlive them."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, UTCDateTime, utcnow


class RetentionPolicy(db.Model):
    """A retention changed in the console (Settings → Data); else the HERALD_* default."""

    __tablename__ = "retention_policies"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationRollup(db.Model):
    """A day's notifications counted by what reports group them by, written in the
    transaction that drops their rows: reports add these to what the log still holds."""

    __tablename__ = "notification_rollups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    campaign_id: Mapped[int | None] = mapped_column(BigId)
    campaign_run_id: Mapped[int | None] = mapped_column(BigId)
    variant: Mapped[int | None] = mapped_column(SmallInteger)
    channel: Mapped[str] = mapped_column(String(8))
    provider: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(64))
    # No foreign key, like the run's: a count outlives what it counted.
    template_version_id: Mapped[int | None] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(BigInteger)
    # The partition rolled up (PostgreSQL): rolling it up again replaces its counts.
    source: Mapped[str | None] = mapped_column(String(63))


Index("ix_notification_rollups_run", NotificationRollup.campaign_run_id,
      postgresql_where=text("campaign_run_id IS NOT NULL"),
      sqlite_where=text("campaign_run_id IS NOT NULL"))


class EventRollup(db.Model):
    """A day's events counted by what the analytics reports group them by, written before
    their partition (SQLite: their rows) is dropped.

    `notifications` counts the notifications whose last event of the kind was in the rows
    rolled up (a later one still in the log is counted there), so a report adding these to
    the live events counts every notification once; `humans` likewise, of people's events.
    """

    __tablename__ = "event_rollups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    campaign_run_id: Mapped[int | None] = mapped_column(BigId)
    variant: Mapped[int | None] = mapped_column(SmallInteger)
    channel: Mapped[str | None] = mapped_column(String(8))
    provider: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    events: Mapped[int] = mapped_column(BigInteger)
    machine_events: Mapped[int] = mapped_column(BigInteger)
    notifications: Mapped[int] = mapped_column(BigInteger)
    humans: Mapped[int] = mapped_column(BigInteger)
    # The partition rolled up (PostgreSQL): rolling it up again replaces its counts.
    source: Mapped[str | None] = mapped_column(String(63))


Index("ix_event_rollups_run", EventRollup.campaign_run_id,
      postgresql_where=text("campaign_run_id IS NOT NULL"),
      sqlite_where=text("campaign_run_id IS NOT NULL"))


class EventSlotRollup(db.Model):
    """A campaign run's opens and clicks per 15-minute slice (the report's chart groups
    slices into local hours in any zone), written before their events are dropped."""

    __tablename__ = "event_slot_rollups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slot: Mapped[int] = mapped_column(Integer)  # seconds since the epoch // 900
    campaign_run_id: Mapped[int] = mapped_column(BigId, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    machine: Mapped[bool] = mapped_column(Boolean)
    events: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(63))


class LinkRollup(db.Model):
    """A campaign run's clicks per link and variant, written before their events are
    dropped; `notifications` and `humans` count each message once, as in event_rollups."""

    __tablename__ = "link_rollups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_run_id: Mapped[int] = mapped_column(BigId, index=True)
    variant: Mapped[int | None] = mapped_column(SmallInteger)
    url: Mapped[str] = mapped_column(String(2048))
    clicks: Mapped[int] = mapped_column(BigInteger)
    machine_clicks: Mapped[int] = mapped_column(BigInteger)
    notifications: Mapped[int] = mapped_column(BigInteger)
    humans: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(63))


class TemplateRollup(db.Model):
    """Transactional messages opened or clicked, per day they were created and template
    version: written when their events are dropped while the messages remain, or when the
    messages are dropped (their events then no longer name a template)."""

    __tablename__ = "template_rollups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    template_version_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))
    notifications: Mapped[int] = mapped_column(BigInteger)
    humans: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(63))
