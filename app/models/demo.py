"""Which rows belong to the demo workspace, so that one command can take them all away."""

from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, UTCDateTime, utcnow


class DemoRow(db.Model):
    """A row the demo seed made: its table and id (dependents go with it)."""

    __tablename__ = "demo_rows"
    __table_args__ = (UniqueConstraint("table_name", "row_id", name="uq_demo_rows"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
