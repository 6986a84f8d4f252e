"""Rows measured at the providers' end: push through the FCM and APNs simulators, email
through SendGrid's, the same push with 1, 2 and 4 workers, a naive baseline, CSV import.

Each drain posts its recipients in 1,000-recipient requests, then starts the channel's
workers on that backlog; its rate is rows sent over the span from the first claim to the
last sent.
"""
import asyncio
import json
import ssl
import subprocess
import time
import uuid
from functools import lru_cache

import httpx
import jwt
import sqlalchemy as sa
from rq import Queue

from app.channels.push.apns import sandbox_signing_key
from app.extensions import db
from app.models import Contact, Notification, NotificationStatus
from app.models.notifications import Status
from bench import load
from bench.http_measures import EMAIL, UNSENT
from bench.imports import bench_import
from bench.report import Row
from bench.seed import clear_notifications, forget_jobs, token
from bench.stack import ROOT

PUSH = {"push": {"title": "Order shipped", "body": "Your order A-1001 is on its way",
                 "data": {"order": "A-1001"}}}
CONTENT = {"push": PUSH, "email": EMAIL}
DRAIN_TIMEOUT = 300
# Email worker processes of the target's row: one per core here. One process leaves a
# quarter of the CPU idle, its two batches in flight waiting on PostgreSQL or SendGrid.
EMAIL_WORKERS = 2


def drain(stack, key: str, kind: str, channel: str, n: int, workers: int) -> float:
    """Queue n notifications to the contacts of a kind (each contact again once they are
    all used), then start the channel's workers on that backlog; return notifications
    sent per second from the first claim to the last sent.

    The accept has its own rows (batch API): counted from the first row written, one or
    two batches would mostly measure the requests and the workers' pick-up, not a rate.
    """
    stack.stop_workers()
    with stack.app.app_context():
        clear_notifications()
        contacts = db.session.scalar(sa.select(sa.func.count()).where(
            Contact.external_id.startswith(f"{kind}-")))
    headers = {"Authorization": f"Bearer {key}"}
    per_request = min(1000, contacts)  # no contact twice in one request
    with httpx.Client(base_url=stack.url, headers=headers, timeout=60) as http:
        for start in range(0, n, per_request):
            body = {"recipients": [f"{kind}-{i % contacts}"
                                   for i in range(start, min(n, start + per_request))],
                    "category": "orders", "channels": [channel], "content": CONTENT[channel]}
            http.post("/api/v1/notifications", json=body).raise_for_status()
    with stack.app.app_context():
        # The log was just emptied, and its statistics with it: in service, autovacuum
        # has analyzed the day's partition long since. Without statistics the planner
        # priced each batch's 1,000 primary-key lookups above reading the whole partition
        # (up to ~25,000 rows), so claims and outcomes scanned it all.
        db.session.execute(sa.text("ANALYZE notifications"))
        db.session.commit()
    stack.start_workers({channel: workers})
    deadline = time.monotonic() + DRAIN_TIMEOUT
    with stack.app.app_context():
        while time.monotonic() < deadline:
            waiting = db.session.scalar(sa.select(sa.func.count()).where(
                Notification.status.in_(UNSENT)))
            db.session.remove()
            if not waiting:
                break
            time.sleep(0.2)
        sent, last = db.session.execute(sa.select(
            sa.func.count(Notification.sent_at), sa.func.max(Notification.sent_at))).one()
        first = db.session.scalar(sa.select(sa.func.min(NotificationStatus.at)).where(
            NotificationStatus.status == Status.SENDING))
    if not sent:
        return 0.0
    return sent / max((last - first).total_seconds(), 1e-3)


