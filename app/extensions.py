"""Flask extensions, created unbound and initialised in create_app()."""

import select
import time

import psycopg
import redis
import uuid_utils
from flask import current_app
from flask.cli import AppGroup
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from psycopg.types.array import ListBinaryDumper
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

from app import json_numbers, private_files


class Base(DeclarativeBase):
    pass


# Python lists (array parameters: a batch's ids, statuses, addresses) go to PostgreSQL in
# the binary array format: psycopg's text format quotes each element in Python, about
# 1.2 ms per thousand ids, a fifth of a delivery batch's CPU; binary takes a tenth of that.
psycopg.adapters.register_dumper(list, ListBinaryDumper)


# JSON columns never write NaN or Infinity (JSONB cannot hold them, and SQLite's JSON
# functions fail on every row after one), and read any a row already holds as null.
db = SQLAlchemy(model_class=Base, engine_options={"json_serializer": json_numbers.dumps,
                                                  "json_deserializer": json_numbers.loads})
# A pooled PostgreSQL connection idle longer than this is pinged before use (see
# _alive_at_checkout); one used moments ago is not, unless the server spoke on it.
IDLE_PING_SECONDS = 30.0
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()


def init_migrations(app) -> None:
    """Flask-Migrate on the app (`flask db …`, upgrade(), downgrade()), made in the
    processes that migrate: alembic, mako and pygments behind it took 8 MB of every web,
    hit and channel worker process's memory."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(app.root_path + "/../migrations"))


class Commands(AppGroup):
    """The app's `flask …` commands, Flask-Migrate's `db` made when it is asked for."""

    def get_command(self, ctx, name):
        if name == "db":  # FlaskGroup has pushed the app's context
            init_migrations(current_app)
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), "db"})


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database up to `revision`."""
    _migrations().upgrade(revision=revision)


def downgrade(revision: str) -> None:
    """Migrate the current app's database down to `revision`."""
    _migrations().downgrade(revision=revision)


def _migrations():
    """Flask-Migrate's functions, on the current app."""
    init_migrations(current_app)
    import flask_migrate

    return flask_migrate


@event.listens_for(Engine, "do_connect")
def _private_sqlite_file(dialect, _record, cargs, cparams):
    """Have the SQLite file made 0600 before SQLite opens it (its -wal/-shm follow)."""
    if dialect.name == "sqlite" and cargs and not cparams.get("uri"):
        private_files.prepare_sqlite_file(cargs[0])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Give SQLite WAL, foreign keys and a busy timeout (PostgreSQL ignores this)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
        # What PostgreSQL computes in SQL (app.core.db.new_uuid_sql): a UUIDv7, as stored.
        dbapi_connection.create_function("herald_uuid7", 0, lambda: uuid_utils.uuid7().hex)


def redis_from_url(url: str) -> redis.Redis:
    """Return a Redis client with timeouts, so an outage fails fast instead of hanging."""
    return redis.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=30
    )


def init_redis(app) -> None:
    """Attach one Redis connection pool to the app."""
    app.extensions["redis"] = redis_from_url(app.config["REDIS_URL"])


@event.listens_for(Pool, "checkin")
def _stamp_checkin(_dbapi_connection, record):
    record.info["checked_in"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _alive_at_checkout(dbapi_connection, record, _proxy):
    """Hand out only live PostgreSQL connections, without pool_pre_ping's round trip on
    every checkout: a server that restarts or ends a session says so on the socket before
    closing it, so a connection is pinged only when its idle socket has something to read,
    or when it sat idle past IDLE_PING_SECONDS (a network may drop those silently). A
    failed ping makes the pool replace the connection (DisconnectionError), as a pre-ping
    does; a connection just opened is not pinged."""
    pgconn = getattr(dbapi_connection, "pgconn", None)
    checked_in = record.info.get("checked_in")
    if pgconn is None or checked_in is None:
        return  # SQLite, or a new connection
    try:
        idle = time.monotonic() - checked_in
        if idle < IDLE_PING_SECONDS and not _readable(pgconn.socket):
            return
        _ping(dbapi_connection)
    except psycopg.Error as error:
        raise exc.DisconnectionError(f"the connection is gone: {error}") from error


def _readable(fd: int) -> bool:
    """Whether the server sent something on an idle connection (a goodbye, or its end)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _ping(dbapi_connection) -> None:
    """One round trip outside any transaction (the pool hands out a connection idle)."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SELECT 1")
    finally:
        dbapi_connection.autocommit = autocommit
