"""What one single-recipient send costs the database: statements counted, not timed."""
from sqlalchemy import event

from app.extensions import db
from app.queues import queue

SMS = {"recipients": ["user-1"], "category": "orders", "channels": ["sms"],
       "content": {"sms": {"text": "Order {{ order }} shipped"}}, "data": {"order": "A-1"}}
# the category with the contact, its suppressions and choices; the rows with their history
# (one statement on PostgreSQL, two elsewhere)
MAX_STATEMENTS = {"postgresql": 2, "sqlite": 3}


def statements_of(app, fn) -> list[str]:
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_single_send_takes_a_bounded_number_of_statements(app, client, auth, ada, redis):
    def post():
        assert client.post("/api/v1/notifications", json=SMS, headers=auth).status_code == 202

    post()  # the key is checked once, then remembered
    seen = statements_of(app, post)
    with app.app_context():
        dialect = db.engine.dialect.name
    assert len(seen) <= MAX_STATEMENTS[dialect], seen
    assert not any("api_keys" in s for s in seen)
    # the rows go in by a statement counted here (a COPY would not be, and costs four
    # round trips for the two tables)
    assert any("INSERT INTO notifications " in s for s in seen), seen
    assert queue(redis, "sms").count == 1  # both sends wait for one drain


def test_a_revoked_key_is_refused_at_once(app, client, auth, ada, make_key):
    from app.core.access.api_keys import revoke_api_key
    from app.core.access.audit import SYSTEM
    from app.models import ApiKey

    key_id, headers = make_key(name="to revoke")
    assert client.post("/api/v1/notifications", json=SMS, headers=headers).status_code == 202
    with app.app_context():
        assert revoke_api_key(db.session, key_id, actor=SYSTEM)
        db.session.commit()
        assert db.session.get(ApiKey, key_id).revoked_at is not None
    assert client.post("/api/v1/notifications", json=SMS, headers=headers).status_code == 401
