"""The audit log: who (operator, API key or system) changed what, with before/after snapshots."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.auth import ApiKey
from app.models.types import BigId, Json, UTCDateTime, utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # "operator", "api_key", "recipient" (the contact, from a signed link) or "system"
    # (CLI, jobs): who made the change.
    actor_kind: Mapped[str] = mapped_column(String(16), default="operator",
                                            server_default="operator")
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL"), index=True
    )
    # Kept as text so the entry still says who it was after the operator is deleted.
    operator_email: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(Json)
    after: Mapped[dict | None] = mapped_column(Json)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(String(45))

    api_key: Mapped[ApiKey | None] = relationship(lazy="selectin")

    @property
    def actor(self) -> str:
        """Who made the change, for people: an operator's email, an API key, "recipient"
        or "system"."""
        if self.actor_kind == "api_key":
            return f"API key “{self.api_key.name}”" if self.api_key else "API key (deleted)"
        if self.actor_kind == "recipient":
            return "recipient"
        return self.operator_email or "system"


Index("ix_audit_log_entity", AuditLog.entity_type, AuditLog.entity_id)
