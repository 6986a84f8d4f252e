"""Deleting a contact clears it from the log: the log keeps no foreign key to contacts or
devices on PostgreSQL, so the code that deletes one does it, and a send racing an erasure
either commits first (and its rows are cleared) or finds no contact."""
import threading
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.core.access.audit import SYSTEM
from app.core.contacts.store import erase_contact
from app.core.delivery.dispatch import SendRequest, accept
from app.errors import ValidationFailed
from app.extensions import db as db_
from app.models import Contact, Device, Notification
from tests import factories

REQUEST = SendRequest(["user-1"], "orders", ["email"],
                      content={"email": {"subject": "Hi", "text": "Hello"}})


def log(db) -> list:
    return db.session.execute(select(Notification.contact_id, Notification.address)
                              .order_by(Notification.created_at)).all()


def test_erasing_a_contact_clears_its_id_and_devices_from_its_log_rows(db):
    factories.category()
    ada = factories.contact("user-1")
    bob = factories.contact("user-2", email="bob@example.com", phone="+14155550101")
    phone = factories.device(ada, token="fcm-ada")
    factories.notification(ada, address="ada@example.com")
    factories.notification(ada, channel="sms", address="+14155550100")
    factories.notification(ada, channel="push", address="fcm-ada", device_id=phone.id)
    kept = factories.device(bob, token="fcm-bob")
    factories.notification(bob, address="bob@example.com")
    factories.notification(bob, channel="push", address="fcm-bob", device_id=kept.id)
    bob_id, kept_id = bob.id, kept.id

    erase_contact(db.session, "user-1", actor=SYSTEM)
    db.session.commit()

    rows = db.session.execute(select(Notification.contact_id, Notification.device_id,
                                     Notification.address)).all()
    assert sorted(rows, key=str) == sorted(
        [(None, None, None)] * 3 + [(bob_id, None, "bob@example.com"),
                                    (bob_id, kept_id, "fcm-bob")], key=str)
    assert db.session.scalars(select(Device.id)).all() == [kept_id]


def _waiting_on_a_lock(db, statement: str) -> bool:
    """Whether another session waits on a lock in a statement that starts with `statement`
    (within 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            if conn.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE :like AND datname = current_database()"),
                    {"like": f"{statement}%"}):
                return True
        time.sleep(0.02)
    return False


def _in_thread(app, work) -> tuple[threading.Thread, list]:
    outcome = []

    def run():
        with app.app_context(), Session(db_.engine) as session:
            try:
                outcome.append(work(session))
                session.commit()
            except Exception as exc:  # noqa: BLE001 - the test looks at it
                outcome.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.postgresql
def test_an_erasure_waits_for_a_send_that_read_the_contact_then_clears_its_rows(
        app, db, redis, config):
    factories.category()
    factories.contact("user-1")
    with Session(db.engine) as sending:
        accept(sending, redis, config, REQUEST)  # read (and locked) the contact, uncommitted
        thread, outcome = _in_thread(
            app, lambda session: erase_contact(session, "user-1", actor=SYSTEM))
        assert _waiting_on_a_lock(db, "SELECT contacts.id, contacts.email, contacts.phone")
        sending.commit()
    thread.join(20)
    assert outcome == [[]]  # no tracked link to drop from the cache
    assert log(db) == [(None, None)]


@pytest.mark.postgresql
def test_a_send_after_an_erasure_began_finds_no_contact(app, db, redis, config):
    factories.category()
    factories.contact("user-1")
    with Session(db.engine) as erasing:
        erase_contact(erasing, "user-1", actor=SYSTEM)  # uncommitted
        thread, outcome = _in_thread(app, lambda session: accept(session, redis, config, REQUEST))
        assert _waiting_on_a_lock(db, "SELECT contacts.id, contacts.external_id")
        erasing.commit()
    thread.join(20)
    assert isinstance(outcome[0], ValidationFailed)
    assert log(db) == [] and db.session.scalar(select(Contact)) is None
