"""Contacts, their devices, categories, preferences and suppressions."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import BigId, Json, UTCDateTime, utcnow

CHANNELS = ("push", "sms", "email")
PLATFORMS = ("ios", "android", "web")
PLATFORM_PROVIDER = {"ios": "apns", "android": "fcm", "web": "webpush"}


class Contact(db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(16), index=True)
    locale: Mapped[str | None] = mapped_column(String(35))
    timezone: Mapped[str | None] = mapped_column(String(64))
    attributes: Mapped[dict] = mapped_column(Json, default=dict)
    tags: Mapped[list] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    devices: Mapped[list["Device"]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )


class Device(db.Model):
    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("provider", "token", name="uq_devices_provider_token"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(16))
    # FCM/APNs registration token, or the web-push endpoint URL.
    token: Mapped[str] = mapped_column(String(2048))
    # Web push only: {"endpoint", "keys": {"p256dh", "auth"}}.
    subscription: Mapped[dict | None] = mapped_column(Json)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact: Mapped[Contact] = relationship(back_populates="devices")


class Category(db.Model):
    """A kind of message (security, orders, marketing) with its delivery rules."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(512), default="")
    # Critical messages bypass opt-outs, rate limits and quiet hours.
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    default_opt_in: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    # {"push": {"limit": 3, "per_seconds": 3600}, ...}
    rate_limits: Mapped[dict] = mapped_column(Json, default=dict)
    # Marketing (not transactional): its email carries List-Unsubscribe, and its campaign
    # messages count toward, and obey, frequency caps.
    marketing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # At most this many marketing campaign messages per contact per rolling window
    # (None: no cap); over it a campaign message is suppressed or deferred.
    frequency_cap: Mapped[int | None] = mapped_column(Integer)
    frequency_window_seconds: Mapped[int] = mapped_column(Integer, default=7 * 86400,
                                                          server_default="604800")
    frequency_action: Mapped[str] = mapped_column(String(16), default="suppress",
                                                  server_default="suppress")


class Preference(db.Model):
    __tablename__ = "preferences"
    __table_args__ = (
        UniqueConstraint("contact_id", "category_id", "channel", name="uq_preferences"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    opted_in: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(32), default="api")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship()


class Suppression(db.Model):
    """An address or number that must never be sent to (bounce, complaint, STOP)."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_suppressions"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(512), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_devices_contact_active", Device.contact_id, Device.active)

# Console contact search: prefix LIKE 'x%' on external id, email (any case), phone and
# locale is served whatever the database collation; attributes are matched with JSONB
# containment (@>, jsonb_path_ops), tags with ?& (the default GIN operator class).
Index("ix_contacts_external_id_prefix", Contact.external_id,
      postgresql_ops={"external_id": "text_pattern_ops"}).ddl_if(dialect="postgresql")
Index("ix_contacts_email_lower_prefix", func.lower(Contact.email).label("email_lower"),
      postgresql_ops={"email_lower": "text_pattern_ops"}).ddl_if(dialect="postgresql")
Index("ix_contacts_phone_prefix", Contact.phone,
      postgresql_ops={"phone": "text_pattern_ops"}).ddl_if(dialect="postgresql")
Index("ix_contacts_locale_prefix", Contact.locale,
      postgresql_ops={"locale": "text_pattern_ops"}).ddl_if(dialect="postgresql")
Index("ix_contacts_attributes", Contact.attributes, postgresql_using="gin",
      postgresql_ops={"attributes": "jsonb_path_ops"}).ddl_if(dialect="postgresql")
Index("ix_contacts_tags", Contact.tags, postgresql_using="gin").ddl_if(dialect="postgresql")
# "Has an active iOS device" (console filters, segments): an index-only walk by contact id.
Index("ix_devices_active_platform", Device.platform, Device.contact_id,
      postgresql_where=text("active"), sqlite_where=text("active"))
