"""Rows measured through Herald's web process: the single and 1,000-recipient sends, the
tracking pixel, and single sends end to end under sustained load (with memory)."""
import contextlib
import json
import statistics
import threading
import time

import psutil
import sqlalchemy as sa

from app.core.db import copy_rows
from app.core.delivery.transitions import FIRST_HISTORY, first_history
from app.core.tracking import tokens
from app.core.tracking.outgoing import LINK_KEY
from app.extensions import db
from app.models import Notification, NotificationStatus
from app.models.types import new_uuid, utcnow
from bench import load, raw_load
from bench.report import Row
from bench.tracking import _seed as seed_tracking

CONCURRENCY = 32
BATCH_CONCURRENCY = 4
BATCH_ROUNDS = 3  # of each side; the medians are reported
API_ROUNDS = 3  # the same for single sends
HIT_RATE = 5000  # hits/s of the paced run whose p99 the tracking target names
HIT_REQUESTS = 4  # × a size's requests: a hit is cheap, and CPU time is counted in ticks
EMAIL = {"email": {"subject": "Your order shipped", "text": "It is on its way."}}
UNSENT = ("accepted", "queued", "sending", "retrying")
MB = 1024 * 1024


def single_sends(url: str, key: str, contacts: int):
    """The i-th request: one recipient, email, inline content."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def request(i: int):
        body = json.dumps({"recipients": [f"mail-{i % contacts}"], "category": "orders",
                           "channels": ["email"], "content": EMAIL})
        return "POST", f"{url}/api/v1/notifications", {"data": body, "headers": headers}

    return request


def api_single(stack, key: str, size) -> list[Row]:
    """Single-recipient POSTs vs the empty endpoint under the same gunicorn settings: the
    medians of API_ROUNDS runs of each, taking turns (timed once each, the empty endpoint
    gave 2,100-5,300 req/s in runs of one day on one machine, our sends 900-1,500)."""
    request = single_sends(stack.url, key, size.contacts)
    empty = single_sends(stack.ceiling_url, key, size.contacts)
    warm = min(CONCURRENCY * 4, size.requests)
    load.run(empty, count=warm, seconds=10)
    load.run(request, count=warm, seconds=10)  # every web worker's first requests
    ceilings, runs = [], []
    count = size.requests // 2  # a run; three of them for each side
    for _ in range(API_ROUNDS):
        ceilings.append(load.run(empty, count=count, seconds=size.seconds))
        runs.append(load.run(request, count=count, seconds=size.seconds))
    rate = statistics.median(r.rate for r in runs)
    ceiling = statistics.median(r.rate for r in ceilings)
    p99 = statistics.median(r.percentile(99) for r in runs)
    ceiling_p99 = statistics.median(r.percentile(99) for r in ceilings)
    errors = sum(r.errors for r in runs)
    return [
        Row("API single send (accepted, logged, queued)", rate, "req/s", ceiling,
            ">= 0.35x empty Flask", rate / ceiling >= 0.35 and errors == 0),
        Row("API single send p99 at 32 connections", p99, "ms", ceiling_p99, "< 25 ms",
            p99 < 25),
    ]


def written_rows(limit: int) -> list[dict]:
    """Up to `limit` rows the batch sends wrote, every column but the id, as dicts."""
    columns = [c for c in Notification.__table__.c if c.name != "id"]
    return [dict(row._mapping) for row in db.session.execute(sa.select(*columns).limit(limit))]


def copy_seconds(rows: list[dict]) -> float:
    """Seconds PostgreSQL's COPY takes for the rows a batch send writes, with new ids, and
    their first history rows (as the send writes them: app.core.db.copy_rows, binary)."""
    rows = [{"id": new_uuid(), **row} for row in rows]  # the log is partitioned by id time
    # The history rows as insert_created() makes them, but before the clock starts: the
    # ceiling is the COPY. (Timed inside, their 30,000 tuples brought a full garbage
    # collection into some runs: 73,000-122,000/s against 110,000-156,000.)
    history = first_history(rows)
    start = time.perf_counter()
    copy_rows(db.session, Notification.__table__, rows)
    copy_rows(db.session, NotificationStatus.__table__, history, columns=FIRST_HISTORY)
    db.session.commit()
    return time.perf_counter() - start


def api_batch(stack, key: str, size) -> list[Row]:
    """1,000-recipient POSTs (notifications/s accepted) vs COPY of the same rows (those the
    run just wrote, every column): each the median of BATCH_ROUNDS runs, taking turns (one
    run of ten requests swung 30,000-46,000/s, and one COPY its ceiling 63,000-118,000/s,
    on the same tree)."""
    recipients = [f"mail-{i}" for i in range(min(1000, size.contacts))]
    body = json.dumps({"recipients": recipients, "category": "orders", "channels": ["email"],
                       "content": EMAIL})
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    request = lambda i: ("POST", f"{stack.url}/api/v1/notifications",  # noqa: E731
                         {"data": body, "headers": headers})
    # Every web worker's first 1,000-recipient requests (as the single sends warm up):
    # their cold statements and caches are not this figure's.
    load.run(request, count=BATCH_CONCURRENCY * 2, seconds=10, concurrency=BATCH_CONCURRENCY)
    rates, ceilings, errors = [], [], 0
    for _ in range(BATCH_ROUNDS):
        ours = load.run(request, count=size.batches, seconds=size.seconds * 2,
                        concurrency=BATCH_CONCURRENCY)
        rates.append(ours.rate * len(recipients))
        errors += ours.errors
        with stack.app.app_context():
            rows = written_rows(ours.requests * len(recipients))
            ceilings.append(len(rows) / copy_seconds(rows))
    rate, ceiling = statistics.median(rates), statistics.median(ceilings)
    return [Row(f"batch API, {len(recipients):,} recipients/request", rate, "notif/s",
                ceiling, ">= 50,000/s and >= 0.5x COPY",
                rate >= 50_000 and rate / ceiling >= 0.5 and errors == 0)]


def tracking_hits(stack, size) -> list[Row]:
    """Open pixels and tracked-link clicks through the hit server vs an empty app served
    the same way, GET of the same path (its pixel, its bare 302)."""
    with stack.app.app_context():
        config = stack.app.extensions["herald_config"]
        ids, link_id = seed_tracking(config)
        stack.app.extensions["redis"].set(LINK_KEY.format(link_id), "https://shop.example/sale")
        opens = [f"/o/{tokens.open_token(config, ids[i % len(ids)])}.gif" for i in range(100)]
        clicks = [f"/c/{tokens.click_token(config, link_id, ids[i % len(ids)], 3)}"
                  for i in range(100)]
    ua = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox"}
    rows, count = [], size.requests * HIT_REQUESTS
    for name, paths, status in (("open pixel", opens, 200), ("click redirect", clicks, 302)):
        def hits(url: str, paths=paths, status=status, **bounds):
            # The bare client: aiohttp's costs more CPU per request than a hit does.
            return raw_load.gets(url, lambda i: paths[i % len(paths)], headers=ua,
                                 expect=(status,), **bounds)

        runs, paced, cpu = [], [], []
        for url, processes in ((stack.hits_url, stack.hit_processes()),
                               (stack.hits_ceiling_url, stack.hit_processes(ceiling=True))):
            hits(url, count=min(CONCURRENCY * 4, size.requests), seconds=10)  # warm up
            before = cpu_seconds(processes)
            runs.append(hits(url, count=count, seconds=size.seconds))
            cpu.append((cpu_seconds(processes) - before) / max(runs[-1].requests, 1) * 1e6)
            paced.append(hits(url, count=count, seconds=size.seconds, rate=HIT_RATE))
        (ours, ceiling), (ours_paced, ceiling_paced) = runs, paced
        rows += [
            Row(f"tracking {name}", ours.rate, "hits/s", ceiling.rate, ">= 5,000/s",
                ours.rate >= 5000 and ours.errors == 0),
            Row(f"tracking {name} p99 at {HIT_RATE:,}/s", ours_paced.percentile(99), "ms",
                ceiling_paced.percentile(99), "< 5 ms",
                ours_paced.percentile(99) < 5 and ours_paced.errors == 0),
            Row(f"tracking {name} hit server CPU per hit", cpu[0], "us", cpu[1], "shown",
                True),
        ]
    return rows


def cpu_seconds(processes) -> float:
    """User and system CPU the processes have used so far (others' load does not count)."""
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):  # it ended meanwhile
            times = process.cpu_times()
            total += times.user + times.system
    return total