def fcm_ceiling(stack, n: int, tls: bool = True) -> float:
    """A bare load client POSTing FCM messages to the same simulator, over TLS (HTTP/1.1,
    as Herald's FCM provider) unless `tls` is false (the plain port)."""
    sandbox = stack.sandbox
    url = sandbox.tls_url if tls else sandbox.http_url
    context = ssl.create_default_context(cafile=str(sandbox.cert)) if tls else None

    def request(i):
        target, body, headers = _fcm_request(url, i)
        return "POST", target, {"data": body, "headers": headers}

    return load.run(request, count=n, seconds=120, concurrency=64, ssl=context).rate


@lru_cache(maxsize=1)
def _bearer() -> str:
    """One provider token for the run, as APNs wants (it reuses one for 20-60 min)."""
    return jwt.encode({"iss": "HERALDTEAM", "iat": int(time.time())},
                      sandbox_signing_key("SANDBOXKEY"), algorithm="ES256",
                      headers={"kid": "SANDBOXKEY"})


def _apns_request(url: str, i: int) -> tuple[str, bytes, dict]:
    bearer = _bearer()
    return (f"{url}/3/device/{token('apns', i)}",
            b'{"aps":{"alert":{"title":"Order shipped","body":"On its way"}}}',
            {"authorization": f"bearer {bearer}", "apns-id": str(uuid.uuid4()),
             "apns-topic": "com.example.herald", "apns-push-type": "alert"})


def _fcm_request(url: str, i: int) -> tuple[str, bytes, dict]:
    body = json.dumps({"message": {"token": token("fcm", i), "notification": {
        "title": "Order shipped", "body": "On its way"}, "data": {"herald_id": str(i)}}})
    return (f"{url}/v1/projects/herald-sandbox/messages:send", body.encode(),
            {"authorization": "Bearer herald-sandbox-token",
             "content-type": "application/json"})


async def _http2(url: str, cafile: str, n: int, connections: int = 4) -> float:
    context = ssl.create_default_context(cafile=cafile)
    clients = [httpx.AsyncClient(http2=True, verify=context) for _ in range(connections)]
    requests = [_apns_request(url, i) for i in range(n)]
    slots = asyncio.Semaphore(50 * connections)

    async def one(i: int) -> bool:
        target, body, headers = requests[i]
        async with slots:
            response = await clients[i % connections].post(target, content=body,
                                                           headers=headers)
            return response.status_code == 200

    start = time.perf_counter()
    ok = sum(await asyncio.gather(*(one(i) for i in range(n))))
    seconds = time.perf_counter() - start
    for client in clients:
        await client.aclose()
    return ok / seconds


def apns_ceiling(stack, n: int) -> float:
    """A bare HTTP/2 client (several connections, many streams) against APNs' simulator."""
    load.local_only(stack.sandbox.tls_url)
    return asyncio.run(_http2(stack.sandbox.tls_url, str(stack.sandbox.cert), n))


