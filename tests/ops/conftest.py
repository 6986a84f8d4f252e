"""The log's partitions as the migration leaves them, put back after a test that drops them."""
import random
import uuid
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import text

from app.core.ops import partitions
from app.models.types import utcnow


def uuid7_at(at: datetime) -> uuid.UUID:
    """A UUIDv7 made at `at` (random low bits, version and variant set)."""
    low = random.getrandbits(80) & ~(0xF << 76) | (0x7 << 76)
    low = low & ~(0x3 << 62) | (0x2 << 62)
    return uuid.UUID(int=partitions.first_id(at).int | low)


@pytest.fixture()
def log_partitions(db):
    """Yield the session's connection; afterwards drop the partitions the test made and
    make the ones the migration made again if the test dropped them."""
    conn = db.session.connection()
    before = {p.name for t in partitions.TABLES for p in partitions.partitions(conn, t.name)}
    db.session.commit()
    yield db.session
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in partitions.TABLES:
            for part in partitions.partitions(conn, table.name):
                if part.name not in before:
                    conn.execute(text(f"DROP TABLE {part.name}"))
        today = utcnow().date()
        start = partitions.first_id(datetime.combine(today, time(), UTC))
        for table in partitions.TABLES:
            legacy = f"{table.name}_legacy"
            if conn.scalar(text("SELECT to_regclass(:n)"), {"n": legacy}) is None:
                conn.execute(text(f"CREATE TABLE {legacy} PARTITION OF {table.name} "
                                  f"FOR VALUES FROM (MINVALUE) TO ('{start}')"))
                for ddl in table.local_indexes:
                    conn.execute(text(ddl.format(partition=legacy)))
        partitions.ensure_ahead(conn, today)
