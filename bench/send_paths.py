"""Single sends end to end, in process: many one-recipient requests, then the channel's
drain, against the same rows delivered one id per call (the shape of one RQ job per
request). Part of `make bench`; `python -m bench send_paths --sends 2000` on its own.

rows(app, sandbox, sends) returns dicts with measure, value, unit, ceiling and ratio.
"""
import argparse
import time
from pathlib import Path

import sqlalchemy as sa

from app.channels.pool import ProviderPool
from app.core.delivery.deliver import deliver_batch
from app.core.delivery.dispatch import SendRequest
from app.core.delivery.drain import drain
from app.core.delivery.send import send
from app.extensions import db
from app.models import Category, Contact, Notification
from app.queues import due_key
from bench.common import fresh_app, timed
from tests.sandbox_client import Sandbox

CONTENT = {"sms": {"text": "Your code is {{ code }}"},
           "email": {"subject": "Your code", "text": "Your code is {{ code }}"}}


def _seed(n: int) -> list[str]:
    ids = [f"single-{i}" for i in range(n)]
    db.session.execute(sa.insert(Contact), [
        {"external_id": e, "phone": f"+1415555{i % 10000:04d}", "email": f"{e}@example.com",
         "attributes": {}, "tags": []} for i, e in enumerate(ids)])
    db.session.add(Category(key="codes", name="Codes", quiet_hours=False))
    db.session.commit()
    return ids


def _single_sends(app, recipients: list[str], channel: str) -> float:
    """Accept one request per recipient (each committed and queued); return requests/s."""
    redis, config = app.extensions["redis"], app.extensions["herald_config"]

    def run():
        for external_id in recipients:
            sent = send(db.session, redis, config, SendRequest(
                [external_id], "codes", [channel], content=CONTENT, data={"code": "1234"}))
            db.session.commit()
            sent.enqueue(redis, config)
    return len(recipients) / timed(run)


def _sent(channel: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        Notification.channel == channel, Notification.status == "sent"))


def _statuses(channel: str) -> dict:
    return dict(db.session.execute(sa.select(Notification.status, sa.func.count()).where(
        Notification.channel == channel).group_by(Notification.status)).all())


def bench_channel(app, pool, recipients: list[str], channel: str) -> list[dict]:
    redis, config = app.extensions["redis"], app.extensions["herald_config"]
    accept_rate = _single_sends(app, recipients, channel)
    drained = timed(lambda: drain(db.session, redis, config, pool, channel))
    if _sent(channel) != len(recipients):
        raise RuntimeError(f"the drain left {channel} rows unsent: {_statuses(channel)}")
    # The naive shape: the same number of rows, one id per delivery call.
    _single_sends(app, recipients, channel)
    redis.delete(due_key(channel))
    ids = [str(i) for i in db.session.scalars(sa.select(Notification.id).where(
        Notification.channel == channel, Notification.status == "queued"))]
    one_by_one = timed(lambda: [deliver_batch(db.session, redis, config, pool, channel, [i])
                                for i in ids])
    n = len(recipients)
    return [
        {"measure": f"single {channel} sends accepted in process", "value": accept_rate,
         "unit": "req/s", "ceiling": None, "ratio": None},
        {"measure": f"single {channel} sends drained (coalesced)", "value": n / drained,
         "unit": "msg/s", "ceiling": n / one_by_one, "ratio": one_by_one / drained,
         "ceiling_is": "the same rows delivered one id per call"},
    ]


def rows(app, sandbox: Sandbox, sends: int) -> list[dict]:
    pool = ProviderPool(app.extensions["herald_config"])
    try:
        with app.app_context():
            recipients = _seed(sends)
            return [*bench_channel(app, pool, recipients, "email"),
                    *bench_channel(app, pool, recipients, "sms")]
    finally:
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=2000)
    args = parser.parse_args()
    sandbox = Sandbox(Path("instance"))
    try:
        app = fresh_app("herald_bench_single", QUIET_HOURS="", **sandbox.config_overrides())
        started = time.perf_counter()
        for row in rows(app, sandbox, args.sends):
            ceiling = f"{row['ceiling']:>10,.0f}" if row["ceiling"] else f"{'':>10}"
            ratio = f"{row['ratio']:>7.1f}" if row["ratio"] else ""
            print(f"{row['measure']:<48}{row['value']:>10,.0f} {row['unit']:<6}{ceiling}{ratio}")
        print(f"({time.perf_counter() - started:.0f} s)")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
