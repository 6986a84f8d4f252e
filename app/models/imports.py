"""CSV contact imports: the uploaded file, its column mapping, progress and bad rows."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import BigId, Json, UTCDateTime, utcnow

# uploaded → (mapped, started) queued → running → done | failed
UPLOADED, QUEUED, RUNNING, DONE, FAILED = "uploaded", "queued", "running", "done", "failed"
IMPORT_STATUSES = (UPLOADED, QUEUED, RUNNING, DONE, FAILED)


class ContactImport(db.Model):
    __tablename__ = "contact_imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    # The file itself, so any worker node can read it; cleared once the import ends.
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    delimiter: Mapped[str] = mapped_column(String(1), default=",")
    header: Mapped[list] = mapped_column(Json, default=list)
    # [{"field": "external_id"|"email"|…|"attribute"|"skip", "name": …, "type": …}] per column
    mapping: Mapped[list | None] = mapped_column(Json)
    # {"tag_separator": ";", "tag_mode": "add"|"replace", "default_region": "US"|None}
    options: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=UPLOADED)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    failure: Mapped[str | None] = mapped_column(Text)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL")
    )
    operator_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped with every chunk: a running import whose heartbeat is old lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ContactImportError(db.Model):
    """One rejected row: where it was, what was wrong, and its original cells."""

    __tablename__ = "contact_import_errors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("contact_imports.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)
    columns: Mapped[str] = mapped_column(String(1024))
    message: Mapped[str] = mapped_column(Text)
    values: Mapped[list] = mapped_column(Json, default=list)
