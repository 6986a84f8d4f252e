"""API fixtures: keys made through app.core.access.api_keys, and database reads in a fresh session.

Requests run without an outer app context so each one gets (and cleans up) its own
session, as in production; tests read the database through `in_db`.
"""
import pytest
import sqlalchemy as sa

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.extensions import db as _db
from tests import factories


@pytest.fixture()
def in_db(app):
    """Run fn(session) in its own app context and session; fn commits if it writes.

    Rows returned stay readable (loaded attributes) after the session is closed.
    """

    def run(fn):
        with app.app_context():
            try:
                return fn(_db.session)
            finally:
                _db.session.remove()

    return run


@pytest.fixture()
def make_key(in_db):
    """Create an API key; return (key id, Authorization headers)."""

    def make(scopes=("send", "manage"), name="tests"):
        def create(session):
            key, token = create_api_key(session, name, list(scopes), actor=SYSTEM)
            session.commit()
            return key.id, token

        key_id, token = in_db(create)
        return key_id, {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture()
def auth(make_key) -> dict:
    """Headers of a key with both scopes."""
    return make_key()[1]


@pytest.fixture()
def counts(app):
    """Return {table: row count} for every table, read outside any request session."""

    def count() -> dict:
        with app.app_context(), _db.engine.connect() as conn:
            return {
                table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
                for table in _db.metadata.sorted_tables
            }

    return count


@pytest.fixture()
def seed(app):
    """Run tests.factories calls in an app context, e.g. seed(factories.category)."""

    def run(factory, *args, **kwargs):
        with app.app_context():
            row = factory(*args, **kwargs)
            row_id = row.id
            _db.session.remove()
            return row_id

    return run


@pytest.fixture()
def ada(seed):
    """The categories "orders" and "marketing", contact user-1, and the "welcome" template."""
    seed(factories.category, "orders")
    seed(factories.category, "marketing", default_opt_in=False)
    seed(factories.contact, attributes={"first_name": "Ada"})
    seed(factories.template)
