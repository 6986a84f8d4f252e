"""Segment counts over a million contacts on PostgreSQL: `python -m bench segments`.

bench_segments(app) seeds contacts, devices, events and suppressions in SQL with
generate_series (seconds, not minutes), runs ANALYZE, then times the COUNT (and the
20-row sample) of representative segments, next to a bare `SELECT count(*) FROM
contacts` in the same run. The console's live count needs < 1 s each (p50).
"""
import statistics
import time

import sqlalchemy as sa

from app.core.db import new_uuid_sql
from app.core.segments.store import count_matching, sample_matching
from app.extensions import db
from bench.common import run_over_contacts

DATABASE = "herald_bench_segments"


def _rule(type_, op, value=None, **kw):
    return {"type": type_, "op": op, **({"value": value} if value is not None else {}), **kw}


SEGMENTS = {
    "attribute equals (plan = pro)": {"rules": [_rule("attribute", "equals", "pro", key="plan")]},
    "attribute numeric (score > 900)": {"rules": [_rule("attribute", "gt", 900, key="score")]},
    "tag (has vip)": {"rules": [_rule("tag", "has", "vip")]},
    "has active iOS device": {"rules": [_rule("channel", "reachable", "ios")]},
    "email reachable": {"rules": [_rule("channel", "reachable", "email")]},
    "opened in last 30 days": {"rules": [_rule("engagement", "opened", 30)]},
    "never clicked": {"rules": [_rule("engagement", "not_clicked")]},
    "locale language + timezone region": {"rules": [
        _rule("locale", "language", "en"), _rule("timezone", "region", "Europe")]},
    "created in the last 30 days": {"rules": [_rule("created", "within_last_days", 30)]},
    "nested and/or": {"match": "all", "rules": [
        _rule("tag", "has_any", ["vip", "beta"]),
        _rule("locale", "language", "en"),
        {"type": "group", "match": "any", "rules": [
            _rule("engagement", "opened", 30),
            _rule("channel", "reachable", "ios"),
            _rule("attribute", "between", [30, 40], key="age")]}]},
}

SEED_SQL = [
    """
    INSERT INTO contacts (external_id, email, phone, locale, timezone, attributes, tags,
                          created_at, updated_at, last_seen_at)
    SELECT 'bench-' || g, 'user' || g || '@example.com',
           CASE WHEN g % 3 = 0 THEN '+1415' || lpad(g::text, 7, '0') END,
           (ARRAY['en', 'en-GB', 'fr-FR', 'de-DE', 'es-ES'])[1 + g % 5],
           (ARRAY['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'])[1 + g % 4],
           jsonb_build_object(
             'plan', (ARRAY['free', 'free', 'pro', 'team', 'enterprise'])[1 + (g * 7) % 5],
             'age', 18 + g % 60,
             'score', CASE WHEN g % 10 = 0 THEN to_jsonb('n/a'::text) ELSE to_jsonb(g % 1000) END,
             'city', (ARRAY['Paris', 'London', 'Berlin', 'Madrid', 'Lisbon', 'Tokyo'])[1 + g % 6],
             'signup', to_char(date '2020-01-01' + g % 2000, 'YYYY-MM-DD')),
           (CASE g % 10 WHEN 0 THEN '["vip", "newsletter"]' WHEN 1 THEN '["beta"]'
                        WHEN 2 THEN '["churned"]' ELSE '["newsletter"]' END)::jsonb,
           now() - (g % 1000) * interval '1 day', now(), now() - (g % 90) * interval '1 day'
    FROM generate_series(1, :n) AS g
    """,
    # Half the contacts have a phone app (iOS or Android, 5% inactive), 1 in 7 web push.
    """
    INSERT INTO devices (contact_id, platform, provider, token, active, created_at, last_seen_at)
    SELECT id, CASE WHEN id % 4 = 0 THEN 'ios' ELSE 'android' END,
           CASE WHEN id % 4 = 0 THEN 'apns' ELSE 'fcm' END, 'tok-' || id, id % 20 <> 0,
           now(), now()
    FROM contacts WHERE id % 2 = 0
    UNION ALL
    SELECT id, 'web', 'webpush', 'https://push.example/' || id, true, now(), now()
    FROM contacts WHERE id % 7 = 0
    """,
    # Two events per contact on average over the last 180 days: 70% opens, 30% clicks.
    """
    INSERT INTO events (id, contact_id, kind, at)
    SELECT {uuid7}, 1 + (random() * (:n - 1))::int,
           CASE WHEN random() < 0.7 THEN 'opened' ELSE 'clicked' END,
           now() - random() * interval '180 days'
    FROM generate_series(1, 2 * :n)
    """,
    """
    INSERT INTO suppressions (channel, address, reason, detail, created_at)
    SELECT 'email', email, 'bounce', '', now() FROM contacts WHERE id % 100 = 0
    """,
]


def seed(n: int) -> float:
    """Fill the tables with n contacts and their devices/events; return the seconds taken."""
    start = time.perf_counter()
    uuid7 = str(new_uuid_sql(db.session))  # events are partitioned by the time in their ids
    for statement in SEED_SQL:
        db.session.execute(sa.text(statement.replace("{uuid7}", uuid7)), {"n": n})
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return time.perf_counter() - start


def _p50_ms(fn, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def bench_segments(app, contacts: int = 1_000_000, rounds: int = 5) -> list[tuple]:
    """Seed `contacts`, then print and return (segment, matches, count ms, sample ms)."""
    rows = []
    with app.app_context():
        seeded = seed(contacts)
        print(f"seeded {contacts:,} contacts in {seeded:.1f} s")
        raw_ms, _ = _p50_ms(lambda: db.session.scalar(sa.text("SELECT count(*) FROM contacts")),
                            rounds)
        for name, rules in SEGMENTS.items():
            count_ms, count = _p50_ms(lambda r=rules: count_matching(db.session, r), rounds)
            sample_ms, _ = _p50_ms(lambda r=rules: sample_matching(db.session, r), rounds)
            rows.append((name, count, count_ms, sample_ms))
    print(f"raw SELECT count(*) FROM contacts: p50 {raw_ms:.0f} ms")
    print(f"{'segment (p50)':<36}{'matches':>10}{'count ms':>10}{'vs raw':>8}{'sample ms':>11}")
    for name, count, count_ms, sample_ms in rows:
        print(f"{name:<36}{count:>10,}{count_ms:>10.0f}{count_ms / raw_ms:>7.1f}x"
              f"{sample_ms:>11.0f}")
    return rows


def main() -> None:
    run_over_contacts(bench_segments, DATABASE)


if __name__ == "__main__":
    main()
