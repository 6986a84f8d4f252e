"""Settings → Data (partitions, retention) and the read replica console reads go to."""
import contextlib
import os
import signal
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.core.db import Replica
from app.core.ops import retention
from app.extensions import db as _db
from app.extensions import upgrade
from app.models import AuditLog, Contact, Notification, RetentionPolicy
from tests import factories
from tests.helpers.console import app_with


def test_the_data_page_lists_each_table_with_its_retention(db, admin_client, config):
    factories.notification(factories.contact(), history=[("queued", None)])
    page = admin_client.get("/settings/data/").get_data(as_text=True)
    for label in ("Notifications", "Status history", "Events"):
        assert label in page
    assert f'value="{config.RETENTION_NOTIFICATIONS_DAYS}"' in page
    if db.engine.dialect.name == "postgresql":
        assert "notifications_legacy" in page and "notification_statuses_p" in page
        assert "events_legacy" in page and "events_p" in page
        assert "Events: partitions" in page


def test_changing_retention_is_validated_and_audited(db, admin_client, config):
    bad = admin_client.post("/settings/data/retention", data={"table": "history",
                                                              "days": "0"})
    assert bad.status_code == 422
    assert "a whole number of days from 1 to 3650" in bad.get_data(as_text=True)
    assert 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert db.session.get(RetentionPolicy, "history") is None

    done = admin_client.post("/settings/data/retention", data={"table": "history",
                                                               "days": "14"})
    assert done.status_code == 302
    assert retention.policies(db.session, config)["history"] == 14
    entry = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "retention.update")).one()
    assert (entry.entity_id, entry.after) == ("history", {"days": 14})
    assert admin_client.post("/settings/data/retention", data={
        "table": "contacts", "days": "5"}).status_code == 422


def test_viewers_cannot_change_retention(viewer_client):
    assert viewer_client.post("/settings/data/retention",
                              data={"table": "history", "days": "5"}).status_code == 403


@pytest.fixture(scope="module")
def replica_url(app, database_url):
    """A second database with the same schema, standing in for a replica."""
    base, name = database_url.rsplit("/", 1)
    url = f"{base}/{name}_replica"
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}_replica WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}_replica"))
    replica_app = app_with(app, SQLALCHEMY_DATABASE_URI=url)
    with replica_app.app_context():
        upgrade()
        contact = Contact(external_id="only-on-the-replica", email="r@example.com")
        _db.session.add(contact)
        _db.session.flush()
        _db.session.add(Notification(contact_id=contact.id, channel="email",
                                     category="orders", status="sent",
                                     event_id="evt-replica"))
        _db.session.commit()
        _db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}_replica WITH (FORCE)"))
    admin.dispose()


@pytest.fixture()
def with_replica(app):
    def use(url):
        old = app.extensions.pop("replica", None)
        if old is not None:
            old.close()
        app.extensions["replica"] = Replica(url)
        return app.extensions["replica"]
    yield use
    app.extensions.pop("replica").close()


@pytest.mark.postgresql  # the replica stand-in is a PostgreSQL database
def test_console_reads_come_from_the_replica(db, viewer_client, replica_url, with_replica):
    factories.notification(factories.contact(), event_id="evt-primary")
    with_replica(replica_url)
    log = viewer_client.get("/notifications/").get_data(as_text=True)
    assert "only-on-the-replica" in log and "user-1" not in log
    contacts = viewer_client.get("/contacts/?q=only-on").get_data(as_text=True)
    assert "only-on-the-replica" in contacts
    # Writes still go to the primary, and the replica refuses any.
    assert db.session.scalar(select(Contact).where(
        Contact.external_id == "only-on-the-replica")) is None
    session = Replica(replica_url).session()
    with pytest.raises(sa.exc.InternalError, match="read-only"):
        session.execute(sa.text("DELETE FROM contacts"))
    session.close()


@pytest.mark.postgresql
def test_reads_fall_back_to_the_primary_when_the_replica_is_down(db, viewer_client,
                                                                 with_replica):
    factories.contact("only-on-the-primary")
    replica = with_replica("postgresql+psycopg://postgres@127.0.0.1:9/nowhere")
    page = viewer_client.get("/contacts/?q=only-on").get_data(as_text=True)
    assert "only-on-the-primary" in page
    assert replica.session() is None  # left alone for a while, not tried on every page


@pytest.mark.postgresql
def test_a_replica_connection_the_server_ended_is_replaced_not_handed_out(replica_url):
    replica = Replica(replica_url)
    session = replica.session()
    pid = session.scalar(sa.text("SELECT pg_backend_pid()"))
    session.close()
    admin = sa.create_engine(replica_url.rsplit("/", 1)[0] + "/postgres")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    session = replica.session()
    assert session is not None  # still the replica, on a new connection
    assert session.scalar(sa.text("SELECT pg_backend_pid()")) != pid
    assert session.scalar(select(Contact.external_id)) == "only-on-the-replica"
    session.close()
    replica.close()


def test_a_replica_connection_ended_after_its_checkout_is_replaced(replica_url):
    """The server ends a pooled connection whose socket is still open at checkout: its
    backend, stopped, is told to terminate and goes on once the ping is sent. The ping
    fails, and the replica answers on a new connection instead of counting as down."""
    replica = Replica(replica_url)
    session = replica.session()
    pid = session.scalar(sa.text("SELECT pg_backend_pid()"))
    session.close()
    try:
        os.kill(pid, signal.SIGSTOP)
    except PermissionError:
        pytest.skip("the database's processes are another user's")
    try:
        admin = sa.create_engine(replica_url.rsplit("/", 1)[0] + "/postgres")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        threading.Timer(0.5, os.kill, (pid, signal.SIGCONT)).start()
        session = replica.session()  # checked out at once; its ping waits for the backend
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone once it went on
            os.kill(pid, signal.SIGCONT)
    assert session is not None  # still the replica, on a new connection
    assert session.scalar(sa.text("SELECT pg_backend_pid()")) != pid
    session.close()
    replica.close()
