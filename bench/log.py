"""`python -m bench log --notifications 5000000`: the send path and the console on a large
log against an empty one, in alternating rounds; and rolling up and dropping a day of it
during sends.

The log is generated in SQL (generate_series, INSERT … SELECT into each day partition):
--notifications rows over --days days, three history rows each (queued, sent, delivered),
a tenth of each day one campaign run's (sent within an hour, side by side, as a fan-out
writes them), and events on 40% of them (opens, a twentieth by machines, and clicks) in
the events' day partitions. The target size is 50M notifications and 150M history rows;
on a small machine pass fewer and say so next to the figures.
"""
import argparse
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from app.channels.pool import ProviderPool
from app.config import Config
from app.core.access import operators
from app.core.analytics import funnel
from app.core.delivery.deliver import deliver_batch
from app.core.delivery.dispatch import SendRequest, accept
from app.core.ops import (
    engagement_rollups,
    event_rollups,
    partitions,
    retention,
    template_rollups,
)
from app.extensions import db, upgrade
from app.models import (
    Category,
    Contact,
    EventRollup,
    Notification,
    Template,
    TemplateVersion,
)
from app.models.types import utcnow
from bench.common import DATABASE, PG, REDIS, fresh_app, timed
from tests.sandbox_client import Sandbox

RUN_ID = 1  # each day's tenth is one run, numbered by days ago: this is yesterday's
PASSWORD = "bench password, long enough"
# A UUIDv7 made in SQL at a given millisecond (the column `ms`).
UUID7_AT = ("encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
            "substring(int8send(({ms})::bigint) from 3) from 1 for 6), 52, 1), 53, 1), "
            "'hex')::uuid")


def seed(contacts: int) -> None:
    db.session.execute(sa.text(
        "INSERT INTO contacts (external_id, phone, email, attributes, tags, created_at, "
        "updated_at) SELECT 'bench-' || i, '+1415' || lpad(i::text, 7, '0'), "
        "'bench-' || i || '@example.com', '{}', '[]', now(), now() "
        "FROM generate_series(1, :n) i"), {"n": contacts})
    db.session.add(Category(key="orders", name="Orders", quiet_hours=False))
    receipt = Template(key="receipt", name="Receipt", category="orders")
    db.session.add(receipt)
    db.session.flush()
    db.session.add(TemplateVersion(template_id=receipt.id, version=1, status="published",
                                   content={"en": {"sms": {"text": "Receipt"}}}))
    operators.create_operator(db.session, "bench@example.com", "admin", "Bench", PASSWORD)
    db.session.commit()


def day_partitions(days: int) -> None:
    """A partition per day from `days` ago to a week ahead (the fresh database's converted
    partition is empty: it goes, so past days can have their own)."""
    conn = db.session.connection()
    for table in partitions.TABLES:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}_legacy"))
    today = utcnow().date()
    for offset in range(-days, partitions.AHEAD_DAYS + 1):
        for table in partitions.TABLES:
            partitions.create_day(conn, table, today + timedelta(days=offset))
    db.session.commit()


