"""Create, start and run contact imports: chunks of checked rows, one upsert per chunk.

The job is idempotent and resumable: each chunk's contacts, its rejected rows and the
progress counters commit together, so a re-run (after a crash) skips what is done.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from redis.exceptions import RedisError
from sqlalchemy import (
    and_,
    func,
    insert,
    or_,
    select,
    update,
)

from app.core.access import audit
from app.core.db import is_postgres
from app.core.imports.mapping import check_mapping, mapping_from, read_upload, records, upload_text
from app.core.imports.rows import CheckedRow, Column, Options, RowChecker
from app.core.imports.upsert import staged_csv, upsert_contacts, upsert_statement
from app.core.imports.writer import ChunkWriter
from app.errors import ValidationFailed
from app.models import ContactImport, ContactImportError, Operator
from app.models.imports import DONE, FAILED, QUEUED, RUNNING, UPLOADED
from app.models.types import utcnow
from app.queues import queue

log = logging.getLogger(__name__)
CHUNK_ROWS = 5000
# The first chunk's rows: while it is checked nothing is written, so it is kept small and
# each chunk after it is twice the one before, up to CHUNK_ROWS.
FIRST_CHUNK_ROWS = 1000
IMPORT_JOB = "workers.jobs.run_import"
IMPORT_QUEUE = "imports"
JOB_TIMEOUT = 3600
# A running import whose heartbeat is older than this lost its worker: it may be resumed.
STALE_AFTER = timedelta(minutes=2)


def create_import(session, operator, filename: str, data: bytes, max_bytes: int) -> ContactImport:
    """Check an uploaded file and store it (bytes included) as a new import."""
    upload = read_upload(data, max_bytes)
    imp = ContactImport(
        filename=(filename or "contacts.csv")[-255:], size_bytes=len(data), data=data,
        delimiter=upload.delimiter, header=upload.header, total_rows=upload.rows,
        status=UPLOADED, operator_id=getattr(operator, "id", None),
        operator_email=getattr(operator, "email", None),
    )
    session.add(imp)
    session.flush()
    return imp


def start_import(session, imp: ContactImport, columns: list[Column], options: Options) -> None:
    """Store a checked mapping and mark the import queued (the caller commits, then enqueues)."""
    if imp.status != UPLOADED:
        raise ValidationFailed("This import has already started.")
    check_mapping(imp.header, columns, options)
    imp.mapping = [c.as_dict() for c in columns]
    imp.options = options.as_dict()
    imp.status = QUEUED
    imp.heartbeat_at = utcnow()
    session.flush()


def discard_import(session, imp: ContactImport) -> None:
    """Delete an upload whose import never started (the file goes with it)."""
    if imp.status != UPLOADED:
        raise ValidationFailed("This import has started: it stays in the history.")
    session.delete(imp)
    session.flush()


def enqueue_import(redis, import_id: int) -> bool:
    """Queue the import job; False if Redis is unreachable (the console offers a retry)."""
    try:
        queue(redis, IMPORT_QUEUE).enqueue(IMPORT_JOB, import_id, job_timeout=JOB_TIMEOUT,
                                        result_ttl=3600, failure_ttl=7 * 24 * 3600)
    except RedisError as exc:
        log.warning("could not queue import %s: %s", import_id, exc)
        return False
    return True


def is_stalled(imp: ContactImport, now: datetime | None = None) -> bool:
    """True if a queued or running import has shown no progress for a while."""
    beat = imp.heartbeat_at or imp.created_at
    return imp.status in (QUEUED, RUNNING) and beat < (now or utcnow()) - STALE_AFTER


def can_resume(imp: ContactImport, now: datetime | None = None) -> bool:
    """True if the import failed or stalled: queued again, it goes on from its last chunk."""
    return imp.status == FAILED or is_stalled(imp, now)


def resume_import(session, imp: ContactImport, now: datetime | None = None) -> None:
    """Mark a failed or stalled import queued again (the caller commits, then enqueues)."""
    now = now or utcnow()
    if not can_resume(imp, now):
        raise ValidationFailed("This import is not stalled or failed: there is nothing to resume.")
    imp.status, imp.failure, imp.finished_at, imp.heartbeat_at = QUEUED, None, None, now
    session.flush()


def resume_stalled(session, redis, now: datetime | None = None) -> int:
    """Queue again every import whose worker died (no heartbeat for STALE_AFTER)."""
    now = now or utcnow()
    beat = func.coalesce(ContactImport.heartbeat_at, ContactImport.created_at)
    stalled = list(session.scalars(select(ContactImport).where(
        ContactImport.status.in_((QUEUED, RUNNING)), beat < now - STALE_AFTER)))
    for imp in stalled:
        resume_import(session, imp, now)
    session.commit()
    for imp in stalled:  # two jobs for one import are harmless: only one claims it
        enqueue_import(redis, imp.id)
    return len(stalled)


def run_import(session, import_id: int, now: datetime | None = None,
               chunk_rows: int = CHUNK_ROWS) -> dict | None:
    """Run (or resume) one import; return its counts, or None if it is not this job's to run."""
    if not _claim(session, import_id, now or utcnow()):
        return None
    imp = session.get(ContactImport, import_id, populate_existing=True)
    try:
        _run(session, imp, chunk_rows)
    except ClaimLost:
        log.warning("import %s was taken over by another worker", import_id)
        return None
    except Exception as exc:  # recorded for the operator, then re-raised for RQ's registry
        session.rollback()
        _fail(session, import_id, exc)
        raise
    return {"created": imp.created_count, "updated": imp.updated_count,
            "errors": imp.error_count}


