"""`make chaos`: real processes, one fault at a time, and a table of what was lost.

The run starts its own Redis and (when the server binaries are installed) its own
PostgreSQL cluster, the simulators, and Herald's web process, a worker per channel, the
events/maintenance worker and the scheduler. For each fault it sends notifications across
push, SMS and email through the API (each batch call retried with its Idempotency-Key
until answered), breaks something while they are sent, waits until every notification is
settled, and counts per provider what the simulators received: a notification whose
recipient never reached its provider is lost; one received twice is duplicated.

    python -m bench chaos [--notifications 100000] [--reduced]
"""
import argparse
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from app import create_app
from app.channels.sms.twilio import TIMEOUT_SECONDS
from app.config import Config
from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.extensions import db, upgrade
from app.models import Category, Contact, Device, Notification
from bench.chaos_stack import (
    WORKERS,
    PrivatePostgres,
    PrivateRedis,
    Processes,
    postgres_bindir,
)
from tests.sandbox_client import Sandbox, free_port

CHANNELS = ("push", "sms", "email")
PROVIDER = {"push": "fcm", "sms": "twilio", "email": "sendgrid"}
CONTENT = {"push": {"title": "Chaos", "body": "still here"}, "sms": {"text": "still here"},
           "email": {"subject": "Chaos", "text": "still here"}}
SETTLED = ("sent", "delivered", "failed", "dead", "suppressed")


@dataclass
class Scale:
    """How big and how long: the full run, or the reduced one the test suite runs."""

    per_fault: int
    request_size: int
    fault_seconds: float  # how long a provider outage lasts
    kills: int  # worker or web kills in a row
    settings: dict
    settle_timeout: float

    @classmethod
    def full(cls, notifications: int) -> "Scale":
        return cls(per_fault=notifications // len(FAULTS), request_size=500, fault_seconds=120,
                   kills=10, settle_timeout=900,
                   settings={"MAX_ATTEMPTS": 12, "RETRY_BASE_SECONDS": 5,
                             "RETRY_MAX_SECONDS": 60})

    @classmethod
    def reduced(cls, notifications: int) -> "Scale":
        return cls(per_fault=notifications // len(FAULTS), request_size=10, fault_seconds=3,
                   kills=2, settle_timeout=60,
                   settings={"MAX_ATTEMPTS": 12, "RETRY_BASE_SECONDS": 0.2,
                             "RETRY_MAX_SECONDS": 2, "SEND_LEASE_SECONDS": 3,
                             "SWEEP_GRACE_SECONDS": 3, "SWEEP_INTERVAL_SECONDS": 1,
                             "BATCH_SIZE": 10, "EMAIL_BATCH_SIZE": 10})


