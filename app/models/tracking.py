"""Links Herald tracks in messages, and the short codes SMS links use."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, UTCDateTime, utcnow


class TrackedLink(db.Model):
    """One destination of a tracked link, stored once per scope (a template version, or a
    notification: one sent without a template, or a link that names its recipient's
    address): a click can only ever redirect to one of these."""

    __tablename__ = "tracked_links"
    __table_args__ = (UniqueConstraint("scope", "url_hash", name="uq_tracked_links_scope_url"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # "v<template version id>" or "n<notification id>": identical URLs there share a row.
    scope: Mapped[str] = mapped_column(String(40))
    template_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("template_versions.id", ondelete="CASCADE"), index=True)
    # No foreign key to the log, whose days are dropped whole (retention deletes these).
    notification_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    url: Mapped[str] = mapped_column(String(2048))
    url_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a message last carried it, to the day (app.core.tracking.outgoing): a template
    # version's link unused for HERALD_TRACKING_LINK_DAYS goes (core.ops.retention), as a
    # notification's goes with its day of the log.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The template versions' links, oldest use first, for retention.
Index("ix_tracked_links_template_used", TrackedLink.used_at,
      postgresql_where=text("notification_id IS NULL"),
      sqlite_where=text("notification_id IS NULL"))


class ShortLink(db.Model):
    """An SMS link's short code (base62): one per link and recipient."""

    __tablename__ = "short_links"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("tracked_links.id", ondelete="CASCADE"),
                                         index=True)
    notification_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
