"""`make bench`: Herald's hot paths against the raw database/Redis ceiling, in one run.

Each line compares our throughput with the fastest the same backend does for the same
volume with no logic at all, so the figures are ratios that hold across machines.
"""
import argparse
import sys
import uuid
from importlib import import_module
from pathlib import Path

import sqlalchemy as sa

from app.channels.pool import ProviderPool
from app.core.delivery.deliver import deliver_batch
from app.core.delivery.dispatch import SendRequest, accept
from app.extensions import db
from app.models import Category, Contact, Notification
from app.models.types import new_uuid
from app.queues import enqueue_ids, queue
from bench import tracking
from bench.common import fresh_app, timed
from bench.imports import bench_import
from tests.sandbox_client import Sandbox


def seed_contacts(n: int) -> list[str]:
    ids = [f"bench-{i}" for i in range(n)]
    db.session.execute(sa.insert(Contact), [
        {"external_id": e, "phone": f"+1415555{i:04d}", "email": f"{e}@example.com",
         "attributes": {}, "tags": []} for i, e in enumerate(ids)
    ])
    db.session.add(Category(key="orders", name="Orders", quiet_hours=False))
    db.session.commit()
    return ids


def bench_accept(app, recipients: list[str], rounds: int) -> tuple[float, float]:
    """Rows/s written by dispatch.accept vs a bare executemany of the same rows."""
    redis = app.extensions["redis"]
    config = app.extensions["herald_config"]
    request = SendRequest(recipients=recipients, category="orders", channels=["sms"],
                          content={"sms": {"text": "Order {{ order }} shipped"}},
                          data={"order": "1"})

    def ours():
        for _ in range(rounds):
            accept(db.session, redis, config, request)
            db.session.commit()

    contact_ids = db.session.scalars(sa.select(Contact.id)).all()

    def raw():
        for _ in range(rounds):
            db.session.execute(sa.insert(Notification), [
                {"id": new_uuid(), "contact_id": cid, "channel": "sms", "category": "orders",
                 "status": "queued", "address": "+14155550000", "content": {"text": "x"}}
                for cid in contact_ids
            ])
            db.session.commit()

    n = rounds * len(recipients)
    return n / timed(ours), n / timed(raw)


def bench_enqueue(app, n: int) -> tuple[float, float]:
    """Ids/s queued by enqueue_ids (batched RQ jobs) vs a bare pipelined RPUSH of ids."""
    redis = app.extensions["redis"]
    config = app.extensions["herald_config"]
    ids = [str(uuid.uuid4()) for _ in range(n)]
    ours = timed(lambda: enqueue_ids(redis, config, {"sms": ids}))
    queue(redis, "sms").empty()

    def raw():
        with redis.pipeline(transaction=False) as pipe:
            for i in range(0, n, config.BATCH_SIZE):
                pipe.rpush("bench:raw", *ids[i : i + config.BATCH_SIZE])
            pipe.execute()

    ceiling = timed(raw)
    redis.delete("bench:raw")
    return n / ours, n / ceiling


def bench_delivery(app, sandbox: Sandbox) -> tuple[float, float]:
    """SMS/s delivered through Twilio's SDK to the simulator vs raw HTTP posts to it."""
    import httpx

    config = app.extensions["herald_config"]
    ids = [str(n.id) for n in db.session.scalars(
        sa.select(Notification).where(Notification.status == "queued").limit(1000))]
    pool = ProviderPool(config)
    ours = timed(lambda: deliver_batch(db.session, app.extensions["redis"], config, pool,
                                       "sms", ids))
    url = f"{sandbox.http_url}/2010-04-01/Accounts/{config.TWILIO_ACCOUNT_SID}/Messages.json"
    with httpx.Client(auth=(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN)) as http:
        def raw():
            for i in range(len(ids)):
                http.post(url, data={"To": f"+1415555{i % 10000:04d}",
                                     "From": config.TWILIO_FROM, "Body": "x"})
        ceiling = timed(raw)
    return len(ids) / ours, len(ids) / ceiling


def main() -> None:
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        # `python -m bench segments --contacts 100000`: one area's benchmark on its own.
        return import_module(f"bench.{sys.argv.pop(1)}").main()
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    sandbox = Sandbox(Path("instance"))
    app = fresh_app(QUIET_HOURS="", **sandbox.config_overrides())
    rows = []
    try:
        with app.app_context():
            recipients = seed_contacts(args.contacts)
            rows.append(("accept (rows/s)", *bench_accept(app, recipients, args.rounds)))
            rows.append(("enqueue (ids/s)", *bench_enqueue(app, 100_000)))
            rows.append(("deliver sms (msgs/s)", *bench_delivery(app, sandbox)))
            rows.append(("import csv (rows/s)", *bench_import(app)))
    finally:
        sandbox.stop()
    print(f"{'path':<24}{'herald':>12}{'ceiling':>12}{'ratio':>8}")
    for name, ours, ceiling in rows:
        print(f"{name:<24}{ours:>12,.0f}{ceiling:>12,.0f}{ours / ceiling:>8.2f}")
    tracking.report(fresh_app("herald_bench_tracking"), 20_000)


if __name__ == "__main__":
    main()
