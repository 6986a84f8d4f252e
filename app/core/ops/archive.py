"""Archives of dropped log days: a partition written as gzip-compressed CSV (PostgreSQL's
COPY, with a header) before retention drops it, and loaded back for an audit into a table
of its own (never into the live log)."""

import gzip
import os
import re
from pathlib import Path

from sqlalchemy import text

CHUNK = 1 << 20
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def write(engine, partition: str, directory: str) -> Path:
    """Write a partition to <directory>/<partition>.csv.gz (complete or not at all)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{partition}.csv.gz"
    partial = target.with_suffix(".gz.partial")
    raw = engine.raw_connection()
    try:
        copying = f"COPY (SELECT * FROM {_safe(partition)}) TO STDOUT (FORMAT csv, HEADER)"
        with raw.cursor() as cursor, gzip.open(partial, "wb") as out, \
                cursor.copy(copying) as copy:
            for data in copy:
                out.write(data)
        raw.commit()
    finally:
        raw.close()
    os.replace(partial, target)
    return target


def load(engine, path: str, into: str, like: str) -> int:
    """Load an archive into a new table `into` shaped like `like`; return its rows."""
    into, like = _safe(into), _safe(like)
    with engine.begin() as conn:
        if conn.scalar(text("SELECT to_regclass(:t)"), {"t": into}) is not None:
            raise ValueError(f"table {into} exists; name a new one")
        conn.execute(text(f"CREATE TABLE {into} (LIKE {like} INCLUDING DEFAULTS)"))
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, gzip.open(path, "rb") as source:
            with cursor.copy(f"COPY {into} FROM STDIN (FORMAT csv, HEADER)") as copy:
                while data := source.read(CHUNK):
                    copy.write(data)
            cursor.execute(f"SELECT count(*) FROM {into}")
            rows = cursor.fetchone()[0]
        raw.commit()
    finally:
        raw.close()
    return rows


def _safe(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a plain table name")
    return name
