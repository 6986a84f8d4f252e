"""Segments: named audiences defined by a rule tree that compiles to one SQL query."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.auth import Operator
from app.models.types import BigId, Json, UTCDateTime, utcnow


class Segment(db.Model):
    """An audience; `rules` is the validated tree described in app.core.segments.rules."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(String(1024), default="")
    # {"match": "all", "rules": [{"type": "tag", "op": "has", "value": "vip"}, ...]}
    rules: Mapped[dict] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL")
    )

    created_by: Mapped[Operator | None] = relationship()
