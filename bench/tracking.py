"""Tracking hits through the real WSGI app: `python -m bench tracking` (and `make bench`).

Ours: GET /o/<token>.gif, /c/<token> and /s/<code> through Flask's WSGI app in this
process (token check, one Redis round trip, the response), one after another.
Ceilings, in the same run: a bare Flask app whose one view writes the hit record with a
one-command Redis pipeline (what the framework and the write cost, with no checks), and
the bare pipelines alone (the least a hit that reaches Redis can cost). Then the events
worker's drain (classify and insert) against a bare executemany of the same rows.
The ratio is ours over bare Flask (for the drain: over the bare insert).
"""
import argparse
import json
import time
import uuid

import sqlalchemy as sa
from flask import Flask, Response
from werkzeug.test import EnvironBuilder

from app.core.tracking import drain, tokens
from app.core.tracking.outgoing import LINK_KEY, SHORT_KEY
from app.extensions import db
from app.models import Contact, Event, Notification, ShortLink, TrackedLink
from app.models.types import new_uuid, utcnow
from bench.common import fresh_app, timed

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _seed(config) -> tuple[list[str], int]:
    contact = Contact(external_id="bench-hits", email="hits@example.com")
    db.session.add(contact)
    db.session.flush()
    ids = [new_uuid() for _ in range(100)]  # the log is partitioned by the time in its ids
    db.session.execute(sa.insert(Notification), [
        {"id": i, "contact_id": contact.id, "channel": "email", "category": "orders",
         "status": "sent", "sent_at": utcnow()} for i in ids])
    link = TrackedLink(scope="bench", url="https://shop.example/sale", url_hash="bench")
    db.session.add(link)
    db.session.flush()
    db.session.add(ShortLink(code="Bench123", link_id=link.id, notification_id=ids[0],
                             expires_at=utcnow().replace(year=2100)))
    db.session.commit()
    return [str(i) for i in ids], link.id


def _through_app(app, paths: list[str], expect: int) -> tuple[float, list[float]]:
    environs = [EnvironBuilder(path=p, headers={"User-Agent": UA},
                               environ_base={"REMOTE_ADDR": "198.51.100.7"}).get_environ()
                for p in paths]
    latencies = []

    def start_response(status, headers, exc_info=None):
        assert int(status[:3]) == expect, status

    def run():
        for environ in environs:
            start = time.perf_counter()
            body = app.wsgi_app(dict(environ), start_response)
            b"".join(body)
            getattr(body, "close", lambda: None)()
            latencies.append(time.perf_counter() - start)

    return len(paths) / timed(run), latencies


RECORD = json.dumps({"k": "clicked", "t": time.time(), "n": str(uuid.uuid4()), "l": 1,
                     "method": "GET", "ip": "198.51.100.7", "user_agent": UA, "prefetch": False})


def _bare_flask(redis, n: int) -> tuple[float, list[float]]:
    bare = Flask("bare")

    @bare.get("/o/<token>.gif")
    def pixel(token):
        with redis.pipeline(transaction=False) as pipe:
            pipe.rpush("bench:hits", RECORD)
            pipe.execute()
        return Response(b"GIF89a", mimetype="image/gif")

    rate, latencies = _through_app(bare, ["/o/token.gif"] * n, 200)
    redis.delete("bench:hits")
    return rate, latencies


def _ceiling(redis, n: int) -> tuple[float, list[float]]:
    record = RECORD
    latencies = []

    def run():
        for _ in range(n):
            start = time.perf_counter()
            with redis.pipeline(transaction=False) as pipe:
                pipe.rpush("bench:hits", record)
                pipe.execute()
            latencies.append(time.perf_counter() - start)

    rate = n / timed(run)
    redis.delete("bench:hits")
    return rate, latencies


def p99(latencies: list[float]) -> float:
    return sorted(latencies)[int(len(latencies) * 0.99)] * 1000


def bench_hits(app, n: int) -> list[tuple]:
    """Rows of (path, hits/s, p99 ms, then the same for bare Flask and bare Redis)."""
    config, redis = app.extensions["herald_config"], app.extensions["redis"]
    nids, link_id = _seed(config)
    redis.set(LINK_KEY.format(link_id), "https://shop.example/sale")
    redis.set(SHORT_KEY.format("Bench123"), "https://shop.example/sale")
    opens = [f"/o/{tokens.open_token(config, nids[i % 100])}.gif" for i in range(n)]
    clicks = [f"/c/{tokens.click_token(config, link_id, nids[i % 100], 3)}" for i in range(n)]
    _through_app(app, opens[:200], 200)  # warm up
    rows = []
    for name, paths, status in (("open pixel", opens, 200), ("click", clicks, 302),
                                ("sms short link", ["/s/Bench123"] * n, 302)):
        rate, latencies = _through_app(app, paths, status)
        flask_rate, flask_latencies = _bare_flask(redis, n)
        ceiling, raw = _ceiling(redis, n)
        rows.append((name, rate, p99(latencies), flask_rate, p99(flask_latencies), ceiling,
                     p99(raw)))
    return rows


def bench_drain(app) -> tuple[float, float]:
    """Hits/s stored by the drain (classify, bulk insert) vs a bare executemany of events."""
    config, redis = app.extensions["herald_config"], app.extensions["redis"]
    waiting = redis.llen("herald:hits")
    ours = timed(lambda: drain.drain(db.session, redis, config))
    rows = [{"kind": "clicked", "at": utcnow(), "ip": "198.51.100.7", "user_agent": UA}
            for _ in range(waiting)]

    def raw():
        for i in range(0, len(rows), drain.BATCH):
            db.session.execute(sa.insert(Event), rows[i:i + drain.BATCH])
            db.session.commit()

    return waiting / ours, waiting / timed(raw)


def report(app, n: int) -> None:
    with app.app_context():
        hits = bench_hits(app, n)
        stored, ceiling = bench_drain(app)
    print(f"\n{'tracking hit':<16}{'hits/s':>8}{'p99 ms':>8}{'bare flask':>11}{'p99 ms':>8}"
          f"{'redis':>8}{'p99 ms':>8}{'ratio':>7}")
    for name, rate, p, flask_rate, flask_p, raw, raw_p in hits:
        print(f"{name:<16}{rate:>8,.0f}{p:>8.2f}{flask_rate:>11,.0f}{flask_p:>8.2f}"
              f"{raw:>8,.0f}{raw_p:>8.2f}{rate / flask_rate:>7.2f}")
    print(f"{'drain (hits/s)':<16}{stored:>8,.0f}{'':>27}{ceiling:>8,.0f}{'':>8}"
          f"{stored / ceiling:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=20_000)
    args = parser.parse_args()
    report(fresh_app("herald_bench_tracking"), args.hits)


if __name__ == "__main__":
    main()