def generate(total: int, days: int, contacts: int) -> float:
    """Fill the past days' partitions; return the seconds it took."""
    per_day = total // days
    today = utcnow().date()
    start = time.perf_counter()
    with db.engine.connect() as conn:
        conn.execute(sa.text("SET synchronous_commit = off"))
        for offset in range(days, 0, -1):
            day = today - timedelta(days=offset)
            base = int(partitions.day_start(day).timestamp() * 1000)
            step = max(1, 86_400_000 // per_day)
            # The first tenth is the day's campaign run, sent within an hour from 10:00 as a
            # fan-out writes it (its rows side by side); the rest spread over the day.
            run = per_day // 10
            ms = (f"CASE WHEN i < {run} THEN {base + 36_000_000} + i * "
                  f"{max(1, 3_600_000 // max(run, 1))} ELSE {base} + i * {step} END")
            conn.execute(sa.text(
                "INSERT INTO notifications (id, source, campaign_id, campaign_run_id, "
                "variant, contact_id, channel, category, address, provider, status, "
                "attempts, created_at, updated_at, sent_at, delivered_at, "
                "template_version_id) SELECT "
                f"{UUID7_AT.format(ms=ms)}, 'api', "
                f"CASE WHEN i < {run} THEN {offset} END, CASE WHEN i < {run} THEN "
                f"{offset} END, CASE WHEN i < {run} THEN i % 2 END, 1 + i % :contacts, "
                " 'sms', 'orders', '+14155550000', 'twilio', "
                "(ARRAY['delivered','delivered','delivered','sent','failed'])[1 + i % 5], "
                f"1, to_timestamp(({ms}) / 1000.0), to_timestamp(({ms}) / 1000.0), "
                f"to_timestamp(({ms}) / 1000.0), to_timestamp(({ms}) / 1000.0), "
                f"CASE WHEN i >= {run} THEN (SELECT min(id) FROM template_versions) END "
                "FROM generate_series(0, :n - 1) i"), {"n": per_day, "contacts": contacts})
            name = partitions.partition_name("notifications", day)
            conn.execute(sa.text(
                "INSERT INTO notification_statuses (notification_id, status, attempt, at) "
                f"SELECT n.id, s.status, 1, n.created_at FROM {name} n CROSS JOIN "
                "(VALUES ('queued'), ('sent'), ('delivered')) s(status)"))
            conn.execute(sa.text(EVENTS.format(
                id=UUID7_AT.format(ms="floor(extract(epoch from n.created_at) * 1000) + 1000"),
                partition=name)))
            conn.commit()
        for table in partitions.TABLES:
            conn.execute(sa.text(f"ANALYZE {table.name}"))
        conn.commit()
    return time.perf_counter() - start


# Events on 40% of a day's notifications, a second after each: opens (a twentieth by a
# machine) and, on a quarter of them, clicks on one of five links; carrying the
# notification's run and variant.
EVENTS = """
INSERT INTO events (id, notification_id, contact_id, campaign_run_id, variant, channel,
                    provider, kind, url, machine, reason, at)
SELECT {id}, n.id, n.contact_id, n.campaign_run_id, n.variant, n.channel, n.provider,
       k.kind, CASE WHEN k.kind = 'clicked' THEN 'https://shop.example/' || n.h % 5 END,
       k.kind = 'opened' AND h % 20 = 0,
       CASE WHEN k.kind = 'opened' AND h % 20 = 0 THEN 'apple_mpp' END,
       n.created_at + interval '1 second'
FROM (SELECT *, abs(hashtext(id::text)) AS h FROM {partition}) n
JOIN (VALUES ('opened', 10, 4), ('clicked', 10, 1)) AS k(kind, every, under)
  ON n.h % k.every < k.under
"""


def accept_p50(app, sends: int) -> float:
    """Milliseconds one single-recipient send takes to be accepted (p50)."""
    redis, config = app.extensions["redis"], app.extensions["herald_config"]
    request = SendRequest(recipients=["bench-7"], category="orders", channels=["sms"],
                          content={"sms": {"text": "Order {{ order }} shipped"}},
                          data={"order": "1"})
    took = []
    accept(db.session, redis, config, request)  # warm: the first send's caches are not counted
    db.session.commit()
    for _ in range(sends):
        start = time.perf_counter()
        accept(db.session, redis, config, request)
        db.session.commit()
        took.append(time.perf_counter() - start)
    return statistics.median(took) * 1000


def worker_rate(app, batches: int) -> float:
    """SMS/s the worker delivers (claim, render, send to the simulator, write back)."""
    redis, config = app.extensions["redis"], app.extensions["herald_config"]
    request = SendRequest(recipients=[f"bench-{i}" for i in range(1, 501)], category="orders",
                          channels=["sms"], content={"sms": {"text": "Order shipped"}})
    pool = ProviderPool(config)
    total = 0.0
    sent = 0
    for batch in range(batches + 1):  # the first batch warms the pool, caches and simulator
        accept(db.session, redis, config, request)
        db.session.commit()
        ids = [str(i) for i in db.session.scalars(sa.select(Notification.id).where(
            Notification.status == "queued", Notification.created_at > utcnow()
            - timedelta(minutes=10)).limit(500))]
        took = timed(lambda ids=ids: deliver_batch(db.session, redis, config, pool, "sms", ids))
        if batch:
            total += took
            sent += len(ids)
    pool.close()
    return sent / total


def pages_p50(app, repeat: int) -> dict[str, float]:
    """Milliseconds (p50) the log page, a contact's page and a campaign's funnel take."""
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
    contact_id = db.session.scalar(sa.select(Contact.id).where(Contact.external_id == "bench-7"))
    checks = {
        "log page": lambda: client.get("/notifications/"),
        "log page, sms delivered": lambda: client.get("/notifications/?channel=sms"
                                                      "&status=delivered"),
        "contact history page": lambda: client.get(f"/contacts/{contact_id}"),
        "campaign funnel": lambda: funnel.breakdown(db.session, [RUN_ID]),
    }
    found = {}
    for name, check in checks.items():
        check()  # warm
        found[name] = statistics.median(timed(check) for _ in range(repeat)) * 1000
        db.session.rollback()
    return found


def roll_up_oldest_day() -> tuple[dict[str, float], int]:
    """Seconds each roll-up takes on the oldest day, as retention runs them before it drops
    the day: the events' (daily counts, the charts' slices and links, the templates'), then
    the messages' opens and clicks per template; and the events counted."""
    conn = db.session.connection()
    part = partitions.partitions(conn, "events")[0]
    within = retention.id_range(part)
    retention.without_jit(db.session)
    took = {name: timed(lambda roll=roll: roll(db.session, within, source=part.name))
            for name, roll in (("event_rollups", event_rollups.roll_up),
                               ("slices and links", engagement_rollups.roll_up),
                               ("templates (events)", template_rollups.roll_up_events))}
    sent = partitions.partitions(conn, "notifications")[0]
    took["templates (messages)"] = timed(lambda: retention.roll_up_templates(db.session, sent))
    db.session.commit()
    return took, db.session.scalar(sa.select(sa.func.sum(EventRollup.events)))


def drop_oldest_day(app, table: str) -> tuple[float, float, int]:
    """Seconds to detach and drop the table's oldest day, with sends going on meanwhile:
    the slowest send's ms during the drop, and the sends that failed."""
    part = partitions.partitions(db.session.connection(), table)[0]
    db.session.commit()
    slowest, failed, stop = [0.0], [0], threading.Event()

    def sends():
        with app.app_context():
            while not stop.is_set():
                try:
                    slowest[0] = max(slowest[0], accept_p50(app, 1))
                except Exception:  # noqa: BLE001 - counted, the figure is what matters
                    failed[0] += 1
                    db.session.rollback()

    worker = threading.Thread(target=sends)
    worker.start()
    time.sleep(0.5)
    try:
        took = timed(lambda: partitions.detach_and_drop(db.engine, table, part.name))
    finally:
        stop.set()
        worker.join()
    return took, slowest[0], failed[0]


def measure(app, sends: int) -> tuple[float, float, dict[str, float]]:
    """One round on one log: accept p50 (ms), worker SMS/s, and the pages' p50 (ms)."""
    with app.app_context():
        return accept_p50(app, sends), worker_rate(app, 4), pages_p50(app, 20)


def median_of(rounds: list[tuple[float, float, dict[str, float]]]) -> dict[str, float]:
    found = {"single send accept p50 (ms)": statistics.median(r[0] for r in rounds),
             "worker (sms/s)": statistics.median(r[1] for r in rounds)}
    for page in rounds[0][2]:
        found[f"{page} p50 (ms)"] = statistics.median(r[2][page] for r in rounds)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds alternating between the empty and the large log")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the large log an earlier run generated (each run "
                             "drops its oldest day)")
    args = parser.parse_args()
    # A day's campaign run sends to each contact once: it needs a contact per tenth of a day.
    args.contacts = max(args.contacts, args.notifications // args.days // 10 + 1)
    sandbox = Sandbox(Path("instance"))
    settings = {"QUIET_HOURS": "", "WTF_CSRF_ENABLED": False, **sandbox.config_overrides()}
    try:
        # The empty log is a database of its own, so the two are measured in turns: the
        # machine's other work and warm caches weigh on both alike.
        empty = fresh_app(f"{DATABASE}_empty", **settings)
        with empty.app_context():
            seed(args.contacts)
            day_partitions(args.days)
        if args.reuse:
            large = create_app(Config(SQLALCHEMY_DATABASE_URI=f"{PG}/{DATABASE}",
                                      REDIS_URL=REDIS, **settings))
            with large.app_context():
                upgrade()  # made by an earlier version, perhaps
        else:
            large = fresh_app(DATABASE, **settings)
            with large.app_context():
                seed(args.contacts)
                day_partitions(args.days)
                took = generate(args.notifications, args.days, args.contacts)
        with large.app_context():
            counts = db.session.execute(sa.text(
                "SELECT (SELECT count(*) FROM notifications), "
                "(SELECT count(*) FROM notification_statuses), "
                "(SELECT count(*) FROM events)")).one()
        print(f"large log: {counts[0]:,} notifications, {counts[1]:,} history rows, "
              f"{counts[2]:,} events" + ("" if args.reuse else f", generated in {took:,.0f} s"),
              flush=True)
        rounds = {"empty": [], "large": []}
        for _ in range(args.rounds):
            for side, app in (("empty", empty), ("large", large)):
                rounds[side].append(measure(app, args.sends))
        with large.app_context():
            rolled = roll_up_oldest_day()
            dropped = {table: drop_oldest_day(large, table)
                       for table in ("notifications", "events")}
    finally:
        sandbox.stop()
    empty_log, large_log = median_of(rounds["empty"]), median_of(rounds["large"])
    print(f"medians of {args.rounds} alternating rounds")
    print(f"{'measure':<32}{'empty log':>12}{'large log':>12}{'ratio':>8}")
    for name, a in empty_log.items():
        b = large_log[name]
        print(f"{name:<32}{a:>12,.1f}{b:>12,.1f}{b / a:>8.2f}")
    print(f"roll up a day of {rolled[1]:,} events: " + ", ".join(
        f"{name} {took:.3f} s" for name, took in rolled[0].items()))
    for table, (took, slowest, failed) in dropped.items():
        print(f"drop a day's {table} partition: {took:.3f} s; slowest send meanwhile "
              f"{slowest:.1f} ms; failed sends {failed}")
    print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
