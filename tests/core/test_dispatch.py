"""Dispatch: expansion, rendering and the rules applied before every send."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from app.core.delivery.dispatch import SendRequest, accept
from app.errors import ValidationFailed
from app.models import Notification, NotificationStatus, Preference, Suppression
from tests import factories


def _accept(db, redis, config, **kw):
    request = SendRequest(**{"recipients": ["user-1"], "category": "orders", **kw})
    accepted = accept(db.session, redis, config, request)
    db.session.commit()
    return {(n.channel, n.status, n.reason) for n in accepted.notifications}


def _count(db, model=Notification) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_reachable_channel_gets_a_rendered_row(db, redis, config):
    factories.category()
    contact = factories.contact(attributes={"first_name": "Ada"})
    factories.device(contact, "android", "tok-a")
    factories.device(contact, "ios", factories.APNS_TOKEN)
    factories.template()

    result = _accept(db, redis, config, template="welcome", data={"order": "A-1"})

    assert result == {("push", "queued", None), ("sms", "queued", None), ("email", "queued", None)}
    rows = db.session.scalars(select(Notification).order_by(Notification.channel)).all()
    push = [r for r in rows if r.channel == "push"]
    assert {r.provider for r in push} == {"fcm", "apns"}
    assert push[0].content == {"title": "Hi Ada", "body": "Order A-1 shipped"}
    email = next(r for r in rows if r.channel == "email")
    assert email.content["subject"] == "Order A-1"
    assert email.content["text"] == "Order A-1"  # derived from the HTML part
    assert _count(db, NotificationStatus) == 4


def test_locale_variant_falls_back_to_language(db, redis, config):
    factories.category()
    contact = factories.contact(locale="fr-CA")
    factories.device(contact)
    factories.template()
    _accept(db, redis, config, template="welcome", data={"order": "7"}, channels=["push"])
    row = db.session.scalar(select(Notification))
    assert row.content["body"] == "Commande 7 expédiée"


def test_opt_out_suppresses_but_critical_bypasses(db, redis, config):
    orders = factories.category()
    security = factories.category("security", critical=True)
    contact = factories.contact()
    for cat in (orders, security):
        db.session.add(Preference(contact_id=contact.id, category_id=cat.id, channel="sms",
                                  opted_in=False))
    db.session.commit()
    content = {"sms": {"text": "Your code is 123"}}

    assert _accept(db, redis, config, channels=["sms"], content=content) == {
        ("sms", "suppressed", "opted_out")
    }
    assert _accept(db, redis, config, channels=["sms"], content=content,
                   category="security") == {("sms", "queued", None)}


def test_an_opt_in_only_category_reaches_only_those_who_said_yes(db, redis, config):
    news = factories.category("news", default_opt_in=False)
    other = factories.category("other")
    said_yes = factories.contact("user-1", "ada@example.com")
    factories.contact("user-2", "bob@example.com")
    db.session.add_all([
        Preference(contact_id=said_yes.id, category_id=news.id, channel="email", opted_in=True),
        # a yes to another category or on another channel is not a yes to this one
        Preference(contact_id=said_yes.id, category_id=other.id, channel="sms", opted_in=True),
    ])
    db.session.commit()
    request = SendRequest(["user-1", "user-2"], "news", ["email", "sms"],
                          content={"email": {"subject": "s", "text": "t"}, "sms": {"text": "t"}})
    accepted = accept(db.session, redis, config, request)
    assert {(n.external_id, n.channel, n.status, n.reason) for n in accepted.notifications} == {
        ("user-1", "email", "queued", None), ("user-1", "sms", "suppressed", "opted_out"),
        ("user-2", "email", "suppressed", "opted_out"),
        ("user-2", "sms", "suppressed", "opted_out"),
    }


def test_a_suppressed_device_token_is_not_sent_to(db, redis, config):
    factories.category()
    contact = factories.contact()
    factories.device(contact, "android", "tok-gone")
    factories.device(contact, "android", "tok-live")
    db.session.add(Suppression(channel="push", address="tok-gone", reason="unregistered"))
    db.session.commit()
    request = SendRequest(["user-1"], "orders", ["push"], content={"push": {"title": "t"}})
    accepted = accept(db.session, redis, config, request)
    assert {(n.address, n.status, n.reason) for n in accepted.notifications} == {
        ("tok-gone", "suppressed", "suppressed_address"), ("tok-live", "queued", None)}


def test_rate_limit_suppresses_the_n_plus_first(db, redis, config):
    factories.category("marketing", rate_limits={"sms": {"limit": 3, "per_seconds": 3600}})
    factories.contact()
    content = {"sms": {"text": "Sale!"}}
    results = [
        _accept(db, redis, config, category="marketing", channels=["sms"], content=content)
        for _ in range(4)
    ]
    assert results[:3] == [{("sms", "queued", None)}] * 3
    assert results[3] == {("sms", "suppressed", "rate_limited")}


def test_suppression_list_and_missing_address_are_logged(db, redis, config):
    factories.category()
    factories.contact(phone=None)
    db.session.add(Suppression(channel="email", address="ada@example.com", reason="bounce"))
    db.session.commit()
    result = _accept(db, redis, config, channels=["sms", "email", "push"],
                     content={"sms": {"text": "x"}, "email": {"subject": "s", "text": "t"},
                              "push": {"title": "t"}})
    assert result == {("sms", "suppressed", "no_address"),
                      ("email", "suppressed", "suppressed_address"),
                      ("push", "suppressed", "no_address")}


def test_quiet_hours_hold_until_the_window_ends(db, redis, config):
    factories.category()
    factories.contact(timezone="Europe/Paris")
    config_quiet = type(config)(**{**vars(config), "QUIET_HOURS": "22:00-08:00"})
    at = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    request = SendRequest(recipients=["user-1"], category="orders", channels=["sms"],
                          content={"sms": {"text": "late"}})
    accepted = accept(db.session, redis, config_quiet, request, now=at)
    db.session.commit()
    row = accepted.notifications[0]
    assert (row.status, row.reason) == ("accepted", "quiet_hours")
    assert row.send_at == datetime(2026, 1, 11, 7, 0, tzinfo=UTC)  # 08:00 Paris


def test_future_send_at_is_held(db, redis, config):
    factories.category()
    factories.contact()
    later = datetime.now(UTC) + timedelta(hours=2)
    result = _accept(db, redis, config, channels=["sms"], content={"sms": {"text": "x"}},
                     send_at=later)
    assert result == {("sms", "accepted", None)}


@pytest.mark.parametrize(("offset", "max_days", "status"), [
    (timedelta(minutes=-4), 365, "queued"),  # clocks differ: a moment ago is now
    (timedelta(minutes=-6), 365, None),
    (timedelta(days=365), 365, "accepted"),
    (timedelta(days=365, seconds=1), 365, None),
    (timedelta(days=8), 7, None),
])
def test_send_at_must_fall_in_the_schedule_window(db, redis, config, offset, max_days, status):
    factories.category()
    factories.contact()
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    bounded = type(config)(**{**vars(config), "MAX_SCHEDULE_DAYS": max_days})
    request = SendRequest(recipients=["user-1"], category="orders", channels=["sms"],
                          content={"sms": {"text": "x"}}, send_at=now + offset)
    if status is None:
        with pytest.raises(ValidationFailed) as caught:
            accept(db.session, redis, bounded, request, now=now)
        assert caught.value.errors[0]["field"] == "/send_at"
        assert f"{max_days} days from now" in caught.value.errors[0]["message"]
        assert _count(db) == 0
    else:
        [row] = accept(db.session, redis, bounded, request, now=now).notifications
        assert row.status == status


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"recipients": ["nobody"]}, "/recipients/0"),
        ({"category": "nope"}, "/category"),
        ({"template": "missing"}, "/template"),
        ({"content": {"sms": {"text": "{{ undefined_var }}"}}, "channels": ["sms"]},
         "/content/sms/text"),
        ({"content": {"sms": {"text": "{% if %}"}}, "channels": ["sms"]}, "/content/sms/text"),
        ({"content": {"sms": {"text": "x" * 1600}}, "channels": ["sms"]}, "/content/sms/text"),
        ({"content": {"push": {"title": "x" * 5000}}, "channels": ["push"]}, "/content/push"),
    ],
)
def test_bad_requests_write_nothing(db, redis, config, kw, field):
    factories.category()
    contact = factories.contact()
    factories.device(contact)
    with pytest.raises(ValidationFailed) as err:
        _accept(db, redis, config, **{"content": {"sms": {"text": "hi"}}, **kw})
    db.session.rollback()
    assert field in [e["field"] for e in err.value.errors]
    assert _count(db) == 0


def test_template_sandbox_blocks_injection(db, redis, config):
    factories.category()
    factories.contact()
    evil = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    with pytest.raises(ValidationFailed):
        _accept(db, redis, config, channels=["sms"], content={"sms": {"text": evil}})


@pytest.mark.postgresql
def test_a_single_recipient_is_read_on_one_reused_plan(db, redis, config):
    """One recipient's read runs on PostgreSQL's generic plan of the prepared statement,
    not on a plan made anew for each send."""
    factories.category()
    factories.contact()
    request = SendRequest(["user-1"], "orders", ["email"],
                          content={"email": {"subject": "Hi", "text": "Hi"}})
    for _ in range(12):  # one transaction, one connection: prepared after 5 runs, and
        accept(db.session, redis, config, request)  # a generic plan weighed after 5 more
    plans = db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE statement LIKE '%FROM contacts LEFT OUTER JOIN categories%'")).all()
    assert plans and all(generic > 0 for generic, _ in plans), plans


@pytest.mark.postgresql
def test_many_recipients_are_read_on_a_generic_plan_that_never_scans_the_list(db, redis,
                                                                              config):
    """Many recipients' read on the generic plan (which a connection's prepared statement
    may run on after five sends) finds the contacts without comparing each one with every
    recipient in turn (a filter `= ANY(...)`: PostgreSQL hashes only an array written in
    the query, so a send of 1,000 made a million comparisons over 1,000 contacts)."""
    factories.category()
    for i in range(1, 4):
        factories.contact(f"user-{i}", f"u{i}@example.com", f"+1415555010{i}")
    request = SendRequest(["user-1", "user-2", "user-3"], "orders", ["email"],
                          content={"email": {"subject": "Hi", "text": "Hi"}})
    for _ in range(6):  # one transaction, one connection: prepared after 5 runs
        accepted = accept(db.session, redis, config, request)
        assert {n.external_id for n in accepted.notifications} == set(request.recipients)
    name, types = db.session.execute(text(
        "SELECT name, parameter_types::text[] FROM pg_prepared_statements "
        "WHERE statement LIKE '%categories.key%'")).one()
    values = ", ".join("'{user-1}'" if t.endswith("[]") else "'x'" for t in types)
    db.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    plan = db.session.execute(text(f"EXPLAIN EXECUTE {name}({values})")).scalars().all()
    assert not [line for line in plan if "Filter" in line and "ANY" in line], plan