class Chaos:
    """The running stack, and what each fault does to it."""

    def __init__(self, workdir: Path, scale: Scale, database_url: str | None = None):
        self.scale, self.workdir, self.next_contact = scale, workdir, 0
        self.posting = threading.Event()  # a batch call is under way
        self.redis = self.postgres = self.sandbox = self.processes = None
        try:
            self._start(database_url)
        except BaseException:
            self.close()
            raise

    def _start(self, database_url: str | None) -> None:
        workdir, scale = self.workdir, self.scale
        self.redis = PrivateRedis(workdir)
        bindir = None if database_url else postgres_bindir()
        self.postgres = PrivatePostgres(bindir) if bindir else None
        database_url = self.postgres.url if self.postgres else database_url
        self.sandbox = Sandbox(workdir)
        settings = {"QUIET_HOURS": "", "TRACK_OPENS": False, "TRACK_CLICKS": False,
                    "SMS_PROVIDERS": "twilio", "EMAIL_PROVIDERS": "sendgrid",
                    "SECRET_KEY": "chaos-secret", "REDIS_URL": self.redis.url,
                    "BIND": f"127.0.0.1:{free_port()}", **self.sandbox.config_overrides(),
                    **scale.settings}
        self.app = create_app(Config(SQLALCHEMY_DATABASE_URI=database_url, **settings))
        with self.app.app_context():
            upgrade()
            _, self.api_key = create_api_key(db.session, "chaos", ["send"], actor=SYSTEM)
            db.session.add(Category(key="chaos", name="Chaos", quiet_hours=False))
            db.session.commit()
        env = {"HERALD_DATABASE_URL": database_url, "HERALD_WEB_WORKERS": "2",
               "PYTHONUNBUFFERED": "1", "XDG_RUNTIME_DIR": str(workdir),
               **{f"HERALD_{k}": str(v) for k, v in settings.items()}}
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        self.processes = Processes({**os.environ, **env, "PATH": path}, workdir)
        self.processes.start_all()
        self.base_url = f"http://{settings['BIND']}"

    def close(self) -> None:
        """Stop whatever was started."""
        for part, stop in ((self.processes, "stop_all"), (self.sandbox, "stop"),
                           (self.redis, "stop"), (self.postgres, "stop")):
            if part is not None:
                getattr(part, stop)()

    # The faults: each runs beside the sending and returns when the fault is over.
    def worker_kills(self) -> None:
        rng = random.Random(17)
        for _ in range(self.scale.kills):
            self._in_flight()
            victim = rng.choice([q for q in WORKERS if q != "events"])
            self.processes.crash(victim)

    def _in_flight(self) -> None:
        """Let work pile up (batches in flight, jobs queued) before an instant fault:
        the providers answer late for a few seconds."""
        for provider in PROVIDER.values():  # SendGrid waits per recipient: less
            self.sandbox.fail(provider, "ok", delay=0.2 if provider == "sendgrid" else 1.5,
                              seconds=4)
        time.sleep(1.5)

    def redis_flushall(self) -> None:
        self._in_flight()
        self.app.extensions["redis"].flushall()

    def redis_restart(self) -> None:
        self._in_flight()
        self.redis.stop()
        time.sleep(2)
        self.redis.start()

    def postgres_restart(self) -> None:
        self._in_flight()
        self.postgres.pg_ctl("restart")

    def provider_errors(self) -> None:
        seconds = self.scale.fault_seconds
        self.sandbox.fail("twilio", "503", seconds=seconds)
        self.sandbox.fail("sendgrid", "429", retry_after=1, seconds=seconds)
        self.sandbox.fail("fcm", "503", seconds=seconds)
        time.sleep(seconds)

    def web_kills(self) -> None:
        rng = random.Random(23)
        for _ in range(self.scale.kills):
            if not self.posting.wait(timeout=30):
                return  # everything was sent
            time.sleep(rng.uniform(0, 0.05))  # during a batch call
            self.processes.crash("web")

    def provider_silent(self) -> None:
        self.sandbox.fail("twilio", "504", delay=TIMEOUT_SECONDS + 2,
                          seconds=self.scale.fault_seconds)
        time.sleep(self.scale.fault_seconds)

    # One fault's run.
    def run(self, name: str, fault) -> dict:
        self.sandbox.reset()
        recipients = self._contacts(self.scale.per_fault)
        started = sa.func.now()
        with self.app.app_context():
            since = db.session.scalar(sa.select(started))
            db.session.remove()
        done = threading.Event()
        ended = {}

        def inject():
            fault()
            ended["at"] = time.monotonic()
            done.set()

        threading.Thread(target=inject, daemon=True).start()
        retries = self._send(recipients)
        done.wait()
        recovered = self._settle(since, len(recipients))
        row = self._count(name, since, recipients)
        row.update(recover=recovered - ended["at"], retries=retries)
        return row

    def _contacts(self, n: int) -> dict[str, dict[str, str]]:
        """n new contacts, each with a phone, an email and an Android device; {channel:
        {external id: the address its provider sees}}, one notification per contact."""
        first, self.next_contact = self.next_contact, self.next_contact + n
        by_channel = {c: {} for c in CHANNELS}
        with self.app.app_context():
            rows = [{"external_id": f"x{i}", "phone": f"+1415{2000000 + i}",
                     "email": f"x{i}@example.com", "attributes": {}, "tags": []}
                    for i in range(first, first + n)]
            ids = db.session.execute(sa.insert(Contact).returning(Contact.id), rows).scalars()
            db.session.execute(sa.insert(Device), [
                {"contact_id": cid, "platform": "android", "provider": "fcm",
                 "token": f"chaos-token-{i}", "active": True}
                for i, cid in zip(range(first, first + n), ids, strict=True)])
            db.session.commit()
            db.session.remove()
        for i in range(first, first + n):
            channel = CHANNELS[i % len(CHANNELS)]
            by_channel[channel][f"x{i}"] = {"push": f"chaos-token-{i}",
                                           "sms": f"+1415{2000000 + i}",
                                           "email": f"x{i}@example.com"}[channel]
        return by_channel

    def _send(self, recipients: dict[str, dict[str, str]]) -> int:
        """POST every batch; retry each with its Idempotency-Key until it is answered 202."""
        retries, size = 0, self.scale.request_size
        headers = {"Authorization": f"Bearer {self.api_key}"}
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            for channel, contacts in recipients.items():
                ids = list(contacts)
                for start in range(0, len(ids), size):
                    body = {"recipients": ids[start:start + size], "category": "chaos",
                            "channels": [channel], "content": {channel: CONTENT[channel]}}
                    key = str(uuid.uuid4())
                    while True:
                        self.posting.set()
                        try:
                            response = client.post("/api/v1/notifications", json=body,
                                                   headers={**headers, "Idempotency-Key": key})
                            if response.status_code == 202:
                                break
                            if response.status_code < 500 and response.status_code != 409:
                                raise RuntimeError(f"{response.status_code}: {response.text}")
                        except httpx.TransportError:
                            pass
                        finally:
                            self.posting.clear()
                        retries += 1
                        self.processes.keep_running()
                        time.sleep(0.3)
        return retries

    def _settle(self, since, expected: int) -> float:
        """Wait until every notification of the run is settled; return when (monotonic)."""
        deadline = time.monotonic() + self.scale.settle_timeout
        while time.monotonic() < deadline:
            self.processes.keep_running()
            statuses = self._statuses(since)
            if sum(statuses.values()) >= expected and not set(statuses) - set(SETTLED):
                return time.monotonic()
            time.sleep(0.25)
        return time.monotonic()

    def _statuses(self, since) -> Counter:
        with self.app.app_context():
            try:
                found = db.session.execute(
                    sa.select(Notification.status, sa.func.count())
                    .where(Notification.created_at >= since).group_by(Notification.status))
                return Counter(dict(found.all()))
            except sa.exc.OperationalError:  # the database is restarting
                db.session.rollback()
                return Counter({"unknown": 1})
            finally:
                db.session.remove()

    def _count(self, name: str, since, recipients: dict[str, dict[str, str]]) -> dict:
        statuses = self._statuses(since)
        lost, by_provider = 0, {}
        for channel, contacts in recipients.items():
            received = Counter(e["recipient"] for e in
                               self.sandbox.received(PROVIDER[channel]))
            lost += sum(1 for address in contacts.values() if not received[address])
            by_provider[PROVIDER[channel]] = sum(n - 1 for n in received.values() if n > 1)
        expected = sum(len(c) for c in recipients.values())
        rows_made_twice = max(sum(statuses.values()) - expected, 0)
        return {"fault": name, "notifications": expected, "lost": lost,
                "duplicated": sum(by_provider.values()) + rows_made_twice,
                "duplicated_by_provider": by_provider, "rows_made_twice": rows_made_twice,
                "statuses": dict(statuses)}


