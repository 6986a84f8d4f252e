"""Small database helpers that differ between PostgreSQL and SQLite."""

from datetime import datetime

from sqlalchemy import Integer, Uuid, func, literal_column
from sqlalchemy.dialects import postgresql, sqlite

# A UUIDv7 made in SQL (PostgreSQL 13+): the millisecond clock over the first 48 bits of
# a random UUID, and the version bits turned from 4 into 7. Ids stay in time order.
_PG_UUID7 = ("encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
             "substring(int8send({millis}::bigint) from 3) from 1 for 6), 52, 1), 53, 1), "
             "'hex')::uuid")
_PG_NOW_MS = "floor(extract(epoch from clock_timestamp()) * 1000)"


def dialect_insert(session, model):
    """Return an INSERT for the session's dialect, one that supports ON CONFLICT."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def insert_ignore(session, model, rows: list[dict]) -> None:
    """Bulk insert rows, skipping any that hit a unique constraint."""
    if not rows:
        return
    session.execute(dialect_insert(session, model).on_conflict_do_nothing(), rows)


def upsert(session, model, rows: list[dict], conflict: list[str], columns: list[str]) -> None:
    """Bulk insert rows; a row that hits the `conflict` key updates `columns` instead."""
    if not rows:
        return
    stmt = dialect_insert(session, model)
    stmt = stmt.on_conflict_do_update(
        index_elements=conflict, set_={name: stmt.excluded[name] for name in columns}
    )
    session.execute(stmt, rows)


def new_uuid_sql(session, at: datetime | None = None):
    """A SQL expression making a new time-ordered id per row (INSERT … SELECT); with `at`,
    ids of that time (on PostgreSQL the log is partitioned by the time in its ids)."""
    if session.get_bind().dialect.name == "postgresql":
        millis = _PG_NOW_MS if at is None else str(int(at.timestamp() * 1000))
        return literal_column(_PG_UUID7.format(millis=millis), Uuid())
    return func.herald_uuid7(type_=Uuid())  # registered on every SQLite connection


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def epoch_bucket(session, column, seconds: int):
    """The number of the `seconds`-long slice of Unix time a timestamp falls in."""
    if is_postgres(session):
        return func.floor(func.extract("epoch", column) / seconds)
    return func.cast(func.strftime("%s", column), Integer) / seconds
