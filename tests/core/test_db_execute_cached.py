"""app.core.db.execute_cached: a cached statement on the session's driver connection (PostgreSQL),
with SQLAlchemy's results, defaults and errors."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app.core.db import execute_cached
from app.models import Category, Contact
from tests import factories

CONTACTS = Contact.__table__
NAMED = sa.select(CONTACTS.c.id, CONTACTS.c.external_id, sa.literal("x").label("mark")).where(
    CONTACTS.c.external_id == sa.bindparam("external_id"))
ADD_CATEGORY = sa.insert(Category.__table__).values(
    key=sa.bindparam("key"), name=sa.bindparam("name"), rate_limits={"sms": {"limit": 1}})


def test_rows_name_their_columns_as_execute_does(db):
    contact = factories.contact()
    rows = execute_cached(db.session, NAMED, {"external_id": "user-1"})
    assert [(r.id, r.external_id, r.mark) for r in rows] == [(contact.id, "user-1", "x")]
    assert execute_cached(db.session, NAMED, {"external_id": "nobody"}) == []


def test_a_write_joins_the_session_transaction_and_keeps_column_defaults(db):
    assert execute_cached(db.session, ADD_CATEGORY, {"key": "news", "name": "News"}) == []
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Category)) == 0
    execute_cached(db.session, ADD_CATEGORY, {"key": "news", "name": "News"})
    db.session.commit()
    news = db.session.scalar(sa.select(Category))
    assert (news.key, news.critical, news.default_opt_in) == ("news", False, True)
    assert news.rate_limits == {"sms": {"limit": 1}}


@pytest.mark.postgresql
def test_a_default_made_per_execution_must_be_given(db):
    statement = sa.insert(Category.__table__).values(key="news", name="News")  # rate_limits
    with pytest.raises(ValueError, match="rate_limits"):
        execute_cached(db.session, statement, {})


def test_errors_are_sqlalchemy_errors(db):
    execute_cached(db.session, ADD_CATEGORY, {"key": "news", "name": "News"})
    with pytest.raises(IntegrityError):
        execute_cached(db.session, ADD_CATEGORY, {"key": "news", "name": "News again"})
    db.session.rollback()


@pytest.mark.postgresql
def test_a_connection_the_server_ended_is_invalidated(db):
    factories.contact()
    pid = db.session.scalar(sa.select(sa.func.pg_backend_pid()))
    with db.engine.connect() as other:
        assert other.scalar(sa.select(sa.func.pg_terminate_backend(pid)))
    with pytest.raises(OperationalError) as raised:  # what the API answers 503 to
        execute_cached(db.session, NAMED, {"external_id": "user-1"})
    assert raised.value.connection_invalidated
    db.session.rollback()
    rows = execute_cached(db.session, NAMED, {"external_id": "user-1"})  # a new connection
    assert len(rows) == 1