FAULTS = {
    "worker SIGKILL mid-batch, repeatedly": Chaos.worker_kills,
    "Redis FLUSHALL": Chaos.redis_flushall,
    "Redis restart": Chaos.redis_restart,
    "PostgreSQL restart": Chaos.postgres_restart,
    "provider 503/429, then back": Chaos.provider_errors,
    "web killed during batch calls": Chaos.web_kills,
    "provider stops answering": Chaos.provider_silent,
}


def run_all(chaos: Chaos, faults=FAULTS) -> list[dict]:
    rows = []
    for name, fault in faults.items():
        if fault is Chaos.postgres_restart and chaos.postgres is None:
            print(f"skipped: {name} (no PostgreSQL server binaries to start a private "
                  "cluster; the shared server is never restarted)", flush=True)
            continue
        rows.append(chaos.run(name, lambda f=fault: f(chaos)))
        print(row_text(rows[-1]), flush=True)
    return rows


def row_text(row: dict) -> str:
    return (f"| {row['fault']:<38} | {row['notifications']:>13,} | {row['lost']:>4} | "
            f"{row['duplicated']:>10} | {row['recover']:>13.1f} s |")


def table(rows: list[dict]) -> str:
    head = (f"| {'fault':<38} | {'notifications':>13} | lost | duplicated | "
            f"time to recover |\n|{'-' * 40}|{'-' * 15}|------|------------|{'-' * 17}|")
    return "\n".join([head, *map(row_text, rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description="Herald under faults: nothing may be lost")
    parser.add_argument("--notifications", type=int, default=100_000,
                        help="in all, shared out across the faults")
    parser.add_argument("--reduced", action="store_true",
                        help="short faults and leases (what the test suite runs)")
    args = parser.parse_args()
    scale = (Scale.reduced if args.reduced else Scale.full)(args.notifications)
    with tempfile.TemporaryDirectory(prefix="herald-chaos-") as workdir:
        chaos = Chaos(Path(workdir), scale)
        try:
            rows = run_all(chaos)
        finally:
            chaos.close()
        print(table(rows))
        print(f"processes started again after exiting: {chaos.processes.restarts}")
    sys.exit(1 if any(row["lost"] for row in rows) else 0)
