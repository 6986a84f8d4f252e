"""Operators of the console and API keys of the apps."""

import hashlib
from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, Json, UTCDateTime, utcnow

ROLES = ("admin", "editor", "viewer")
SCOPES = ("send", "manage")


class Operator(db.Model):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Times in the console are shown in this zone.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")

    # The Flask-Login protocol; the session id embeds a password fingerprint so that
    # changing the password signs out every other session.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return session_id(self)


def fingerprint(operator: Operator) -> str:
    """Return a short digest of the password hash; it changes whenever the password does."""
    material = operator.password_hash or f"unset:{operator.id}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def session_id(operator: Operator) -> str:
    return f"{operator.id}:{fingerprint(operator)}"


class ApiKey(db.Model):
    """An API key, stored only as a SHA-256 hash with a visible prefix."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list] = mapped_column(Json, default=list)
    # Requests allowed, e.g. "100/second"; None: HERALD_API_RATE_LIMIT.
    rate_limit: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
