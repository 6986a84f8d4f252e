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
        tables = [t.name for t in _db.metadata.sorted_tables]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # A test that leaks an open transaction must fail loudly, not hang the suite.
                conn.execute(sa.text("SET LOCAL lock_timeout = '15s'"))
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                # The log first: its keys SQLite keeps are not the models' (an ON DELETE SET
                # NULL of a device would make a campaign's rows of one contact collide).
                log_first = sorted(reversed(_db.metadata.sorted_tables),
                                   key=lambda t: not t.name.startswith(("notification", "event")))
                for table in log_first:
                    conn.execute(table.delete())
        app.extensions["redis"].flushdb()
    request.getfixturevalue("sandbox").reset()


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