def push(stack, key: str, size) -> list[Row]:
    rows = []
    stack.reset()  # no job left from an earlier measure ahead of this one's
    # APNs' simulator (HTTP/2) is the slower: half as many messages take about as long.
    for provider, ceiling, n in (("fcm", fcm_ceiling, size.drained),
                                 ("apns", apns_ceiling, size.drained // 2)):
        ours = drain(stack, key, provider, "push", n, size.workers)
        bare = ceiling(stack, n)
        rows.append(Row(f"push delivered and logged through {provider.upper()}", ours,
                        "msgs/s", bare, ">= 0.5x bare client", ours / bare >= 0.5))
    return rows


def email(stack, key: str, size) -> list[Row]:
    """Email recipients through SendGrid, drained by one worker process and by
    EMAIL_WORKERS (the target's row), vs a bare client posting 1,000-recipient sends."""
    recipients = size.batches * 1000
    rates = {}
    for workers in sorted({size.workers, EMAIL_WORKERS}):
        stack.reset()  # no job left from an earlier measure ahead of this one's
        rates[workers] = drain(stack, key, "mail", "email", recipients, workers)
    per_request = min(1000, size.contacts)
    body = json.dumps({
        "personalizations": [{"to": [{"email": f"mail-{i}@example.com"}],
                              "custom_args": {"herald_id": str(i)}} for i in range(per_request)],
        "from": {"email": "no-reply@example.com"}, "subject": "Your order shipped",
        "content": [{"type": "text/plain", "value": "It is on its way."}]})
    headers = {"Authorization": "Bearer SG.sandbox", "Content-Type": "application/json"}
    request = lambda i: ("POST", f"{stack.sandbox.http_url}/v3/mail/send",  # noqa: E731
                         {"data": body, "headers": headers})
    # At least 100 requests: a few of them take some tens of milliseconds, a figure any
    # passing hiccup halves.
    bare = load.run(request, count=max(recipients // per_request, 100), seconds=120,
                    concurrency=4)
    ceiling = bare.rate * per_request
    return [Row(f"email recipients through SendGrid, {n} worker process"
                f"{'es' if n > 1 else ''}", rate, "recipients/s", ceiling,
                ">= 20,000/s" if n == EMAIL_WORKERS else "shown",
                rate >= 20_000 if n == EMAIL_WORKERS else rate > 0)
            for n, rate in rates.items()]


def scale(stack, key: str, size) -> list[Row]:
    """FCM push with 1, 2 and 4 worker processes on the push queue."""
    first = size.scale[0]
    rates = {}
    for workers in size.scale:
        stack.reset()
        rates[workers] = drain(stack, key, "fcm", "push", size.drained, workers)
    return [Row(f"scale: FCM push, {n} worker process{'es' if n > 1 else ''}", rate, "msgs/s",
                rates[first], f"shown (ceiling: {first} process)", rate > 0)
            for n, rate in rates.items()]


def naive_deliver(notification_id: str) -> dict:
    """The naive baseline's job: deliver one notification (what one job per send costs)."""
    from app.core.delivery.deliver import deliver_batch
    from workers import jobs

    def work(session, redis, _config):
        pool = jobs._current_pool(session, redis)
        return deliver_batch(session, redis, pool.config, pool, "email", [notification_id])

    return jobs._run(work)


def naive(stack, key: str, size, herald_rate: float) -> list[Row]:
    """One RQ job per notification on a forking worker, against Herald's single sends."""
    stack.reset()
    redis = stack.app.extensions["redis"]
    request = lambda i: ("POST", f"{stack.url}/api/v1/notifications", {  # noqa: E731
        "json": {"recipients": [f"mail-{i}"], "category": "orders", "channels": ["email"],
                 "content": EMAIL}, "headers": {"Authorization": f"Bearer {key}"}})
    load.run(request, count=size.naive, seconds=120, concurrency=4)
    with stack.app.app_context():
        ids = [str(i) for i in db.session.scalars(sa.select(Notification.id))]
    forget_jobs(redis)  # Herald's own jobs for these rows
    naive_queue = Queue("naive", connection=redis)
    jobs = [naive_queue.enqueue(naive_deliver, notification_id) for notification_id in ids]
    subprocess.run(["rq", "worker", "naive", "--burst", "--quiet", "--url",
                    stack.env["HERALD_REDIS_URL"]], env=stack.env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, timeout=600)
    with stack.app.app_context():
        sent = db.session.scalar(sa.select(sa.func.count(Notification.sent_at)))
    for job in jobs:
        job.refresh()
    # From the first job's start to the last one's end: the worker's own start is neither.
    seconds = (max(j.ended_at for j in jobs) - min(j.started_at for j in jobs)).total_seconds()
    rate = sent / seconds
    return [Row("single sends vs naive (1 RQ job each, forking worker)", herald_rate, "sent/s",
                rate, ">= 20x naive", rate > 0 and herald_rate / rate >= 20)]


def csv_import(stack, size) -> list[Row]:
    ours, ceiling = bench_import(stack.app, size.import_rows)
    return [Row(f"CSV import, {size.import_rows:,} rows", ours, "rows/s", ceiling,
                ">= 0.5x COPY", ours / ceiling >= 0.5)]
