"""Small database helpers that differ between PostgreSQL and SQLite."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import psycopg
from psycopg import postgres
from psycopg import sql as psql
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    JSON,
    Integer,
    Uuid,
    any_,
    bindparam,
    cast,
    create_engine,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import json_numbers

# A UUIDv7 made in SQL (PostgreSQL 13+): the millisecond clock over the first 48 bits of
# a random UUID, and the version bits turned from 4 into 7. Ids stay in time order.
_PG_UUID7 = ("encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
             "substring(int8send({millis}::bigint) from 3) from 1 for 6), 52, 1), 53, 1), "
             "'hex')::uuid")
_PG_NOW_MS = "floor(extract(epoch from clock_timestamp()) * 1000)"


def dialect_insert(session, model):
    """Return an INSERT for the session's dialect, one that supports ON CONFLICT."""
    dialect = postgresql if is_postgres(session) else sqlite
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
    if is_postgres(session):
        millis = _PG_NOW_MS if at is None else str(int(at.timestamp() * 1000))
        return literal_column(_PG_UUID7.format(millis=millis), Uuid())
    return func.herald_uuid7(type_=Uuid())  # registered on every SQLite connection


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def one_of(session, column, values: list):
    """`column IN values`; on PostgreSQL `column = ANY(:array)`, one parameter whatever the
    number of values (a thousand bound parameters cost more to render and parse than
    the query)."""
    if not is_postgres(session):
        return column.in_(values)
    array = ARRAY(column.type)
    return column == any_(cast(bindparam(None, values, type_=array), array))


def execute_cached(session, statement, params: dict) -> list:
    """Execute a statement built once (cached by the caller) in the session's transaction;
    return its rows, which name their columns as attributes.

    On PostgreSQL it is compiled once per process and runs on the session's driver
    connection: the send path's statements skip SQLAlchemy's work per execution (cache
    look-up, execution context, result objects), about half of their CPU in the web
    process. Errors still come out as SQLAlchemy's, and a connection the server dropped
    is invalidated, as through session.execute(). Elsewhere, and while anything listens
    to the statements SQLAlchemy executes (tracing, counts), it is session.execute().
    """
    engine = session.get_bind()
    events = engine.dispatch
    if engine.dialect.name != "postgresql" or events.before_cursor_execute or \
            events.after_cursor_execute:
        result = session.execute(statement, params)
        return result.all() if result.returns_rows else []
    session.flush()  # pending ORM changes first, as session.execute() would
    connection = session.connection()
    compiled = _compiled(statement, connection.dialect)
    values = {**compiled.constants, **{
        name: compiled.processors[name](value) if name in compiled.processors else value
        for name, value in params.items()}}
    driver = connection.connection.driver_connection
    try:
        with driver.cursor(row_factory=compiled.rows) as cursor:
            cursor.execute(compiled.sql, values)
            return cursor.fetchall() if compiled.returns_rows else []
    except psycopg.Error as exc:
        gone = connection.dialect.is_disconnect(exc, driver, None)
        if gone:
            connection.invalidate(exc)
        raise DBAPIError.instance(compiled.sql, values, exc, psycopg.Error,
                                  connection_invalidated=gone,
                                  dialect=connection.dialect) from exc


@dataclass(frozen=True)
class _Compiled:
    sql: str
    constants: dict  # the values bound in the statement itself, ready for the driver
    processors: dict[str, Callable]  # parameter name → its type's conversion, if any
    returns_rows: bool  # a SELECT's or a RETURNING's (not the key an INSERT reports)
    row_makers: list = field(default_factory=list)  # its rows' namedtuple, made once

    def rows(self, cursor):
        """psycopg's row factory: the statement's columns never change, so its rows'
        namedtuple is made on the first execution (psycopg's namedtuple_row reads and
        decodes every column's name on each one)."""
        if not self.row_makers:
            self.row_makers.append(namedtuple_row(cursor))
        return self.row_makers[0]


