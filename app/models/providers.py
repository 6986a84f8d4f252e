"""Provider settings an operator stored in the console, sealed (encrypted) at rest."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class ProviderAccount(db.Model):
    """One provider's stored settings: a Fernet token of their JSON, never plain text."""

    __tablename__ = "provider_accounts"

    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(320))