class Sampler(threading.Thread):
    """Every half second: the unsent backlog and the largest RSS per kind of process."""

    def __init__(self, stack):
        super().__init__(daemon=True)
        self.stack, self.stopped = stack, threading.Event()
        self.backlog: list[tuple[float, int]] = []
        self.rss = {"web": 0, "worker": 0}

    def run(self):
        while not self.stopped.wait(0.5):
            with self.stack.app.app_context():
                waiting = db.session.scalar(sa.select(sa.func.count()).where(
                    Notification.status.in_(UNSENT)))
                db.session.remove()
            self.backlog.append((time.monotonic(), waiting))
            for kind, processes in (("web", self.stack.web_processes()),
                                    ("worker", self.stack.worker_processes())):
                for process in processes:
                    with contextlib.suppress(psutil.Error):  # it ended meanwhile
                        self.rss[kind] = max(self.rss[kind], process.memory_info().rss)

    def growth(self) -> float:
        """Backlog growth per second over the second half of the run."""
        if len(self.backlog) < 4:
            return 0.0
        (t0, b0), (t1, b1) = self.backlog[len(self.backlog) // 2], self.backlog[-1]
        return (b1 - b0) / (t1 - t0)


def end_to_end(stack, key: str, size) -> tuple[list[Row], float]:
    """Single sends for a sustained period, workers delivering to the simulators."""
    stack.reset()
    stack.start_workers({"email": size.workers})
    sampler = Sampler(stack)
    sampler.start()
    started = utcnow()
    ours = load.run(single_sends(stack.url, key, size.contacts), count=size.sustained * 10_000,
                    seconds=size.sustained)
    ended = utcnow()
    sampler.stopped.set()
    sampler.join()
    seconds = (ended - started).total_seconds()
    with stack.app.app_context():
        sent = db.session.scalar(sa.select(sa.func.count()).where(
            Notification.sent_at.between(started, ended)))
        latency = sa.func.extract("epoch", Notification.sent_at - Notification.created_at)
        p99 = db.session.scalar(sa.select(
            sa.func.percentile_cont(0.99).within_group(latency)).where(
                Notification.sent_at.between(started, ended))) or 0.0
    rate, growth = sent / seconds, sampler.growth()
    rows = [
        Row(f"single sends end to end, {size.sustained:.0f} s", rate, "sent/s", ours.rate,
            ">= 500/s (ceiling: accepted/s)", rate >= 500),
        Row("single sends accept -> sent p99", p99 * 1000, "ms", None, "< 2,000 ms",
            0 < p99 < 2),
        Row("single sends backlog growth", growth, "rows/s", ours.rate,
            "no growth (< 2% of accepted/s)", growth < 0.02 * ours.rate),
        Row("web worker RSS under load", sampler.rss["web"] / MB, "MB", 200, "< 200 MB",
            0 < sampler.rss["web"] < 200 * MB),
        Row("channel worker RSS under load", sampler.rss["worker"] / MB, "MB", 150, "< 150 MB",
            0 < sampler.rss["worker"] < 150 * MB),
    ]
    return rows, rate
