"""Flask extensions, created unbound and initialised in create_app()."""

import redis
import uuid_utils
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from app import json_numbers, private_files


class Base(DeclarativeBase):
    pass


# JSON columns never write NaN or Infinity (JSONB cannot hold them, and SQLite's JSON
# functions fail on every row after one), and read any a row already holds as null.
db = SQLAlchemy(model_class=Base, engine_options={"json_serializer": json_numbers.dumps,
                                                  "json_deserializer": json_numbers.loads})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()


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