def _claim(session, import_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(ContactImport)
        .where(ContactImport.id == import_id, or_(
            ContactImport.status == QUEUED,
            and_(ContactImport.status == RUNNING, ContactImport.heartbeat_at < now - STALE_AFTER),
        ))
        .values(status=RUNNING, heartbeat_at=now,
                started_at=func.coalesce(ContactImport.started_at, now))
        .returning(ContactImport.id),
        execution_options={"synchronize_session": False},
    ).first()
    session.commit()
    return claimed is not None


def _run(session, imp: ContactImport, chunk_rows: int) -> None:
    columns, options = mapping_from(imp)
    checker = RowChecker(imp.header, columns, options)
    upsert = upsert_statement(session, columns, options)
    target = _Target(imp.id, imp.header)
    start = done = imp.processed_rows
    chunk = _Chunk()
    # On PostgreSQL a chunk is written on a thread of its own while the next is checked
    # (SQLite's connections stay on the thread that made them); this thread makes its
    # COPY data, so that the writer's is mostly waiting on PostgreSQL.
    postgres = is_postgres(session)
    size = min(FIRST_CHUNK_ROWS, chunk_rows)
    with ChunkWriter(background=postgres) as writer:
        write = partial(_write_chunk, session, target, upsert=upsert)
        for index, (line, cells) in enumerate(records(upload_text(imp), imp.delimiter)):
            row = checker.check(line, cells)  # rows done before a resume: checked for repeats
            if index < start:
                continue
            chunk.add(row)
            if chunk.rows == size:
                writer.write(write, done, chunk.sealed(postgres))
                done, chunk, size = done + chunk.rows, _Chunk(), min(size * 2, chunk_rows)
        if chunk.rows:
            writer.write(write, done, chunk.sealed(postgres))
    imp.status, imp.finished_at, imp.data = DONE, utcnow(), None
    operator = session.get(Operator, imp.operator_id) if imp.operator_id else None
    audit.record(session, operator, "contact.import_finish", "contact_import", imp.id,
                 after={"filename": imp.filename, "rows": imp.total_rows,
                        "created": imp.created_count, "updated": imp.updated_count,
                        "rejected": imp.error_count})
    session.commit()


@dataclass(frozen=True)
class _Target:
    """What writing a chunk needs of its import, read once: the writer's thread must not
    load expired attributes of the caller's objects."""

    id: int
    header: list[str]


@dataclass
class _Chunk:
    """Rows checked since the last write: a good row is kept as its record alone (its
    cells and checked row are let go at once, rather than left to the garbage collector)."""

    rows: int = 0
    good: list[dict] = field(default_factory=list)
    bad: list[CheckedRow] = field(default_factory=list)
    staged: bytes | None = None  # the good rows' COPY data (PostgreSQL)

    def add(self, row: CheckedRow) -> None:
        self.rows += 1
        if row.record is None:
            self.bad.append(row)
        else:
            self.good.append(row.record)

    def sealed(self, postgres: bool) -> "_Chunk":
        """The chunk, complete, its COPY data made where PostgreSQL takes it."""
        if postgres and self.good:
            self.staged = staged_csv(self.good)
        return self


def _write_chunk(session, imp: _Target, done: int, chunk: _Chunk, upsert) -> None:
    """Upsert the good rows, store the bad ones and the progress: one transaction.

    The progress only moves from `done` rows on: if another worker moved it meanwhile (it
    resumed this import while this worker was only slow), this one stops, writing nothing.
    """
    good, bad = chunk.good, chunk.bad
    created = upsert_contacts(session, upsert, good, chunk.staged)
    if bad:
        session.execute(insert(ContactImportError), [_error_row(imp, row) for row in bad])
    moved = session.execute(
        update(ContactImport)
        .where(ContactImport.id == imp.id, ContactImport.processed_rows == done,
               ContactImport.status == RUNNING)
        .values(processed_rows=ContactImport.processed_rows + chunk.rows,
                created_count=ContactImport.created_count + created,
                updated_count=ContactImport.updated_count + len(good) - created,
                error_count=ContactImport.error_count + len(bad),
                heartbeat_at=utcnow())
        .returning(ContactImport.id),
        execution_options={"synchronize_session": False},
    ).first()
    if moved is None:
        session.rollback()
        raise ClaimLost(imp.id)
    session.commit()


class ClaimLost(Exception):
    """Another worker took this import over: this one stops without touching it."""


def _error_row(imp: _Target, row) -> dict:
    names = [imp.header[i] for i in row.errors]
    return {"import_id": imp.id, "line": row.line, "columns": ", ".join(names)[:1024],
            "message": row.message(imp.header), "values": row.cells}


def _fail(session, import_id: int, exc: Exception) -> None:
    session.execute(update(ContactImport).where(ContactImport.id == import_id).values(
        status=FAILED, finished_at=utcnow(), failure=f"{type(exc).__name__}: {exc}"[:2000]))
    session.commit()
