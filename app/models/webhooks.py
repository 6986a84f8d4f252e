"""What provider webhooks already told us: event ids applied once, the last SMS keyword."""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, UTCDateTime, utcnow


class WebhookEventId(db.Model):
    """A provider event id already applied, so a replay of it changes nothing.

    Rows expire when a replay could no longer pass the provider's own checks (SendGrid's
    signed timestamp window); ids of providers that sign no timestamp are kept longer,
    or for good (expires_at NULL).
    """

    __tablename__ = "webhook_event_ids"
    __table_args__ = (
        UniqueConstraint("provider", "event_id", name="uq_webhook_event_ids"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class SmsKeyword(db.Model):
    """The last STOP or START a number sent: an older keyword never overrides it."""

    __tablename__ = "sms_keywords"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    keyword: Mapped[str] = mapped_column(String(8))  # "stop" or "start"
    message_sid: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
