"""Fixtures: real PostgreSQL (or SQLite), real Redis, the provider simulators."""
import os
from pathlib import Path

import pytest
import redis as redis_lib
import sqlalchemy as sa

from app import create_app
from app.config import Config
from app.extensions import db as _db
from app.extensions import upgrade
from tests.sandbox_client import Sandbox

PG_URL = os.environ.get("HERALD_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("HERALD_TEST_REDIS_URL", "redis://127.0.0.1:6379")
BACKEND = os.environ.get("HERALD_TEST_BACKEND", "postgresql")  # or "sqlite"


def pytest_collection_modifyitems(config, items):
    """Tests of one backend's behaviour are left out of the other backend's run (each runs
    in the pass made for it: `make test` runs both), rather than skipped."""
    other = "sqlite" if BACKEND == "postgresql" else "postgresql"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def _worker_index() -> int:
    """This process's slot: xdist worker plus 2 × HERALD_TEST_SLOT (checkouts side by side)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0) + 2 * int(os.environ.get("HERALD_TEST_SLOT", "0"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Create a fresh database for this test process and migrate it to head."""
    if BACKEND == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'herald.db'}"
    name = f"herald_test_{_worker_index()}"
    admin = sa.create_engine(f"{PG_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{PG_URL}/{name}"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    box = Sandbox(Path(tmp_path_factory.mktemp("sandbox")))
    yield box
    box.stop()


@pytest.fixture(scope="session")
def app(database_url, sandbox):
    config = Config(
        TESTING=True,
        SECRET_KEY="test-secret",
        SQLALCHEMY_DATABASE_URI=database_url,
        REDIS_URL=f"{REDIS_URL}/{1 + _worker_index() % 15}",
        WTF_CSRF_ENABLED=False,
        RETRY_BASE_SECONDS=0.01,
        RETRY_MAX_SECONDS=0.05,
        DRAIN_IDLE_MS=0,  # burst workers: a drain ends as soon as its list is empty
        QUIET_HOURS="",
        BASE_URL="http://herald.test",
        # Sent content as rendered; tests/tracking turns tracking on where it is the subject.
        TRACK_OPENS=False,
        TRACK_CLICKS=False,
        **sandbox.config_overrides(),
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table, Redis and the sandbox outbox after each test that used them."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # A test that leaks an open transaction must fail loudly, not hang the suite.
                conn.execute(sa.text("SET LOCAL lock_timeout = '15s'"))
                _empty_postgres(conn, _db.metadata.sorted_tables)
            else:
                # The log first: its keys SQLite keeps are not the models' (an ON DELETE SET
                # NULL of a device would make a campaign's rows of one contact collide).
                log_first = sorted(reversed(_db.metadata.sorted_tables),
                                   key=lambda t: not t.name.startswith(("notification", "event")))
                for table in log_first:
                    conn.execute(table.delete())
        app.extensions["redis"].flushdb()
    request.getfixturevalue("sandbox").reset()


def _empty_postgres(conn, tables) -> None:
    """Truncate the tables (a partitioned table's partitions) that have been written
    since they were last truncated, and restart the sequences that were used.

    `TRUNCATE` of every table after each test (~340 relations with the log's partitions
    and their indexes) took 0.4-0.5 s a test, several times most tests' own time, and gave
    each relation new files: half a million for PostgreSQL to fsync at one checkpoint,
    which a DROP DATABASE elsewhere in the suite then waited for (42 s). A table that has
    not been written since has no pages. What is written is still truncated, not deleted
    from: a test may read rows back in the order they were written, which a table that
    reuses the space of deleted rows does not keep. setval() restarts a sequence in place."""
    written = conn.execute(sa.text(
        "SELECT c.oid::regclass::text FROM pg_class c "
        "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
        "LEFT JOIN pg_class parent ON parent.oid = i.inhparent "
        "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace "
        "AND coalesce(parent.relname, c.relname) = ANY(:tables) "
        "AND pg_relation_size(c.oid) > 0"), {"tables": [t.name for t in tables]}).scalars().all()
    if written:  # CASCADE: the tables whose keys refer to them, though empty, go with them
        conn.execute(sa.text(f"TRUNCATE {', '.join(written)} CASCADE"))
    conn.execute(sa.text(
        "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) "
        "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"))


@pytest.fixture()
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture()
def db(app_ctx):
    return _db


@pytest.fixture()
def redis(app) -> redis_lib.Redis:
    return app.extensions["redis"]


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def config(app) -> Config:
    return app.extensions["herald_config"]