@lru_cache(maxsize=64)
def _compiled(statement, dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    constants, processors = {}, {}
    for bind, name in compiled.bind_names.items():
        name = compiled.escaped_bind_names.get(name, name)
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
        if not bind.required:
            value = bind.effective_value
            constants[name] = processor(value) if processor else value
    # Columns left to their Python defaults (and onupdate values).
    prefetch = [*((c, c.default) for c in compiled.insert_prefetch),
                *((c, c.onupdate) for c in compiled.update_prefetch)]
    for column, default in prefetch:
        if not default.is_scalar:
            raise ValueError(f"give {column.key} a value: its default is made per execution")
        processor = processors.get(column.key)
        constants[column.key] = processor(default.arg) if processor else default.arg
    dml = compiled.isinsert or compiled.isupdate or compiled.isdelete
    returns_rows = bool(not dml or compiled.effective_returning) and \
        not compiled.implicit_returning
    return _Compiled(compiled.string, constants, processors, returns_rows)


def copy_rows(session, table, rows: list, columns: tuple[str, ...] | None = None) -> None:
    """PostgreSQL: COPY rows into a table, inside the session's transaction, as an INSERT
    of them would: the columns' Python defaults fill the keys left out, JSON is dumped by
    the app. Rows are dicts with the same keys, or tuples of the values of `columns`. The
    fastest way in for many rows (no statement to parse, no parameters); binary, so
    neither side formats or parses text for a uuid, a number or a time."""
    if not rows:
        return
    tuples = columns is not None
    keys = list(columns if tuples else rows[0])
    defaults = [c.default for c in table.c if c.default is not None and c.key not in keys]
    columns = (*keys, *(d.column.key for d in defaults))
    json_at = [i for i, k in enumerate(columns) if isinstance(table.c[k].type, JSON)]
    statement = psql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        psql.Identifier(table.name), psql.SQL(", ").join(map(psql.Identifier, columns)))
    dumped: dict[int, str] = {}  # a value many rows share (rendered once) is dumped once
    with session.connection().connection.driver_connection.cursor() as cursor:
        cursor.adapters.register_dumper(str, _DumpedJsonb)  # this cursor's JSON: dumped here
        with cursor.copy(statement) as copy:
            copy.set_types(_pg_types(table, columns))
            for row in rows:
                values = list(row) if tuples else list(row.values())
                if defaults:
                    values += [d.arg if d.is_scalar else d.arg(None) for d in defaults]
                for i in json_at:
                    if (value := values[i]) is not None:
                        values[i] = dumped.get(id(value)) or dumped.setdefault(
                            id(value), json_numbers.dumps(value))
                copy.write_row(values)


def copy_csv(session, table, columns: tuple[str, ...], data: bytes) -> None:
    """PostgreSQL: COPY CSV (made by the caller, in `columns`' order) into a table,
    inside the session's transaction, in one write."""
    statement = psql.SQL("COPY {} ({}) FROM STDIN (FORMAT CSV)").format(
        psql.Identifier(table.name), psql.SQL(", ").join(map(psql.Identifier, columns)))
    with (session.connection().connection.driver_connection.cursor() as cursor,
          cursor.copy(statement) as copy):
        copy.write(data)


class _DumpedJsonb(Dumper):
    """JSON the app dumped, in PostgreSQL's binary jsonb form: a version byte, the text."""

    format = Format.BINARY
    oid = postgres.types["jsonb"].oid

    def dump(self, obj: str) -> bytes:
        return b"\x01" + obj.encode()


@lru_cache(maxsize=64)
def _pg_types(table, columns: tuple[str, ...]) -> list[str]:
    """The PostgreSQL type names of a table's columns ("varchar", "timestamp with time
    zone"), as a binary COPY needs them."""
    dialect = postgresql.dialect()
    return [re.sub(r"\(.*\)", "", table.c[c].type.compile(dialect=dialect)).lower()
            for c in columns]


def epoch_bucket(session, column, seconds: int):
    """The number of the `seconds`-long slice of Unix time a timestamp falls in."""
    if is_postgres(session):
        return func.floor(func.extract("epoch", column) / seconds)
    return func.cast(func.strftime("%s", column), Integer) / seconds


class Replica:
    """A read replica: a session on it while it answers, else None (the caller reads the
    primary). A replica that failed a ping is left alone for RETRY_SECONDS; its sessions
    are read-only, so a write sent there by mistake fails instead of forking the data."""

    RETRY_SECONDS = 30.0

    def __init__(self, url: str, engine_options: dict | None = None, clock=time.monotonic):
        read_only = {"options": "-c default_transaction_read_only=on", "connect_timeout": 2} \
            if url.startswith("postgresql") else {}
        # Its pooled connections are checked at checkout as the primary's are (extensions).
        self.engine = create_engine(url, connect_args=read_only, **(engine_options or {}))
        self._sessions = sessionmaker(bind=self.engine)
        self._clock = clock
        self._down_until = 0.0

    def session(self) -> Session | None:
        """A new session on the replica, or None while it is down. A pooled connection
        the server has just ended can pass the checkout check (its socket not closed yet):
        its failed ping drops it, and one more try takes a new connection."""
        if self._clock() < self._down_until:
            return None
        for _ in range(2):
            session = self._sessions()
            try:
                session.execute(text("SELECT 1"))
                return session
            except OperationalError as exc:
                session.close()
                if not exc.connection_invalidated:
                    break
        self._down_until = self._clock() + self.RETRY_SECONDS
        return None

    def close(self) -> None:
        self.engine.dispose()
